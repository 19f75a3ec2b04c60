"""A patient's audit trail: newest first, paged, scoped to the actor's wards, names resolved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.services.staff import StaffView
from bot.services.timeline import Timeline, TimelineService
from storage.db import Database
from storage.models import Patient, PatientStatus, Role
from storage.repositories import audit
from tests.support import factories
from tests.support.clock import FakeClock


class Ward:
    """Ward H7 with Nurse Ada and Dr Bo and patient Bed 4; ward H9 with Nurse Cy and Bed 4."""

    def __init__(self, db: Database) -> None:
        self.id = factories.ward(db)
        self.other = factories.ward(db, "H9", "Haematology 9")
        self.ada = factories.staff(db, 501, "Nurse Ada", Role.NURSE, [self.id])
        self.bo = factories.staff(db, 502, "Dr Bo", Role.PHYSICIAN, [self.id])
        self.cy = factories.staff(db, 601, "Nurse Cy", Role.NURSE, [self.other])
        self.patient = factories.patient(db, self.id, "Bed 4")
        self.elsewhere = factories.patient(db, self.other, "Bed 4")

    @property
    def nurse(self) -> StaffView:
        return StaffView(self.ada, 501, "Nurse Ada", Role.NURSE, (self.id,))

    @property
    def outsider(self) -> StaffView:
        return StaffView(self.cy, 601, "Nurse Cy", Role.NURSE, (self.other,))


@pytest.fixture
def ward(db: Database) -> Ward:
    return Ward(db)


@pytest.fixture
def service(db: Database, clock: FakeClock) -> TimelineService:
    return TimelineService(db, clock)


def record(
    db: Database,
    patient_id: int,
    action: str,
    at: dt.datetime,
    actor: int | None = None,
    **detail: Any,
) -> None:
    with db.session() as session:
        audit.record(
            session,
            at=at,
            action=action,
            actor_staff_id=actor,
            entity="test",
            patient_id=patient_id,
            **detail,
        )


def page(found: Timeline | None) -> Timeline:
    assert found is not None
    return found


def test_entries_are_newest_first_with_names_resolved(
    db: Database, ward: Ward, service: TimelineService, clock: FakeClock
) -> None:
    now = clock.now
    record(db, ward.patient, "check.started", now - dt.timedelta(minutes=9), ward.ada)
    record(
        db,
        ward.patient,
        "check.submitted",
        now - dt.timedelta(minutes=5),
        ward.ada,
        icans_grade=2,
        ice_score=6,
        urgency="high",
    )
    record(
        db,
        ward.patient,
        "escalation.paged",
        now - dt.timedelta(minutes=4),
        escalation_id=3,
        step_index=0,
        recipients=[ward.bo, 999],
        roles=["primary"],
    )
    record(
        db,
        ward.patient,
        "escalation.acknowledged",
        now - dt.timedelta(minutes=2),
        ward.bo,
        escalation_id=3,
        kind="ack",
        by=ward.bo,
    )
    record(db, ward.elsewhere, "check.started", now, ward.cy)  # the other ward's Bed 4
    timeline = page(service.timeline(ward.nurse, "  bed 4 "))
    assert (timeline.label, timeline.ward_code, timeline.discharged_at) == ("Bed 4", "H7", None)
    assert [e.action for e in timeline.entries] == [
        "escalation.acknowledged",
        "escalation.paged",
        "check.submitted",
        "check.started",
    ]
    acknowledged, paged, submitted, started = timeline.entries
    assert (acknowledged.actor, acknowledged.facts["by"]) == ("Dr Bo", "Dr Bo")
    assert paged.actor is None
    assert paged.facts["recipients"] == ["Dr Bo", 999]  # an id naming nobody stays visible
    assert submitted.facts == {"icans_grade": 2, "ice_score": 6, "urgency": "high"}
    assert (started.actor, started.at) == ("Nurse Ada", now - dt.timedelta(minutes=9))
    assert not timeline.has_older and timeline.older_than is None


def test_names_take_one_query_per_page(
    db: Database, ward: Ward, service: TimelineService, clock: FakeClock
) -> None:
    for minute in range(20):
        actor = ward.ada if minute % 2 else ward.bo
        at = clock.now - dt.timedelta(minutes=minute)
        record(db, ward.patient, "escalation.delivered", at, actor, staff_id=ward.bo)
    with count_statements(db) as statements:
        timeline = page(service.timeline(ward.nurse, "Bed 4"))
    assert {e.actor for e in timeline.entries} == {"Nurse Ada", "Dr Bo"}
    assert {e.facts["staff_id"] for e in timeline.entries} == {"Dr Bo"}
    assert sum("FROM staff" in s for s in statements) == 1, statements
    assert len(statements) <= 5, statements


def test_pages_follow_each_other_without_gaps_or_repeats(
    db: Database, ward: Ward, service: TimelineService, clock: FakeClock
) -> None:
    for n in range(30):
        # Pairs of rows share a time, as rows of one transaction do.
        record(db, ward.patient, "check.snoozed", clock.now - dt.timedelta(minutes=n // 2), n=n)
    first = page(service.timeline(ward.nurse, "Bed 4"))
    assert len(first.entries) == 25 and first.has_older
    assert first.older_than == first.entries[-1].id
    second = page(service.timeline(ward.nurse, "Bed 4", before_id=first.older_than))
    assert len(second.entries) == 5 and not second.has_older
    # Newest first; within one time the later row first. Page one ends between a pair.
    seen = [e.facts["n"] for e in first.entries + second.entries]
    assert seen == [n for k in range(15) for n in (2 * k + 1, 2 * k)]
    by_button = page(service.older(ward.nurse, ward.patient, before_id=first.entries[-1].id))
    assert by_button.entries == second.entries
    small = page(service.timeline(ward.nurse, "Bed 4", limit=10))
    assert [e.id for e in small.entries] == [e.id for e in first.entries[:10]]


def test_a_cursor_from_another_patient_gives_an_empty_page(
    db: Database, ward: Ward, service: TimelineService, clock: FakeClock
) -> None:
    record(db, ward.patient, "check.started", clock.now, ward.ada)
    record(db, ward.elsewhere, "check.started", clock.now, ward.cy)
    foreign = page(service.timeline(ward.outsider, "Bed 4")).entries[0].id
    forged = page(service.older(ward.nurse, ward.patient, before_id=foreign))
    assert forged.entries == () and not forged.has_older


def test_other_wards_patients_are_not_visible(
    db: Database, ward: Ward, service: TimelineService
) -> None:
    assert service.timeline(ward.nurse, "Bed 7") is None
    assert service.older(ward.outsider, ward.patient, before_id=1) is None
    nowhere = StaffView(ward.ada, 501, "Nurse Ada", Role.NURSE, ())
    assert service.timeline(nowhere, "Bed 4") is None
    assert page(service.timeline(ward.outsider, "Bed 4")).patient_id == ward.elsewhere


def test_discharged_patients_stay_visible_for_30_days(
    db: Database, ward: Ward, service: TimelineService, clock: FakeClock
) -> None:
    discharge(db, ward.patient, clock.now - dt.timedelta(days=29))
    record(db, ward.patient, "patient.discharged", clock.now - dt.timedelta(days=29), ward.ada)
    timeline = page(service.timeline(ward.nurse, "Bed 4"))
    assert timeline.discharged_at == clock.now - dt.timedelta(days=29)
    assert [e.action for e in timeline.entries] == ["patient.discharged"]
    clock.advance(days=2)
    assert service.timeline(ward.nurse, "Bed 4") is None
    assert service.older(ward.nurse, ward.patient, before_id=timeline.entries[0].id) is None


def test_an_active_patient_wins_over_a_discharged_one_with_the_same_label(
    db: Database, ward: Ward, service: TimelineService, clock: FakeClock
) -> None:
    discharge(db, ward.patient, clock.now - dt.timedelta(days=1))
    again = factories.patient(db, ward.id, "Bed 4")
    record(db, again, "patient.admitted", clock.now, ward.ada)
    timeline = page(service.timeline(ward.nurse, "BED 4"))
    assert (timeline.patient_id, timeline.discharged_at) == (again, None)


def discharge(db: Database, patient_id: int, at: dt.datetime) -> None:
    with db.session() as session:
        patient = session.exec(select(Patient).where(Patient.id == patient_id)).one()
        patient.status, patient.discharged_at = PatientStatus.DISCHARGED, at
        session.add(patient)


@contextmanager
def count_statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements run on the database while the block runs."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
