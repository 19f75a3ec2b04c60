"""A patient's record as ``/history`` and the charts read it: current grades newest first,
the worst grade, seizure counts, the chart's grades and infusion events since a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from storage.models import (
    ClinicalEvent,
    ClinicalEventKind,
    GradeResult,
    InfusionEvent,
    InfusionPlan,
)

CHART_MAX_ROWS = 1000  # a bound, far above 14 days of checks and events
NO_SEIZURE = "none"


def current_grades(session: Session, *, patient_id: int, limit: int) -> Sequence[GradeResult]:
    """Current grades of checks and events, newest first."""
    return session.exec(
        select(GradeResult)
        .where(GradeResult.patient_id == patient_id, col(GradeResult.current))
        .order_by(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc())
        .limit(limit)
    ).all()


def worst_grade(session: Session, *, patient_id: int) -> int | None:
    return session.exec(
        select(func.max(GradeResult.icans_grade)).where(
            GradeResult.patient_id == patient_id, col(GradeResult.current)
        )
    ).one()


def seizure_events(session: Session, *, patient_id: int) -> int:
    """Seizures reported as events between checks."""
    return session.exec(
        select(func.count()).where(
            ClinicalEvent.patient_id == patient_id,
            ClinicalEvent.kind == ClinicalEventKind.SEIZURE,
        )
    ).one()


def checks_with_seizure(session: Session, *, patient_id: int) -> int:
    """Submitted checks whose current grade recorded a seizure."""
    return session.exec(
        select(func.count()).where(
            GradeResult.patient_id == patient_id,
            col(GradeResult.current),
            col(GradeResult.assessment_id).is_not(None),
            GradeResult.recorded_seizure != NO_SEIZURE,
        )
    ).one()


def grades_since(session: Session, *, patient_id: int, since: dt.datetime) -> Sequence[GradeResult]:
    """Current grades from ``since`` on, oldest first (at most ``CHART_MAX_ROWS``, the newest)."""
    rows = session.exec(
        select(GradeResult)
        .where(
            GradeResult.patient_id == patient_id,
            col(GradeResult.current),
            col(GradeResult.graded_at) >= since,
        )
        .order_by(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc())
        .limit(CHART_MAX_ROWS)
    ).all()
    return list(reversed(rows))


def infusion_events_since(
    session: Session, *, patient_id: int, since: dt.datetime
) -> Sequence[InfusionEvent]:
    """Infusion events of the patient's plans from ``since`` on, oldest first."""
    rows = session.exec(
        select(InfusionEvent)
        .join(InfusionPlan, col(InfusionPlan.id) == InfusionEvent.plan_id)
        .where(InfusionPlan.patient_id == patient_id, col(InfusionEvent.at) >= since)
        .order_by(col(InfusionEvent.at).desc(), col(InfusionEvent.id).desc())
        .limit(CHART_MAX_ROWS)
    ).all()
    return list(reversed(rows))
