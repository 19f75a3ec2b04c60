"""The composition root: the one place that builds and wires everything."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.services.checks import CheckService
from bot.services.enrolment import EnrolmentService
from bot.services.events import EventService
from bot.services.history import HistoryService
from bot.services.patients import PatientService
from bot.services.staff import Clock, StaffService
from bot.telegram import texts
from bot.telegram.access import Access
from bot.telegram.checks import CheckHandlers
from bot.telegram.enrolment import EnrolmentHandlers
from bot.telegram.events import EventHandlers
from bot.telegram.handlers import CoreHandlers, FallbackHandlers
from bot.telegram.patients import PatientHandlers
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
    checks: CheckService
    check_handlers: CheckHandlers


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
    access = Access(staff)
    # Before CoreHandlers: enrolment takes `/start <code>`, plain /start falls through.
    enrolment = EnrolmentService(db, clock, default_ttl_hours=settings.invite_ttl_hours)
    EnrolmentHandlers(access, staff, enrolment, settings.zone).register(application)
    patients = PatientService(db, clock, zone=settings.zone)
    PatientHandlers(access, patients, settings.zone).register(application)
    CoreHandlers(access).register(application)
    checks = CheckService(db, clock, settings.zone)
    check_handlers = CheckHandlers(access, checks, settings.zone)
    # Registered last: its free-text handler must not shadow other features' handlers.
    check_handlers.register(application)
    EventHandlers(
        access, EventService(db, clock, settings.zone), HistoryService(db), settings.zone
    ).register(application)
    FallbackHandlers(access).register(application)
    _schedule_housekeeping(application, settings, check_handlers)
    return Neurocheck(
        application=application, db=db, staff=staff, checks=checks, check_handlers=check_handlers
    )


def _schedule_housekeeping(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    check_handlers: CheckHandlers,
) -> None:
    """The repeating job only wakes the code; what is due is decided from the database."""
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        await check_handlers.abandon_idle(context.bot, settings.check_abandon_minutes)

    application.job_queue.run_repeating(
        tick, interval=settings.scheduler_interval_seconds, first=1.0, name="housekeeping"
    )


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the command list so Telegram clients show it in the menu."""
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.COMMANDS]
    )
    log.info("registered %d commands", len(texts.COMMANDS))
