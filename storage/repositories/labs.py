"""Laboratory value queries: the latest of each test, and a patient's series for the chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import LabResult

SERIES_MAX_ROWS = 1000  # far above a cycle's samples


def latest_each(session: Session, *, patient_id: int) -> dict[str, LabResult]:
    """The newest sample of each test, by test value (sample time, then entry order)."""
    found: dict[str, LabResult] = {}
    for row in session.exec(
        select(LabResult)
        .where(LabResult.patient_id == patient_id)
        .order_by(col(LabResult.sampled_at).desc(), col(LabResult.id).desc())
        .limit(SERIES_MAX_ROWS)
    ):
        found.setdefault(row.test.value, row)
    return found


def series(session: Session, *, patient_id: int, since: dt.datetime) -> Sequence[LabResult]:
    """Samples taken from ``since`` on, oldest first."""
    return session.exec(
        select(LabResult)
        .where(LabResult.patient_id == patient_id, col(LabResult.sampled_at) >= since)
        .order_by(col(LabResult.sampled_at), col(LabResult.id))
        .limit(SERIES_MAX_ROWS)
    ).all()


def exists(
    session: Session, *, patient_id: int, test: str, sampled_at: dt.datetime, value: float
) -> bool:
    """The same sample already recorded (an import run twice)."""
    return (
        session.exec(
            select(LabResult.id).where(
                LabResult.patient_id == patient_id,
                col(LabResult.test) == test,
                LabResult.sampled_at == sampled_at,
                LabResult.value == value,
            )
        ).first()
        is not None
    )
