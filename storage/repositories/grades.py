"""Grade queries: the patient's latest grade and recent seizures, for the missed-check alert."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import GradeResult

NO_SEIZURE = "none"


def latest(session: Session, *, patient_id: int) -> GradeResult | None:
    """The newest current grade, of a check or of an event between checks."""
    return session.exec(
        select(GradeResult)
        .where(GradeResult.patient_id == patient_id, col(GradeResult.current))
        .order_by(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc())
        .limit(1)
    ).first()


def seizure_since(session: Session, *, patient_id: int, since: dt.datetime) -> bool:
    """Whether any seizure was recorded from `since` on, attributed elsewhere or not: every
    seizure counts towards the label's limit and makes a missed check critical."""
    return (
        session.exec(
            select(GradeResult.id)
            .where(
                GradeResult.patient_id == patient_id,
                GradeResult.recorded_seizure != NO_SEIZURE,
                col(GradeResult.graded_at) >= since,
            )
            .limit(1)
        ).first()
        is not None
    )


def latest_crs(session: Session, *, patient_id: int) -> GradeResult | None:
    """The newest current grade that recorded CRS (its grade and temperature)."""
    return session.exec(
        select(GradeResult)
        .where(
            GradeResult.patient_id == patient_id,
            col(GradeResult.current),
            col(GradeResult.crs_grade).is_not(None),
        )
        .order_by(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc())
        .limit(1)
    ).first()


def latest_crs_by_patient(
    session: Session, *, patient_ids: Sequence[int]
) -> dict[int, GradeResult]:
    """Each patient's newest CRS grade, by patient id (the ward board)."""
    found: dict[int, GradeResult] = {}
    if not patient_ids:
        return found
    for row in session.exec(
        select(GradeResult)
        .where(
            col(GradeResult.patient_id).in_(patient_ids),
            col(GradeResult.current),
            col(GradeResult.crs_grade).is_not(None),
        )
        .order_by(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc())
    ):
        found.setdefault(row.patient_id, row)
    return found


def fever_since(session: Session, *, patient_id: int, since: dt.datetime, threshold: float) -> bool:
    """Whether any check from `since` on recorded a temperature of `threshold` or more."""
    return (
        session.exec(
            select(GradeResult.id)
            .where(
                GradeResult.patient_id == patient_id,
                col(GradeResult.temperature_c) >= threshold,
                col(GradeResult.graded_at) >= since,
            )
            .limit(1)
        ).first()
        is not None
    )


def latest_checks(
    session: Session, *, patient_id: int, limit: int, before: dt.datetime | None = None
) -> Sequence[GradeResult]:
    """Current grades of submitted checks (not events), newest first (graded before
    ``before``, when given: what a check was compared with at the time)."""
    query = select(GradeResult).where(
        GradeResult.patient_id == patient_id,
        col(GradeResult.current),
        col(GradeResult.assessment_id).is_not(None),
    )
    if before is not None:
        query = query.where(col(GradeResult.graded_at) < before)
    return session.exec(
        query.order_by(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc()).limit(limit)
    ).all()


def current_of_assessment(session: Session, *, assessment_id: int) -> GradeResult | None:
    """The current grade of a submitted check."""
    return session.exec(
        select(GradeResult).where(
            GradeResult.assessment_id == assessment_id, col(GradeResult.current)
        )
    ).first()
