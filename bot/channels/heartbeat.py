"""The heartbeat: a dead-man's switch for the bot as a whole.

A bot that is dead cannot say so. While ``NEUROCHECK_HEARTBEAT_URL`` is set, the bot requests
it every minute, but only while its own watcher (bot.services.health, as ``neurocheck
health``) finds nothing overdue: a stopped, stuck or cut-off bot stops beating, and the
external monitor (Uptime Kuma, healthchecks.io, the hospital's own) raises the alarm.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Final

import httpx

from bot.services import health
from bot.telegram.health_texts import work_words
from storage.db import Database

log = logging.getLogger(__name__)
INTERVAL_SECONDS: Final = 60
TIMEOUT: Final = 10.0


class Heartbeat:
    def __init__(self, db: Database, clock: Callable[[], dt.datetime], url: str) -> None:
        self._db = db
        self._clock = clock
        self._url = url

    async def beat(self) -> bool:
        """Request the URL if nothing is overdue; whether the monitor heard a beat."""
        overdue = await asyncio.to_thread(self._overdue)
        if overdue:
            log.warning("heartbeat withheld: overdue %s", "; ".join(overdue))
            return False
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT) as client:
                response = await client.get(self._url)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("heartbeat not heard by the monitor: %s %s", type(exc).__name__, exc)
            return False
        return True

    def _overdue(self) -> list[str]:
        with self._db.session() as session:
            found = health.overdue(session, self._clock())
            return [f"{o.count} {work_words(o.kind)}" for o in found]
