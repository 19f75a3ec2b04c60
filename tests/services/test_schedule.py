"""The cadence applied to the database: the ward watch, discharge, events, missed checks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.services.events import EventService
from bot.services.patients import PatientService
from bot.services.runner import Runner
from bot.services.schedule import Rescheduler, ScheduleRules
from bot.services.staff import StaffService
from storage.db import Database
from storage.models import (
    AuditLog,
    CheckStatus,
    Duty,
    Escalation,
    Role,
    ScheduledCheck,
)
from tests.support import factories
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = dt.timedelta(hours=1)
NURSE, PHYSICIAN = 501, 701


@pytest.fixture
def rules() -> ScheduleRules:
    return ScheduleRules.shipped(BERLIN)


@pytest.fixture
def day_4(db: Database, clock: FakeClock, rules: ScheduleRules) -> tuple[int, int]:
    """(patient, nurse): consolidation started 3 days and 6 hours ago; normal checks up to
    the end of the 3-day window. Now the ward watch runs."""
    ward = factories.ward(db)
    nurse = factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward])
    physician = factories.staff(db, PHYSICIAN, "Dr Pim", Role.PHYSICIAN, [ward])
    factories.duty(db, ward, nurse, Duty.NURSE, clock.now - 80 * HOUR, 24 * 7)
    factories.duty(db, ward, physician, Duty.PRIMARY, clock.now - 80 * HOUR, 24 * 7)
    patient = factories.patient(db, ward, "Bed 5", dt.date(1997, 6, 1))
    start = clock.now - 78 * HOUR
    factories.plan(db, patient, start, created_at=start - 3 * HOUR, protocol="mrd")
    factories.normal_check(db, patient, nurse, start - 2 * HOUR, baseline=True)
    for hours in range(6, 72, 8):
        factories.normal_check(db, patient, nurse, start + hours * HOUR)
    Rescheduler(db, clock, rules).patient_changed(patient)
    return patient, nurse


def open_rows(db: Database) -> list[ScheduledCheck]:
    with db.session() as session:
        return list(
            session.exec(
                select(ScheduledCheck).where(
                    col(ScheduledCheck.status).in_(
                        (CheckStatus.DUE, CheckStatus.PROMPTED, CheckStatus.IN_PROGRESS)
                    )
                )
            ).all()
        )


def test_day_4_is_on_the_ward_watch(db: Database, clock: FakeClock, day_4: tuple[int, int]) -> None:
    [row] = open_rows(db)
    start = clock.now - 78 * HOUR
    assert (row.kind.value, row.cadence_hours) == ("watch", 12)
    assert row.due_at == start + (70 + 12) * HOUR  # 12 h after the last check of day 3


def test_discharge_ends_the_ward_watch_and_the_sweep_does_not_bring_it_back(
    db: Database, clock: FakeClock, rules: ScheduleRules, day_4: tuple[int, int]
) -> None:
    patient, nurse = day_4
    PatientService(db, clock, zone=BERLIN).discharge(nurse, patient)
    assert open_rows(db) == []
    Rescheduler(db, clock, rules).sweep()
    assert open_rows(db) == []


def test_a_seizure_event_brings_the_next_check_forward_to_an_hour(
    db: Database, clock: FakeClock, rules: ScheduleRules, day_4: tuple[int, int]
) -> None:
    patient, _ = day_4
    staff = StaffService(db, clock).find_active(NURSE)
    assert staff is not None
    events = EventService(db, clock, BERLIN, rules)
    events.report(staff, patient, "seizure.resolved_rapidly", source_key="test:1")
    [row] = open_rows(db)
    assert (row.kind.value, row.cadence_hours, row.due_at) == ("abnormal", 1, clock.now + HOUR)


def test_an_event_that_is_not_worse_does_not_move_the_check(
    db: Database, clock: FakeClock, rules: ScheduleRules, day_4: tuple[int, int]
) -> None:
    """A haemorrhage is an emergency of its own, but no ICANS grade: no ICE was done, so the
    checks keep their cadence (the alert goes out regardless)."""
    patient, _ = day_4
    [before] = open_rows(db)
    staff = StaffService(db, clock).find_active(NURSE)
    assert staff is not None
    EventService(db, clock, BERLIN, rules).report(
        staff, patient, "icp.hemorrhage", source_key="test:2"
    )
    [after] = open_rows(db)
    assert (after.kind, after.due_at) == (before.kind, before.due_at)


def missed_urgency(db: Database, clock: FakeClock, rules: ScheduleRules) -> str:
    """Let the patient's open check go unstarted for over an hour; the page's urgency."""
    [row] = open_rows(db)
    runner = Runner(db, clock, rules)
    clock.now = max(clock.now, row.due_at)
    runner.run_due()
    clock.now += 61 * dt.timedelta(minutes=1)
    runner.run_due()
    with db.session() as session:
        escalation = session.exec(
            select(Escalation).where(Escalation.source == "missed_check")
        ).one()
    return escalation.urgency.value


def test_a_missed_ward_watch_check_of_a_well_patient_is_normal(
    db: Database, clock: FakeClock, rules: ScheduleRules, day_4: tuple[int, int]
) -> None:
    assert missed_urgency(db, clock, rules) == "normal"


@pytest.mark.parametrize(
    ("grade", "seizure", "urgency"),
    [
        pytest.param(1, "none", "high", id="latest grade 1: high"),
        pytest.param(3, "none", "critical", id="latest grade 3: critical"),
        pytest.param(0, "resolved_rapidly", "critical", id="seizure in the last 24 h: critical"),
    ],
)
def test_a_missed_check_is_as_urgent_as_its_patient(
    db: Database,
    clock: FakeClock,
    rules: ScheduleRules,
    day_4: tuple[int, int],
    grade: int,
    seizure: str,
    urgency: str,
) -> None:
    patient, _ = day_4
    # The latest grade, as an event between checks records it, after the last check.
    factories.grade(
        db,
        patient,
        clock.now - HOUR,
        icans_grade=grade,
        complete=False,
        domain_grades={"seizure": grade},
        recorded_seizure=seizure,
    )
    assert missed_urgency(db, clock, rules) == urgency


def test_a_missed_check_of_a_patient_with_crs_is_urgent_too(
    db: Database, clock: FakeClock, rules: ScheduleRules, day_4: tuple[int, int]
) -> None:
    """The last check found no ICANS but a CRS grade 3 (hypotension on a vasopressor): the
    missed check after it is critical, and the audit trail says why."""
    patient, _ = day_4
    factories.grade(db, patient, clock.now - HOUR, icans_grade=0, crs_grade=3)
    assert missed_urgency(db, clock, rules) == "critical"
    with db.session() as session:
        ladder = session.exec(
            select(AuditLog).where(AuditLog.action == "check.ladder.physician")
        ).one()
    assert ladder.detail["latest_crs_grade"] == 3
