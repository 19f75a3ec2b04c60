"""Which checks ask the CRS questions (bot/clinical/README.md section 11)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services import crs_round
from bot.services.schedule import ScheduleRules
from bot.services.wards import WardService
from storage.db import Database
from storage.models import CheckKind, Patient, ScheduledCheck
from tests.support import factories

NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
RULES = ScheduleRules.shipped(ZoneInfo("Europe/Berlin"))


def asks(db: Database, patient_id: int, kind: CheckKind | None) -> bool:
    """Whether a check started at NOW (for a scheduled check of ``kind``, or ad hoc) asks."""
    with db.session() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        scheduled = (
            None if kind is None else ScheduledCheck(patient_id=patient_id, due_at=NOW, kind=kind)
        )
        return crs_round.should_ask(session, patient, scheduled, NOW, RULES)


@pytest.fixture
def patient(db: Database) -> int:
    ward = factories.ward(db)
    return factories.patient(db, ward, "Bed 4", dt.date(1980, 1, 1))


@pytest.mark.parametrize(
    ("started_hours_ago", "kind", "expected"),
    [
        (2, None, True),  # an ad-hoc /check in cycle 1's hospital days
        (2, CheckKind.ABNORMAL, True),  # an hourly check in the window
        (2, CheckKind.ROUTINE, True),
        (24 * 20, CheckKind.WATCH, False),  # day 21: the ward watch
        (24 * 20, None, False),  # an ad-hoc check on day 21
        (24 * 20, CheckKind.RECOVERY, False),
        (24 * 20, CheckKind.ROUTINE, True),  # a scheduled intensive check always asks
        (24 * 20, CheckKind.BASELINE, True),
    ],
)
def test_which_checks_ask(
    db: Database, patient: int, started_hours_ago: float, kind: CheckKind | None, expected: bool
) -> None:
    start = NOW - dt.timedelta(hours=started_hours_ago)
    factories.plan(db, patient, start, created_at=start)
    assert asks(db, patient, kind) is expected


def test_no_plan_no_window(db: Database, patient: int) -> None:
    assert asks(db, patient, None) is False
    assert asks(db, patient, CheckKind.BASELINE) is True


def test_a_ward_that_switched_crs_off_is_never_asked(db: Database, patient: int) -> None:
    factories.plan(db, patient, NOW - dt.timedelta(hours=2), created_at=NOW)
    WardService(db, lambda: NOW).configure("H7", {"crs.ask": "off"})
    assert asks(db, patient, CheckKind.ROUTINE) is False
    assert asks(db, patient, None) is False
