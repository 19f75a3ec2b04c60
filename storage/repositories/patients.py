"""Patient queries, always scoped to the wards the caller may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from sqlmodel import Session, col, func, select

from storage.models import (
    Assessment,
    AssessmentStatus,
    CheckStatus,
    GradeResult,
    Patient,
    PatientStatus,
    ScheduledCheck,
)

# A scheduled check still to be done: what the picker orders patients by.
OPEN_CHECK_STATUSES: Final = (CheckStatus.DUE, CheckStatus.PROMPTED, CheckStatus.IN_PROGRESS)


def active_by_label(session: Session, *, ward_ids: Sequence[int], label: str) -> Patient | None:
    """Case-insensitive, because nurses type labels on phones ("bed 4" is "Bed 4")."""
    if not ward_ids:
        return None
    return session.exec(
        select(Patient).where(
            col(Patient.ward_id).in_(ward_ids),
            Patient.status == PatientStatus.ACTIVE,
            func.lower(Patient.label) == label.strip().lower(),
        )
    ).first()


def active_in_wards(session: Session, ward_ids: Sequence[int]) -> Sequence[Patient]:
    if not ward_ids:
        return []
    return session.exec(
        select(Patient)
        .where(col(Patient.ward_id).in_(ward_ids), Patient.status == PatientStatus.ACTIVE)
        .order_by(col(Patient.ward_id), col(Patient.label))
    ).all()


def by_id(session: Session, patient_id: int, *, lock: bool = False) -> Patient | None:
    query = select(Patient).where(Patient.id == patient_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def latest_current_grades(session: Session, patient_ids: Sequence[int]) -> dict[int, GradeResult]:
    """Each patient's most recent grade that no re-grading has superseded (one row each)."""
    if not patient_ids:
        return {}
    ranked = (
        select(
            col(GradeResult.id).label("grade_id"),
            func.row_number()
            .over(
                partition_by=col(GradeResult.patient_id),
                order_by=(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc()),
            )
            .label("recency"),
        )
        .where(col(GradeResult.patient_id).in_(patient_ids), col(GradeResult.current))
        .subquery()
    )
    rows = session.exec(
        select(GradeResult)
        .join(ranked, col(GradeResult.id) == ranked.c.grade_id)
        .where(ranked.c.recency == 1)
    ).all()
    return {row.patient_id: row for row in rows}


def active_with_label(
    session: Session, *, ward_ids: Sequence[int], label: str
) -> Sequence[Patient]:
    """Every active patient with this label (case-insensitive) on these wards, by ward."""
    if not ward_ids:
        return []
    return session.exec(
        select(Patient)
        .where(
            col(Patient.ward_id).in_(ward_ids),
            Patient.status == PatientStatus.ACTIVE,
            func.lower(Patient.label) == label.strip().lower(),
        )
        .order_by(col(Patient.ward_id))
    ).all()


def active_by_urgency(
    session: Session, *, ward_ids: Sequence[int], label_start: str = ""
) -> Sequence[tuple[Patient, dt.datetime | None]]:
    """Active patients on these wards whose label starts with ``label_start`` (any case), each
    with the due time of their earliest open check, most urgent first.

    One query for every command that takes a patient: ordering by the open check's due time
    puts the overdue first (they are due earliest), then the due soonest; patients without an
    open check come last, by label. The start is matched literally (no LIKE wildcards), so a
    label with "%" or "_" in it cannot widen the match.
    """
    if not ward_ids:
        return []
    due = (
        select(
            col(ScheduledCheck.patient_id).label("patient_id"),
            func.min(ScheduledCheck.due_at).label("due_at"),
        )
        .where(col(ScheduledCheck.status).in_(OPEN_CHECK_STATUSES))
        .group_by(col(ScheduledCheck.patient_id))
        .subquery()
    )
    start = " ".join(label_start.split()).lower()
    query = (
        select(Patient, due.c.due_at)
        .outerjoin(due, col(Patient.id) == due.c.patient_id)
        .where(col(Patient.ward_id).in_(ward_ids), Patient.status == PatientStatus.ACTIVE)
    )
    if start:
        query = query.where(func.substr(func.lower(Patient.label), 1, len(start)) == start)
    rows = session.exec(
        query.order_by(due.c.due_at.is_(None), due.c.due_at, func.lower(Patient.label))
    ).all()
    return [(patient, at) for patient, at in rows]


def add(session: Session, *, patient: Patient) -> Patient:
    """A new patient row, flushed for its id."""
    session.add(patient)
    session.flush()
    return patient


def checks_to_cancel(
    session: Session, *, patient_id: int, statuses: Sequence[CheckStatus]
) -> Sequence[ScheduledCheck]:
    """The patient's scheduled checks in ``statuses``, locked (a discharge cancels them)."""
    return session.exec(
        select(ScheduledCheck)
        .where(
            ScheduledCheck.patient_id == patient_id,
            col(ScheduledCheck.status).in_(statuses),
        )
        .with_for_update()
    ).all()


def checks_in_progress(session: Session, *, patient_id: int) -> Sequence[Assessment]:
    """The patient's started, unsubmitted checks (a discharge cancels them)."""
    return session.exec(
        select(Assessment).where(
            Assessment.patient_id == patient_id,
            Assessment.status == AssessmentStatus.IN_PROGRESS,
        )
    ).all()
