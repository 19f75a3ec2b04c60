"""Queries of the data export: a ward's patients a page at a time, and their rows in a window.

Every function reads a bounded set: a page of patients (keyset on the id, so a page never
shifts), or the rows of the patients of one page. An export of any size therefore holds one
page in memory, and each query uses an index on ``patient_id`` (or the row's own key).
Windows are half-open, ``[start, end)``, in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, and_, col, func, or_, select

from storage.models import (
    Assessment,
    AssessmentAnswer,
    AuditLog,
    ClinicalEvent,
    Escalation,
    EscalationDelivery,
    GradeResult,
    Patient,
    Role,
    ScheduledCheck,
    Staff,
)

DECISION_ACTION = "escalation.decision"


def patients_page(
    session: Session,
    *,
    ward_id: int,
    start: dt.datetime,
    end: dt.datetime,
    after_id: int,
    limit: int,
) -> Sequence[Patient]:
    """The ward's patients whose stay overlaps the window, by id, after ``after_id``."""
    return session.exec(
        select(Patient)
        .where(
            Patient.ward_id == ward_id,
            col(Patient.id) > after_id,
            col(Patient.admitted_at) < end,
            or_(col(Patient.discharged_at).is_(None), col(Patient.discharged_at) >= start),
        )
        .order_by(col(Patient.id))
        .limit(limit)
    ).all()


def count_patients(session: Session, *, ward_id: int, start: dt.datetime, end: dt.datetime) -> int:
    """How many patients the export covers: for a progress bar only."""
    return session.exec(
        select(func.count())
        .select_from(Patient)
        .where(
            Patient.ward_id == ward_id,
            col(Patient.admitted_at) < end,
            or_(col(Patient.discharged_at).is_(None), col(Patient.discharged_at) >= start),
        )
    ).one()


def checks(
    session: Session, *, patient_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> Sequence[Assessment]:
    """Checks started in the window, whatever became of them (submitted, cancelled, ...)."""
    return session.exec(
        select(Assessment)
        .where(
            col(Assessment.patient_id).in_(patient_ids),
            col(Assessment.started_at) >= start,
            col(Assessment.started_at) < end,
        )
        .order_by(col(Assessment.patient_id), col(Assessment.started_at), col(Assessment.id))
    ).all()


class Answer(NamedTuple):
    """An answered item, as plain values: a check has a dozen, an export hundreds of thousands,
    and building ORM objects for them cost more than writing them (tests/bench/bench_export)."""

    assessment_id: int
    item: str
    value: str
    reason: str | None
    answered_by_id: int
    answered_at: dt.datetime


def answers(session: Session, *, assessment_ids: Sequence[int]) -> list[Answer]:
    if not assessment_ids:
        return []
    rows = session.execute(
        sa.select(
            col(AssessmentAnswer.assessment_id),
            col(AssessmentAnswer.item),
            col(AssessmentAnswer.value),
            col(AssessmentAnswer.reason),
            col(AssessmentAnswer.answered_by_id),
            col(AssessmentAnswer.answered_at),
        )
        .where(col(AssessmentAnswer.assessment_id).in_(assessment_ids))
        .order_by(col(AssessmentAnswer.assessment_id), col(AssessmentAnswer.id))
    ).all()
    return [Answer(*row) for row in rows]


def events(
    session: Session, *, patient_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> Sequence[ClinicalEvent]:
    """Events that happened in the window."""
    return session.exec(
        select(ClinicalEvent)
        .where(
            col(ClinicalEvent.patient_id).in_(patient_ids),
            col(ClinicalEvent.occurred_at) >= start,
            col(ClinicalEvent.occurred_at) < end,
        )
        .order_by(col(ClinicalEvent.patient_id), col(ClinicalEvent.occurred_at))
    ).all()


def grades(
    session: Session,
    *,
    patient_ids: Sequence[int],
    assessment_ids: Sequence[int],
    event_ids: Sequence[int],
) -> Sequence[GradeResult]:
    """Every grade row (originals and re-gradings) of these checks and events."""
    if not assessment_ids and not event_ids:
        return []
    return session.exec(
        select(GradeResult)
        .where(
            col(GradeResult.patient_id).in_(patient_ids),
            or_(
                col(GradeResult.assessment_id).in_(assessment_ids),
                col(GradeResult.event_id).in_(event_ids),
            ),
        )
        .order_by(col(GradeResult.patient_id), col(GradeResult.graded_at), col(GradeResult.id))
    ).all()


def alerts(
    session: Session, *, patient_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> Sequence[tuple[Escalation, int | None, int | None]]:
    """Alerts opened in the window, each with the check and the event its grade came from."""
    rows = session.exec(
        select(Escalation, GradeResult.assessment_id, GradeResult.event_id)
        .outerjoin(GradeResult, col(GradeResult.id) == Escalation.grade_result_id)
        .where(
            col(Escalation.patient_id).in_(patient_ids),
            col(Escalation.created_at) >= start,
            col(Escalation.created_at) < end,
        )
        .order_by(col(Escalation.patient_id), col(Escalation.created_at), col(Escalation.id))
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def pages(session: Session, *, escalation_ids: Sequence[int]) -> Sequence[EscalationDelivery]:
    """Every page of these alerts (delivered, failed, skipped or still pending)."""
    if not escalation_ids:
        return []
    return session.exec(
        select(EscalationDelivery)
        .where(col(EscalationDelivery.escalation_id).in_(escalation_ids))
        .order_by(col(EscalationDelivery.escalation_id), col(EscalationDelivery.id))
    ).all()


def decisions(
    session: Session, *, patient_ids: Sequence[int], escalation_ids: Sequence[int]
) -> Sequence[AuditLog]:
    """Physicians' decisions on these alerts: they are audit rows (recorded, never acted on)."""
    if not escalation_ids:
        return []
    return session.exec(
        select(AuditLog)
        .where(
            col(AuditLog.patient_id).in_(patient_ids),
            and_(
                AuditLog.action == DECISION_ACTION,
                AuditLog.entity == "escalation",
                col(AuditLog.entity_id).in_(escalation_ids),
            ),
        )
        .order_by(col(AuditLog.entity_id), col(AuditLog.id))
    ).all()


def prompts(
    session: Session, *, patient_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> Sequence[tuple[ScheduledCheck, dt.datetime | None]]:
    """Scheduled checks due in the window, each with when its check was started (if it was)."""
    rows = session.exec(
        select(ScheduledCheck, Assessment.started_at)
        .outerjoin(Assessment, col(Assessment.id) == ScheduledCheck.assessment_id)
        .where(
            col(ScheduledCheck.patient_id).in_(patient_ids),
            col(ScheduledCheck.due_at) >= start,
            col(ScheduledCheck.due_at) < end,
        )
        .order_by(col(ScheduledCheck.patient_id), col(ScheduledCheck.due_at))
    ).all()
    return [(row[0], row[1]) for row in rows]


def staff_directory(session: Session) -> dict[int, tuple[str, Role]]:
    """Every member of staff's name and role, by id: a ward's staff is small, and each row of
    an export names who did what."""
    rows = session.exec(select(Staff.id, Staff.display_name, Staff.role)).all()
    return {int(staff_id or 0): (name, Role(role)) for staff_id, name, role in rows}
