"""The composition root: the one place that builds and wires everything."""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot.channels.heartbeat import INTERVAL_SECONDS, Heartbeat
from bot.channels.mail import EmailSender
from bot.channels.webhook import WebhookSender
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.scheduler import Scheduler, Waker
from bot.services import escalations, second_channel
from bot.services import menus as menus_service
from bot.services.alerts import AlertService
from bot.services.checks import CheckService
from bot.services.duty import DutyService
from bot.services.enrolment import EnrolmentService
from bot.services.escalations import EscalationRunner
from bot.services.events import EventService
from bot.services.export.service import ExportService
from bot.services.history import HistoryService
from bot.services.labs import LabService
from bot.services.menus import MenuService
from bot.services.outbox import ChannelSender, Outbox, OutboxItem
from bot.services.patients import PatientService
from bot.services.picker import PickerService
from bot.services.plans import PlanService
from bot.services.prompts import PromptService
from bot.services.roster import RosterService
from bot.services.runner import PassReport, Runner
from bot.services.schedule import Rescheduler, ScheduleRules
from bot.services.staff import StaffService
from bot.services.staff_admin import StaffAdminService
from bot.services.staff_contact import ContactService
from bot.services.timeline import TimelineService
from bot.telegram import menus as menu_texts
from bot.telegram.abandoned import renderers as abandoned_renderers
from bot.telegram.access import Access
from bot.telegram.alerts import AlertHandlers
from bot.telegram.alerts import renderers as alert_renderers
from bot.telegram.checks import CheckHandlers
from bot.telegram.duty import DutyHandlers, OnCallHandlers
from bot.telegram.enrolment import EnrolmentHandlers
from bot.telegram.events import EventHandlers
from bot.telegram.export import ExportHandlers
from bot.telegram.handlers import CoreHandlers, FallbackHandlers
from bot.telegram.labs import LabHandlers
from bot.telegram.language import LanguageHandlers
from bot.telegram.patients import PatientHandlers, shift_board
from bot.telegram.picker import PatientPicker
from bot.telegram.plans import PlanHandlers
from bot.telegram.prompts import OutboxSender, Outgoing, PromptHandlers, Renderer
from bot.telegram.rota_texts import renderers as rota_renderers
from bot.telegram.staff import StaffHandlers
from bot.telegram.timeline import TimelineHandlers
from bot.telegram.updates import PerChatUpdateProcessor
from storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Neurocheck:
    """The wired bot: the PTB application plus the services it was built with."""

    application: Application  # type: ignore[type-arg]
    db: Database
    staff: StaffService
    checks: CheckService
    check_handlers: CheckHandlers
    scheduler: Scheduler
    rescheduler: Rescheduler
    menus: MenuService
    heartbeat: Heartbeat | None = None

    async def tick(self) -> PassReport | None:
        """One scheduler pass now (tests call this at the instants they choose)."""
        return await self.scheduler.tick(self.application.bot)

    async def rescheduler_sweep(self) -> int:
        return await asyncio.to_thread(self.rescheduler.sweep)


