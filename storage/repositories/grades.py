"""Grade queries: the patient's latest grade and recent seizures, for the missed-check alert."""

from __future__ import annotations

import datetime as dt

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
