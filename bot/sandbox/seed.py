"""The demo ward, seeded through the same services the chat and the command line use.

Why the services and not inserts: the sandbox must show the bot as a ward would have set it
up (invites redeemed, patients admitted, plans started, shifts and a rota planned), with the
audit trail each of those writes, so `/timeline` in the sandbox looks like the real thing.
Everyone and everything here is invented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.services.duty import DutyService
from bot.services.enrolment import EnrolmentService
from bot.services.patients import PatientService
from bot.services.plans import PlanService
from bot.services.roster import RosterService
from bot.services.schedule import ScheduleRules
from bot.services.wards import WardService
from storage.db import Database
from storage.models import Role

WARD_CODE = "SBX"
WARD_NAMES = {"en": "Sandbox ward (invented patients)", "zh_Hans": "沙盒病区（虚构患者）"}
"""The ward's name is data, typed once by whoever sets a ward up: in the demo staff's language."""


@dataclass(frozen=True)
class Person:
    """A member of the demo staff. ``key`` names them in the page's API; ``phone`` is the
    phone they appear on (the backup physician and the admin are second tabs, so that the
    climb to the backup and the admins' messages are in view on three phones)."""

    telegram_id: int
    name: str
    role: Role
    title: str
    key: str
    phone: str


STAFF = (
    Person(1001, "Nurse Ana", Role.NURSE, "Nurse", "nurse", "nurse"),
    Person(1002, "Charge Nurse Ben", Role.CHARGE_NURSE, "Charge nurse", "charge", "charge"),
    Person(1003, "Dr Chen", Role.PHYSICIAN, "On call, primary", "physician", "physician"),
    Person(1004, "Dr Diaz", Role.PHYSICIAN, "On call, backup", "backup", "physician"),
    Person(1005, "Admin Eve", Role.ADMIN, "Ward administrator", "admin", "charge"),
)
PHONES = ("nurse", "charge", "physician")


@dataclass(frozen=True)
class DemoPatient:
    """An invented patient, with where their infusion stands when the sandbox starts."""

    label: str
    age_years: int
    weight_band: str
    flags: tuple[str, ...]
    protocol: str
    cycle: int
    start_offset: dt.timedelta  # plan start relative to the sandbox's start
    about: str


PATIENTS = (
    DemoPatient(
        "Bed 1 MK", 68, "45+", ("TP53 mutation",), "rr", 1, -dt.timedelta(hours=5),
        "high risk (68, TP53): checks every 4 hours, one due now",
    ),
    DemoPatient(
        "Bed 2 LT", 7, "<45", (), "mrd", 1, -dt.timedelta(hours=30),
        "a child of 7: the CAPD instead of the ICE",
    ),
    DemoPatient(
        "Bed 3 JS", 45, "45+", (), "rr", 2, dt.timedelta(hours=2),
        "cycle 2 starts in 2 hours: the baseline check is due first",
    ),
)  # fmt: skip
SHIFT = dt.timedelta(hours=24)  # long enough for a session, within the 72-hour limit


def seed(
    db: Database,
    clock: Clock,
    zone: ZoneInfo,
    *,
    on_plan_change: Callable[[int], None],
    language: str | None = None,
) -> None:
    """Ward, staff, patients, plans, duty and rota, as of ``clock()``; the staff speak
    ``language`` (each can change theirs with /language, as on a ward)."""
    now = clock()
    WardService(db, clock).add(WARD_CODE, WARD_NAMES.get(language or "en", WARD_NAMES["en"]))
    enrolment = EnrolmentService(db, clock)
    for person in STAFF:
        invite = enrolment.create_invite(role=person.role, ward_code=WARD_CODE)
        enrolment.redeem(
            invite.code,
            telegram_user_id=person.telegram_id,
            chat_id=person.telegram_id,
            display_name=person.name,
            language=language,
        )
    rules = ScheduleRules.shipped(zone)
    patients = PatientService(db, clock, zone=zone, protocols=rules.protocols)
    plans = PlanService(db, clock, zone=zone, protocols=rules.protocols, on_change=on_plan_change)
    today = now.astimezone(zone).date()
    for demo in PATIENTS:
        patients.admit(
            ward_code=WARD_CODE,
            label=demo.label,
            date_of_birth=_born(today, demo.age_years),
            weight_band=demo.weight_band,
            risk_flags=demo.flags,
        )
        plans.create(
            ward_code=WARD_CODE,
            label=demo.label,
            protocol=demo.protocol,
            cycle=demo.cycle,
            starts_at=now + demo.start_offset,
        )
    _plan_duty(db, clock, zone, now)


def _plan_duty(db: Database, clock: Clock, zone: ZoneInfo, now: dt.datetime) -> None:
    """The nurses' duty list from the command line's service, the physicians' rota as the
    spreadsheet import reads it."""
    start, end = now - dt.timedelta(hours=1), now - dt.timedelta(hours=1) + SHIFT
    duty = DutyService(db, clock, zone=zone)
    for person in STAFF:
        if person.role in (Role.NURSE, Role.CHARGE_NURSE):
            duty.add_shift(
                ward_code=WARD_CODE,
                telegram_user_id=person.telegram_id,
                starts_at=start,
                ends_at=end,
            )
    rota = ["ward,duty,telegram_id,start,end"]
    for person, kind in ((STAFF[2], "primary"), (STAFF[3], "backup")):
        rota.append(
            f"{WARD_CODE},{kind},{person.telegram_id},{_local(start, zone)},{_local(end, zone)}"
        )
    RosterService(db, clock, zone=zone).import_csv("\n".join(rota) + "\n")


def _born(today: dt.date, age_years: int) -> dt.date:
    """A birthday a few months back, so the age is ``age_years`` all session."""
    return (
        dt.date(today.year - age_years, 1, 1)
        if today.month > 3
        else dt.date(today.year - age_years - 1, 6, 1)
    )


def _local(at: dt.datetime, zone: ZoneInfo) -> str:
    """Minutes rounded up, so a shift that starts "now" is not refused as over."""
    rounded = (at + dt.timedelta(minutes=1)).replace(second=0, microsecond=0)
    return rounded.astimezone(zone).strftime("%Y-%m-%d %H:%M")
