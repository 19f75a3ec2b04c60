"""The running sandbox: the Bot API stand-in, the real bot against it, the clock controls.

The bot is built by ``bot.app.build`` exactly as ``neurocheck run`` builds it; only its
settings (a stand-in's URL and token, a throw-away database) and its clock differ. Its timer
still ticks every ``NEUROCHECK_SCHEDULER_INTERVAL_SECONDS``; a clock control runs one pass at
once as well, so what fell due appears without waiting for the timer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from bot import app as app_module
from bot.config import Settings
from bot.sandbox.clock import SandboxClock
from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.sandbox.seed import STAFF, seed
from bot.telegram import i18n
from storage import migrate
from storage.db import Database
from storage.repositories import schedule as schedule_repo

log = logging.getLogger(__name__)
TOKEN = "100000:SANDBOX-not-a-real-token"  # noqa: S105 - the stand-in's own token
BOT_USERNAME = "neurocheck_sandbox_bot"
CLOCK_STEPS = {"15m": dt.timedelta(minutes=15), "1h": dt.timedelta(hours=1)}
SETTLE_SECONDS = 5.0
POLL_SECONDS = 2  # a long poll that ends soon, so Ctrl-C stops the sandbox at once


@dataclass(frozen=True)
class Moved:
    """What a clock control did: the new time, and the jump taken."""

    now: dt.datetime
    jumped: dt.timedelta


class Sandbox:
    """``async with Sandbox(db_path) as sandbox:`` runs everything until the block ends."""

    def __init__(
        self, db_path: Path, settings: Settings | None = None, *, language: str = i18n.ENGLISH
    ) -> None:
        """``language`` is the demo staff's (``bot.telegram.i18n.LANGUAGES``): their Telegram
        apps are set to it, so each phone's chats and command menu are in it."""
        self.clock = SandboxClock()
        self.language = language
        self.telegram = FakeTelegram(
            token=TOKEN,
            bot_username=BOT_USERNAME,
            bot_first_name="Neurocheck (sandbox)",
            clock=self.clock.timestamp,
        )
        self._db_path = db_path
        self._settings = settings
        self._neurocheck: app_module.Neurocheck | None = None
        self._db: Database | None = None
        self._moving = asyncio.Lock()

    @property
    def neurocheck(self) -> app_module.Neurocheck:
        if self._neurocheck is None:
            raise RuntimeError("the sandbox is not running")
        return self._neurocheck

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("the sandbox is not running")
        return self._settings

    def person(self, key: str) -> SimUser:
        """The simulated member of staff ``key`` (seed.STAFF); KeyError if there is none."""
        found = [p for p in STAFF if p.key == key]
        if not found:
            raise KeyError(key)
        code = i18n.TELEGRAM_CODES.get(self.language, "en")
        return self.telegram.user(found[0].telegram_id, found[0].name, language_code=code)

    async def __aenter__(self) -> Self:
        await self.telegram.start()
        try:
            await self._start_bot()
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self._stop_bot()
        finally:
            await self.telegram.stop()
            if self._db is not None:
                self._db.dispose()

    async def _start_bot(self) -> None:
        # The operator's timings and time zone; never their token, database or Bot API.
        own = {
            "bot_token": TOKEN,
            "database_url": f"sqlite:///{self._db_path}",
            "bot_api_url": self.telegram.base_url,
            "bot_api_file_url": self.telegram.base_file_url,
        }
        base = self._settings.model_dump(exclude=set(own)) if self._settings else {}
        self._settings = Settings(**(base | own))
        self._db = Database(self._settings.database_url)
        await asyncio.to_thread(migrate.upgrade, self._db.engine)
        wired = app_module.build(self._settings, self._db, clock=self.clock)
        self._neurocheck = wired  # from here on, __aexit__ stops whatever has started
        for person in STAFF:
            self.person(person.key)
        await asyncio.to_thread(
            seed,
            self._db,
            self.clock,
            self._settings.zone,
            on_plan_change=wired.rescheduler.patient_changed,
            language=self.language,
        )
        application = wired.application
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)  # the command menu, as run_polling does
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=0, timeout=POLL_SECONDS, allowed_updates=["message", "callback_query"]
        )
        for person in STAFF:  # each opens their chat, as a new member would
            await self.person(person.key).send("/start")
        await wired.rescheduler_sweep()
        await wired.tick()

    async def _stop_bot(self) -> None:
        if self._neurocheck is None:
            return
        application = self._neurocheck.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        self._neurocheck = None

    # -- the clock controls -------------------------------------------------------------------

    async def move_clock(self, step: str) -> Moved:
        """``15m``, ``1h`` or ``next`` (the next check that falls due), then one pass now.

        Raises KeyError for another step. Jumps wait for messages being sent to go out first
        (see storage.repositories.schedule)."""
        async with self._moving:
            await self._settle()
            before = self.clock()
            if step == "next":
                due = await asyncio.to_thread(self._next_due)
                now = self.clock.advance_to(due) if due is not None else before
            else:
                now = self.clock.advance(CLOCK_STEPS[step])
            self.telegram.world.notify()  # the page shows the new time at once
            await self.neurocheck.tick()
            return Moved(now=now, jumped=now - before)

    def _next_due(self) -> dt.datetime | None:
        assert self._db is not None
        with self._db.session() as session:
            return schedule_repo.next_unprompted_due(session, after=self.clock())

    async def _settle(self) -> None:
        assert self._db is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_SECONDS
        while loop.time() < deadline:
            if not await asyncio.to_thread(self._sending):
                return
            await asyncio.sleep(0.05)
        log.warning(
            "a message was still being sent after %.0f s; moving the clock anyway", SETTLE_SECONDS
        )

    def _sending(self) -> bool:
        assert self._db is not None
        with self._db.session() as session:
            return schedule_repo.outbox_sending(session)
