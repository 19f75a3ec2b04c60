"""Telegram's side of a webhook: each update is POSTed, in order, until the bot answers 2xx.

Telegram only posts to https URLs, which in a hospital end at the reverse proxy in front of
the bot. ``routes`` plays that proxy: a public URL prefix is forwarded to the bot's local
http listener, with the path kept.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import aiohttp

from .methods import BotApi
from .models import JsonDict, Webhook

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
RETRY_SECONDS = 0.2


@dataclass(frozen=True)
class Delivery:
    """One push: which update, to where, and the HTTP status the bot answered (0: no answer)."""

    update_id: int
    url: str
    status: int


class WebhookPusher:
    def __init__(self, api: BotApi) -> None:
        self.api = api
        self.routes: dict[str, str] = {}
        self.deliveries: list[Delivery] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="fake-telegram-webhook")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def target(self, url: str) -> str:
        for public, local in self.routes.items():
            if url.startswith(public):
                return local + url[len(public) :]
        return url

    def _next(self) -> tuple[Webhook, JsonDict] | None:
        webhook = self.api.webhook
        if webhook is None or self.api.world.closing:
            return None
        waiting = self.api.updates_for_webhook()
        return (webhook, waiting[0]) if waiting else None

    async def _run(self) -> None:
        world = self.api.world
        async with aiohttp.ClientSession() as session:
            # Not only cancellation: Python 3.11's wait_for can swallow a cancel that arrives
            # as the awaited event is set, which is what stopping the server does.
            while not world.closing:
                ready = await world.wait_for(self._next, 1.0)
                if ready is None:
                    continue
                webhook, update = ready
                status = await self._push(session, webhook, update)
                if 200 <= status < 300:
                    world.confirm_updates(int(update["update_id"]) + 1)
                else:
                    await asyncio.sleep(RETRY_SECONDS)  # Telegram, too, tries again later

    async def _push(
        self, session: aiohttp.ClientSession, webhook: Webhook, update: JsonDict
    ) -> int:
        url = self.target(webhook.url)
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        try:
            async with session.post(
                url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
            ) as answer:
                status = answer.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        self.deliveries.append(Delivery(int(update["update_id"]), url, status))
        self.api.world.notify()
        return status
