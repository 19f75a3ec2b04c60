"""A ward's day made the way the bot makes it, through the real services, for export tests.

Ward H7 (Europe/Berlin), 24 November 2026. Bed 4 (adult, ICE) starts cycle 1: its baseline
check is prompted and started 20 minutes late; the next check finds ICE 8 (grade 1, a rise),
which pages the physician, who acknowledges after 4 minutes and records two decisions; a
seizure reported later raises a critical alert that nobody acknowledges; the next check is
never started (missed, and its missed-check alert). Bed 9 child does a CAPD check, unprompted,
and a check that is cancelled, early in the morning. The clock is left an hour after the
missed check was due. Bed 2 was discharged the evening before; Bed 1 lies on
another ward. None of these people exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.clinical import check_crs
from bot.services.alerts import Acknowledged, AlertService
from bot.services.checks import CheckService, Shown
from bot.services.enrolment import EnrolmentService
from bot.services.escalations import EscalationRunner, delivery_outcome
from bot.services.events import EventService
from bot.services.outbox import Outbox
from bot.services.patients import PatientService
from bot.services.plans import PlanService
from bot.services.runner import Runner
from bot.services.schedule import Rescheduler, ScheduleRules
from bot.services.staff import StaffView
from bot.services.wards import WardService
from storage.db import Database
from storage.models import CheckStatus, Duty, Role, ScheduledCheck
from tests.services.conftest import enrol
from tests.support import factories
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
DAY = dt.date(2026, 11, 24)
T0 = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)  # 07:00 in Berlin
NURSE, PHYSICIAN, ADMIN, OTHER_NURSE = 501, 701, 801, 601
LABELS = ("Bed 4", "Bed 9 child", "Bed 2")
NAMES = ("Nurse Ada", "Dr Pim", "Admin Al")

ICE_10 = (
    "alert",
    *("year.c", "month.c", "city.c", "hospital.c", "done"),
    "n3",
    *("command.c", "writing.c", "attention.c", "done"),
    *("none", "done", "done", "skip", "submit"),
)
ICE_8 = (
    "alert",
    *("year.c", "month.c", "city.c", "hospital.w", "done"),
    "n3",
    *("command.c", "writing.w", "attention.c", "done"),
    *("none", "tremor", "done", "done", "skip", "submit"),
)
CAPD_0 = (
    "alert",
    *("always", "always", "always", "always", "never", "never", "never", "never"),
    *("none", "done", "done", "skip", "submit"),
)


@dataclass(frozen=True)
class Seeded:
    ward_id: int
    other_ward_id: int
    nurse: StaffView
    physician: StaffView
    admin: StaffView
    bed4: int
    child: int


def view(staff_id: int, telegram_id: int, name: str, role: Role, ward: int) -> StaffView:
    return StaffView(staff_id, telegram_id, name, role, (ward,))


def do_check(
    checks: CheckService,
    actor: StaffView,
    patient_id: int,
    actions: Sequence[str],
    *,
    baseline: bool = False,
) -> int:
    started = checks.start(actor, patient_id=patient_id, baseline=baseline)
    assert isinstance(started, Shown), started
    current = started.view
    for action in actions:
        while current.step in CRS_NORMAL and action not in CRS_ANSWERS[current.step]:
            # A check in an intensive window asks the CRS questions: an afebrile patient.
            crs = checks.press(
                actor, current.assessment_id, current.version, CRS_NORMAL[current.step]
            )
            assert isinstance(crs, Shown), (current.step, crs)
            current = crs.view
        pressed = checks.press(actor, current.assessment_id, current.version, action)
        assert isinstance(pressed, Shown), (action, pressed)
        current = pressed.view
    return current.assessment_id


CRS_NORMAL = {
    check_crs.TEMPERATURE: check_crs.temperature_action(37.0),
    check_crs.PRESSURE: "none",
    check_crs.OXYGEN: "none",
    check_crs.TREATED: "no",
}
"""The CRS answers of an afebrile patient without support, step by step."""
CRS_ANSWERS = {**check_crs.CHOICES, check_crs.TEMPERATURE: ()}


def open_due(db: Database, patient_id: int) -> ScheduledCheck:
    with db.session() as session:
        row = session.exec(
            select(ScheduledCheck)
            .where(
                ScheduledCheck.patient_id == patient_id,
                col(ScheduledCheck.status).in_((CheckStatus.DUE, CheckStatus.PROMPTED)),
            )
            .order_by(col(ScheduledCheck.due_at))
        ).first()
        assert row is not None
        return row


class _Bot:
    """The services the bot runs, wired as bot/app.py wires them."""

    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.rules = ScheduleRules.shipped(BERLIN)
        self.rescheduler = Rescheduler(db, clock, self.rules)
        self.patients = PatientService(db, clock, zone=BERLIN, protocols=self.rules.protocols)
        self.plans = PlanService(
            db,
            clock,
            zone=BERLIN,
            protocols=self.rules.protocols,
            on_change=self.rescheduler.patient_changed,
        )
        self.checks = CheckService(db, clock, BERLIN, self.rules)
        self.runner = Runner(db, clock, self.rules)
        self.escalations = EscalationRunner(db, clock)
        self.outbox = Outbox(db, clock, hooks={"alert": delivery_outcome})
        self.alerts = AlertService(db, clock, BERLIN, self.rules)
        self.events = EventService(db, clock, BERLIN, self.rules)

    def tick(self) -> None:
        """A scheduler pass, then every queued message delivered."""
        self.runner.run_due()
        self.escalations.run_due()
        for n, item in enumerate(self.outbox.claim()):
            assert self.outbox.sent(item, message_id=1000 + n)


def seed(db: Database, clock: FakeClock) -> Seeded:
    clock.now = T0 - dt.timedelta(hours=14)  # the evening before
    wards = WardService(db, clock)
    ward_id, other_id = wards.add("H7", "Haematology 7").id, wards.add("H9", "Haematology 9").id
    enrolment = EnrolmentService(db, clock, default_ttl_hours=72)
    ids = [
        enrol(enrolment, t, r, "H7", n)
        for t, r, n in zip(
            (NURSE, PHYSICIAN, ADMIN), (Role.NURSE, Role.PHYSICIAN, Role.ADMIN), NAMES, strict=True
        )
    ]
    enrol(enrolment, OTHER_NURSE, Role.NURSE, "H9", "Nurse Cy")
    nurse = view(ids[0], NURSE, NAMES[0], Role.NURSE, ward_id)
    physician = view(ids[1], PHYSICIAN, NAMES[1], Role.PHYSICIAN, ward_id)
    admin = view(ids[2], ADMIN, NAMES[2], Role.ADMIN, ward_id)
    factories.duty(db, ward_id, ids[1], Duty.PRIMARY, clock.now, 48)
    factories.duty(db, ward_id, ids[0], Duty.NURSE, clock.now, 48)
    bot = _Bot(db, clock)
    admit = bot.patients.admit
    gone = admit(ward_code="H7", label="Bed 2", date_of_birth="1950-01-02", weight_band="45+")
    bot.patients.discharge(ids[0], gone.id)
    admit(ward_code="H9", label="Bed 1", date_of_birth="1970-03-04", weight_band="45+")
    clock.now = T0
    bed4 = admit(ward_code="H7", label="Bed 4", date_of_birth="1961-05-17", weight_band="45+").id
    child = admit(
        ward_code="H7", label="Bed 9 child", date_of_birth="2018-02-01", weight_band="<45"
    ).id
    bot.plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at=T0 + dt.timedelta(hours=3), ward_code="H7"
    )
    clock.advance(minutes=20)
    do_check(bot.checks, nurse, child, CAPD_0)
    clock.advance(minutes=10)
    do_check(bot.checks, nurse, child, (*CAPD_0[:-1], "cancel"))
    _bed4_day(db, clock, bot, nurse, physician, bed4)
    return Seeded(ward_id, other_id or 0, nurse, physician, admin, bed4, child)


def _bed4_day(
    db: Database, clock: FakeClock, bot: _Bot, nurse: StaffView, md: StaffView, bed4: int
) -> None:
    clock.now = open_due(db, bed4).due_at
    bot.tick()  # the baseline prompt
    clock.advance(minutes=20)
    do_check(bot.checks, nurse, bed4, ICE_10, baseline=True)  # 20 min late
    clock.now = open_due(db, bed4).due_at
    bot.tick()
    clock.advance(minutes=3)
    do_check(bot.checks, nurse, bed4, ICE_8)  # on time; a rise to grade 1: a high alert
    bot.tick()  # the physician is paged
    [alert] = bot.alerts.open_alerts(md)
    clock.advance(minutes=4)
    assert isinstance(bot.alerts.acknowledge(md, alert.escalation_id, "coming"), Acknowledged)
    clock.advance(minutes=1)
    bot.alerts.decide(md, alert.escalation_id, "dexamethasone")
    bot.alerts.decide(md, alert.escalation_id, "continue")
    clock.advance(minutes=30)
    bot.events.report(nurse, bed4, "seizure.resolved_rapidly", "msg-1")
    bot.tick()
    due = open_due(db, bed4).due_at
    for minutes in (0, 15, 30, 61):  # never started: the whole ladder, then the alert
        clock.now = due + dt.timedelta(minutes=minutes)
        bot.tick()
