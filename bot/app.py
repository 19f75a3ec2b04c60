"""The composition root: the one place that builds and wires everything."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.config import Settings
from bot.services.staff import Clock, StaffService
from bot.telegram import texts
from bot.telegram.handlers import CoreHandlers
from storage.db import Database

log = logging.getLogger(__name__)


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Neurocheck:
    """The wired bot: the PTB application plus the services it was built with."""

    application: Application  # type: ignore[type-arg]
    db: Database
    staff: StaffService


def build(settings: Settings, db: Database, clock: Clock = system_clock) -> Neurocheck:
    """Wire services and handlers. Tests call this with a fake server URL and a fake clock."""
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_url)
        # Telegram allows ~30 messages/s overall and ~1/s per chat; the limiter also retries
        # once on RetryAfter so a 429 delays a message instead of losing it.
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(register_commands)
        .build()
    )
    staff = StaffService(db, clock)
    CoreHandlers(staff).register(application)
    return Neurocheck(application=application, db=db, staff=staff)


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command list so Telegram clients show it in the menu."""
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.COMMANDS]
    )
    log.info("registered %d commands", len(texts.COMMANDS))