def build(settings: Settings, db: Database, clock: Clock = system_clock) -> Neurocheck:
    """Wire services and handlers. Tests call this with a fake server URL and a fake clock."""
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_url)
        .rate_limiter(rate_limiter())
        .post_init(register_commands)
        .concurrent_updates(PerChatUpdateProcessor())  # chats at once, each chat in order
        .build()
    )
    rules = ScheduleRules.shipped(settings.zone)
    protocols = rules.protocols
    staff = StaffService(db, clock)
    patients = PatientService(db, clock, zone=settings.zone, protocols=protocols)
    access = Access(staff)
    picker = PatientPicker(access, PickerService(db, clock), settings.zone)
    picker.register(application)
    # Before CoreHandlers: enrolment takes `/start <code>`, plain /start falls through.
    enrolment = EnrolmentService(db, clock, default_ttl_hours=settings.invite_ttl_hours)
    EnrolmentHandlers(access, staff, enrolment, settings.zone).register(application)
    LanguageHandlers(access, staff).register(application)
    patient_handlers = PatientHandlers(access, patients, settings.zone, picker)
    patient_handlers.register(application)
    picker.add("discharge", patient_handlers.discharge_for)
    CoreHandlers(access).register(application)
    rescheduler = Rescheduler(db, clock, rules)
    checks = CheckService(db, clock, settings.zone, rules)

    def kick(app: Application) -> None:  # type: ignore[type-arg]
        """After a submit, an event or an acknowledgement: escalate and send now."""
        scheduler.kick(app)

    check_handlers = CheckHandlers(access, checks, settings.zone, on_submitted=kick, picker=picker)
    picker.add("check", check_handlers.for_label)
    PromptHandlers(
        access, PromptService(db, clock, checks, rules), check_handlers, settings.zone
    ).register(application)
    event_handlers = EventHandlers(
        access,
        EventService(db, clock, settings.zone, rules),
        HistoryService(db, clock),
        settings.zone,
        on_reported=kick,
        picker=picker,
    )
    event_handlers.register(application)
    picker.add("event", event_handlers.event_for)
    picker.add("history", event_handlers.history_for)
    timeline_handlers = TimelineHandlers(access, TimelineService(db, clock), settings.zone, picker)
    timeline_handlers.register(application)
    picker.add("timeline", timeline_handlers.for_label)

    def plan_changed(patient_id: int) -> None:
        """After a plan's transaction: the patient's next check, which may be due now."""
        rescheduler.patient_changed(patient_id)
        scheduler.nudge()

    plans = PlanService(db, clock, zone=settings.zone, protocols=protocols, on_change=plan_changed)
    plan_handlers = PlanHandlers(access, plans, settings.zone, picker)
    plan_handlers.register(application)
    picker.add("plan", plan_handlers.plan_for)
    DutyHandlers(access, DutyService(db, clock, zone=settings.zone), settings.zone).register(
        application
    )
    OnCallHandlers(access, RosterService(db, clock, zone=settings.zone), settings.zone).register(
        application
    )
    LabHandlers(access, LabService(db, clock, zone=settings.zone), settings.zone).register(
        application
    )
    alerts = AlertService(db, clock, settings.zone, rules)
    AlertHandlers(access, alerts, settings.zone, kick).register(application)
    StaffHandlers(
        access, StaffAdminService(db, clock), settings.zone, kick, ContactService(db, clock)
    ).register(application)
    ExportHandlers(
        access,
        ExportService(db, clock, settings.zone, fhir_system=settings.fhir_patient_system),
    ).register(application)
    # Last but the fallbacks: its free-text handler must not shadow other features' handlers.
    check_handlers.register(application)
    FallbackHandlers(access).register(application)
    menus = MenuService(db, clock)
    scheduler = Scheduler(
        Runner(db, clock, rules),
        OutboxSender(
            Outbox(
                db,
                clock,
                hooks={
                    "alert": escalations.delivery_outcome,
                    second_channel.PURPOSE: second_channel.delivery_outcome,
                    second_channel.ACK_PURPOSE: second_channel.delivery_outcome,
                },
                background=(menus_service.PURPOSE,),
            ),
            settings.zone,
            renderers={
                **alert_renderers(alerts, settings.zone),
                **abandoned_renderers(checks, settings.zone),
                **rota_renderers(settings.zone),
                "ward_board": _board_renderer(patients, settings.zone),
            },
            actions={menus_service.PURPOSE: menu_texts.publisher(menus)},
            channels=_channels(settings, clock),
        ),
        checks.abandon_idle,
        rescheduler,
        EscalationRunner(db, clock),
        interval_seconds=settings.scheduler_interval_seconds,
        abandon_minutes=settings.check_abandon_minutes,
        waker=Waker(db, clock),
    )
    scheduler.install(application)
    _queue_menus_at_start(application, menus)
    heartbeat = _install_heartbeat(application, settings, db, clock)
    return Neurocheck(
        application=application,
        db=db,
        staff=staff,
        checks=checks,
        check_handlers=check_handlers,
        scheduler=scheduler,
        rescheduler=rescheduler,
        menus=menus,
        heartbeat=heartbeat,
    )


