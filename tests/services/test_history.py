"""The chart data of a patient's history: the last 14 days, current grades, infusion events."""

from __future__ import annotations

import datetime as dt

from bot.services.history import ChartEvent, ChartPoint, History, HistoryService
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import InfusionEvent, InfusionEventKind, Role
from tests.support import factories
from tests.support.clock import FakeClock


def grade(
    db: Database, patient_id: int, at: dt.datetime, *, grade: int, current: bool = True
) -> None:
    factories.grade(
        db,
        patient_id,
        at,
        tool="capd",
        capd_score=grade * 5,
        icans_grade=grade,
        complete=grade != 3,
        current=current,
    )


def test_chart_data_is_the_last_14_days_oldest_first(db: Database, clock: FakeClock) -> None:
    ward_id = factories.ward(db)
    staff_id = factories.staff(db, 501, "Nurse Ada", Role.NURSE, [ward_id])
    patient_id = factories.patient(db, ward_id, "Bed 4", use_capd=True)
    now = clock.now
    grade(db, patient_id, now - dt.timedelta(days=15), grade=1)  # too old
    grade(db, patient_id, now - dt.timedelta(days=2), grade=2, current=False)  # superseded
    grade(db, patient_id, now - dt.timedelta(days=2), grade=3)
    grade(db, patient_id, now - dt.timedelta(hours=1), grade=0)
    old_plan = factories.plan(
        db, patient_id, now - dt.timedelta(days=20), created_at=now - dt.timedelta(days=20)
    )
    factories.plan(db, patient_id, now - dt.timedelta(days=3), created_at=now, cycle=2)
    with db.session() as session:
        session.add(
            InfusionEvent(
                plan_id=old_plan, kind=InfusionEventKind.STOP, at=now - dt.timedelta(days=10)
            )
        )
    actor = StaffView(staff_id, 501, "Nurse Ada", Role.NURSE, (ward_id,))
    history = HistoryService(db, clock).history(actor, "Bed 4", limit=0)  # chart only
    assert isinstance(history, History)
    assert history.points == [
        ChartPoint(now - dt.timedelta(days=2), "capd", 15, 3, False),
        ChartPoint(now - dt.timedelta(hours=1), "capd", 0, 0, True),
    ]
    assert history.infusion_events == [
        ChartEvent(now - dt.timedelta(days=10), "stop"),
        ChartEvent(now - dt.timedelta(days=3), "start"),
    ]
