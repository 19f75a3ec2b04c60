"""Invented wards, staff and patients for tests. No real patient data, ever."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.clinical.ruleset import RULESET_VERSION
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentStatus,
    Duty,
    DutyAssignment,
    GradeResult,
    InfusionEvent,
    InfusionEventKind,
    InfusionPlan,
    Patient,
    PlanStatus,
    Role,
    Staff,
    StaffWard,
    Ward,
    WeightBand,
)


def ward(db: Database, code: str = "H7", name: str = "Haematology 7") -> int:
    with db.session() as session:
        row = Ward(code=code, name=name)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def staff(db: Database, telegram_id: int, name: str, role: Role, ward_ids: Sequence[int]) -> int:
    with db.session() as session:
        row = Staff(telegram_user_id=telegram_id, chat_id=telegram_id, display_name=name, role=role)
        session.add(row)
        session.flush()
        assert row.id is not None
        for ward_id in ward_ids:
            session.add(StaffWard(staff_id=row.id, ward_id=ward_id))
        return row.id


def patient(
    db: Database,
    ward_id: int,
    label: str = "Bed 4",
    date_of_birth: dt.date = dt.date(1961, 5, 17),
    *,
    use_capd: bool = False,
    risk_flags: Sequence[str] = (),
    weight_band: WeightBand = WeightBand.AT_LEAST_45KG,
) -> int:
    with db.session() as session:
        row = Patient(
            ward_id=ward_id,
            label=label,
            date_of_birth=date_of_birth,
            weight_band=weight_band,
            risk_flags=list(risk_flags),
            use_capd=use_capd,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def plan(
    db: Database,
    patient_id: int,
    starts_at: dt.datetime,
    *,
    created_at: dt.datetime,
    protocol: str = "rr",
    cycle: int = 1,
) -> int:
    """A plan as PlanService makes one: planned when it starts after ``created_at`` (no start
    event yet), otherwise running with its start event."""
    started = starts_at <= created_at
    with db.session() as session:
        row = InfusionPlan(
            patient_id=patient_id,
            protocol=protocol,
            cycle_number=cycle,
            starts_at=starts_at,
            status=PlanStatus.RUNNING if started else PlanStatus.PLANNED,
            created_at=created_at,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        if started:
            session.add(InfusionEvent(plan_id=row.id, kind=InfusionEventKind.START, at=starts_at))
        return row.id


def duty(
    db: Database,
    ward_id: int,
    staff_id: int,
    kind: Duty,
    start: dt.datetime,
    hours: float = 12,
    *,
    override: bool = False,
) -> None:
    """A planned shift; ``override`` for one that replaces the duty's other holders."""
    with db.session() as session:
        session.add(
            DutyAssignment(
                ward_id=ward_id,
                staff_id=staff_id,
                duty=kind,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=hours),
                is_override=override,
            )
        )


def grade(db: Database, patient_id: int, at: dt.datetime, **fields: Any) -> int:
    """A grade as an event or a check records it: the ICE tool and a test ruleset unless
    ``fields`` say otherwise (any column of ``grade_result``)."""
    values: dict[str, Any] = {
        "patient_id": patient_id,
        "ruleset": "test",
        "tool": "ice",
        "graded_at": at,
    } | fields
    with db.session() as session:
        row = GradeResult(**values)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def normal_check(
    db: Database, patient_id: int, holder_id: int, at: dt.datetime, *, baseline: bool = False
) -> int:
    """A submitted check with nothing abnormal (ICE 10, grade 0), as the conversation stores it,
    for tests that need a history of checks without tapping through them."""
    with db.session() as session:
        check = Assessment(
            patient_id=patient_id,
            holder_id=holder_id,
            status=AssessmentStatus.SUBMITTED,
            step="done",
            tool="ice",
            is_baseline=baseline,
            started_at=at,
            updated_at=at,
            submitted_at=at,
        )
        session.add(check)
        session.flush()
        assert check.id is not None
        grades = {"ice": 0, "consciousness": 0, "seizure": 0, "motor": 0, "icp": 0}
        session.add(
            GradeResult(
                patient_id=patient_id,
                assessment_id=check.id,
                ruleset=RULESET_VERSION,
                tool="ice",
                ice_score=10,
                icans_grade=0,
                domain_grades=grades,
                graded_at=at,
            )
        )
        if baseline:
            patient = session.get(Patient, patient_id)
            assert patient is not None
            patient.baseline_assessment_id = check.id
        return check.id