def _channels(settings: Settings, clock: Clock) -> dict[str, ChannelSender]:
    """The senders of the channels besides Telegram (bot.services.second_channel)."""
    secret = settings.paging_webhook_secret
    return {
        second_channel.WEBHOOK: WebhookSender(secret.get_secret_value() if secret else None, clock),
        second_channel.EMAIL: EmailSender.from_settings(settings),
    }


def _install_heartbeat(
    application: Application,  # type: ignore[type-arg]
    settings: Settings,
    db: Database,
    clock: Clock,
) -> Heartbeat | None:
    """Every minute, when NEUROCHECK_HEARTBEAT_URL is set (bot.channels.heartbeat)."""
    if settings.heartbeat_url is None:
        return None
    heartbeat = Heartbeat(db, clock, settings.heartbeat_url)
    assert application.job_queue is not None  # Scheduler.install has checked

    async def beat(_context: object) -> None:
        await heartbeat.beat()

    application.job_queue.run_repeating(beat, interval=INTERVAL_SECONDS, first=5, name="heartbeat")
    return heartbeat


def _queue_menus_at_start(application: Application, menus: MenuService) -> None:  # type: ignore[type-arg]
    """Every person's command menu at the first start of a release that changed the lists;
    the outbox publishes them behind every clinical message, paced by the rate limiter."""
    assert application.job_queue is not None  # Scheduler.install has checked

    async def queue(_context: object) -> None:
        count = await asyncio.to_thread(menus.queue_all, menu_texts.release())
        log.info("command menus queued for %d people", count)

    application.job_queue.run_once(queue, when=0, name="menus")


def _board_renderer(patients: PatientService, zone: ZoneInfo) -> Renderer:
    """The shift board is drawn when it is sent, so it is current."""

    async def render(item: OutboxItem) -> Outgoing:
        staff_id = int(item.payload["staff_id"])
        return Outgoing(await asyncio.to_thread(shift_board, patients, staff_id, zone))

    return render


def settle_heap() -> None:
    """Call once the bot is built: what start-up loaded (libraries, handlers, protocols) lives
    as long as the process, so it leaves the garbage collector's view. Otherwise every full
    collection walks it all and pauses the event loop, and a press: a full collection of the
    built bot took 37 ms, and under 1 ms once frozen (measured on the development machine).
    """
    gc.collect()
    gc.freeze()


MESSAGES_PER_SECOND = 28
"""Telegram allows about 30 a second overall; the 7% below it is headroom for jitter."""


def rate_limiter() -> AIORateLimiter:
    """One message every 1/28 s overall, never a burst. Telegram counts about 30 in any
    second as they arrive: at exactly 30 a second, two messages leaving 1/30 s apart but
    arriving closer (a busy event loop, a slow connection) put 31 in a second, and 300
    prompts at once on PostgreSQL drew 17 to 25 answers of 429 (tests/bench/bench_scheduler.py).
    1/28 s leaves about 70 ms of jitter per second and costs 7% on a burst (300 prompts in
    10.7 s instead of 10). A RetryAfter is still honoured: retried after the wait Telegram
    names, so a 429 delays a message, never loses it."""
    return AIORateLimiter(
        overall_max_rate=1, overall_time_period=1 / MESSAGES_PER_SECOND, max_retries=3
    )


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The default menu (strangers and deactivated people: /start and /help); each member of
    staff gets their role's menu in their own chat (bot.telegram.menus)."""
    await menu_texts.publish_default(application.bot)
    log.info("registered the default command menu")
