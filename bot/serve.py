"""Running the built bot: polling under a leader, or a webhook on every instance.

PTB's ``run_polling`` polls from start to stop; here polling starts when this instance becomes
the leader and stops when it steps down (``bot/instances.py``), while the application, its
handlers and the scheduler's claim passes run the whole time on every instance. In webhook
mode Telegram pushes each update to one URL (the hospital's reverse proxy spreads them), so
every instance takes updates and nobody needs to lead.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.error import Conflict, TelegramError

from bot import metrics
from bot.app import Neurocheck
from bot.config import ENV_PREFIX, SettingsError
from bot.instances import Leadership

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
CONFLICT_LOG_SECONDS = 60.0


@dataclass(frozen=True)
class Webhook:
    """Where Telegram posts (``url``, public) and where this process listens (behind it)."""

    url: str
    secret: str
    listen: str
    port: int

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


class PollingErrors:
    """PTB's error callback for getUpdates. Without it, each failed poll reaches the
    application's error path as an unhandled error with a traceback: a second poller with the
    same token made 23 of them in four minutes. A 409 means another process polls with this
    token (a leader that has not noticed it lost its lock, or a stray instance); it is said in
    one line, at most once a minute. PTB retries every failed poll by itself."""

    def __init__(self) -> None:
        self._last_conflict = -CONFLICT_LOG_SECONDS
        self.conflicts = 0

    def __call__(self, error: TelegramError) -> None:
        if isinstance(error, Conflict):
            self.conflicts += 1
            now = time.monotonic()
            if now - self._last_conflict >= CONFLICT_LOG_SECONDS:
                self._last_conflict = now
                log.warning(
                    "Telegram answered 409 Conflict (%d so far): another process is polling "
                    "with this bot's token; only one may",
                    self.conflicts,
                )
            return
        log.warning("polling Telegram failed, retrying: %s", error)


async def serve(
    neurocheck: Neurocheck, leadership: Leadership, webhook: Webhook | None = None
) -> None:
    """Run until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    application = neurocheck.application
    updater = application.updater
    assert updater is not None
    errors = PollingErrors()

    async def lead(leading: bool) -> None:
        metrics.LEADER.set(int(leading))
        if leading and not updater.running:
            # bootstrap_retries=-1: Telegram unreachable at start delays polling (retried with
            # PTB's back-off, up to 30 s apart) instead of ending the process with a traceback.
            await updater.start_polling(
                allowed_updates=ALLOWED_UPDATES,
                error_callback=errors,
                poll_interval=0,
                bootstrap_retries=-1,
            )
            log.info("polling Telegram for updates")
        elif not leading and updater.running:
            await updater.stop()
            log.info("stopped polling Telegram")

    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        leader: asyncio.Task[None] | None = None
        try:
            if webhook is None:
                leader = asyncio.create_task(leadership.run(lead), name="leadership")
                stopped = asyncio.create_task(stop.wait())
                await asyncio.wait({leader, stopped}, return_when=asyncio.FIRST_COMPLETED)
                stopped.cancel()
                if leader.done():
                    leader.result()  # the leadership loop never ends by itself: re-raise
            else:
                await _start_webhook(neurocheck, webhook)
                await stop.wait()
        finally:
            if leader is not None and not leader.done():
                leader.cancel()
                await asyncio.gather(leader, return_exceptions=True)
            if updater.running:
                await updater.stop()
            metrics.LEADER.set(0)
            await application.stop()
            leadership.close()


async def _start_webhook(neurocheck: Neurocheck, webhook: Webhook) -> None:
    """PTB's own webhook server, which answers 403 to any request without the secret token
    Telegram was given in setWebhook."""
    updater = neurocheck.application.updater
    assert updater is not None
    try:
        await updater.start_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=webhook.path,
            webhook_url=webhook.url,
            secret_token=webhook.secret,
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=3,
        )
    except OSError as exc:
        raise SettingsError(
            f"cannot listen on {webhook.listen}:{webhook.port} for the webhook "
            f"({ENV_PREFIX}WEBHOOK_PORT): {exc.strerror or exc}"
        ) from None
    except TelegramError as exc:
        raise SettingsError(f"Telegram refused the webhook {webhook.url}: {exc}") from None
    metrics.LEADER.set(1)
    log.info("webhook: listening on %s:%d%s", webhook.listen, webhook.port, webhook.path)
