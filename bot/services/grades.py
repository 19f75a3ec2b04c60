"""Storing a clinical result as a ``grade_result`` row and reading it back unchanged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.clinical import Domain, Flag, IcansResult, Seizure, Tool
from storage.models import Assessment, GradeResult, Patient
from storage.repositories import grades as grades_repo


@dataclass(frozen=True)
class GradeSummary:
    """A stored grade as the conversation and the board show it."""

    at: dt.datetime
    result: IcansResult


def to_row(
    result: IcansResult,
    *,
    patient_id: int,
    at: dt.datetime,
    assessment_id: int | None = None,
    event_id: int | None = None,
) -> GradeResult:
    return GradeResult(
        patient_id=patient_id,
        assessment_id=assessment_id,
        event_id=event_id,
        ruleset=result.ruleset,
        tool=result.tool.value,
        ice_score=result.ice_score,
        capd_score=result.capd_score,
        icans_grade=result.icans_grade,
        complete=result.complete,
        domain_grades={d.value: g for d, g in result.domain_grades.items()},
        flags=sorted(f.value for f in result.flags),
        recorded_seizure=result.recorded_seizure.value,
        recorded_hemorrhage=result.recorded_hemorrhage,
        graded_at=at,
    )


def from_row(row: GradeResult) -> IcansResult:
    return IcansResult(
        tool=Tool(row.tool or Tool.ICE),
        ice_score=row.ice_score,
        capd_score=row.capd_score,
        domain_grades={Domain(d): g for d, g in row.domain_grades.items()},
        icans_grade=row.icans_grade,
        complete=row.complete,
        flags=frozenset(Flag(f) for f in row.flags),
        recorded_seizure=Seizure(row.recorded_seizure),
        recorded_hemorrhage=row.recorded_hemorrhage,
        ruleset=row.ruleset,
    )


def latest_checks(
    session: Session, patient_id: int, limit: int, *, before: dt.datetime | None = None
) -> Sequence[GradeResult]:
    """Current grades of submitted checks (not events), newest first (graded before
    ``before``, when given: what a check was compared with at the time)."""
    return grades_repo.latest_checks(session, patient_id=patient_id, limit=limit, before=before)


def previous_check(session: Session, patient_id: int) -> GradeSummary | None:
    rows = latest_checks(session, patient_id, 1)
    return GradeSummary(rows[0].graded_at, from_row(rows[0])) if rows else None


def baseline_check(session: Session, patient: Patient) -> GradeSummary | None:
    if patient.baseline_assessment_id is None:
        return None
    row = grades_repo.current_of_assessment(session, assessment_id=patient.baseline_assessment_id)
    return GradeSummary(row.graded_at, from_row(row)) if row else None


def nurse_of(session: Session, grade: GradeResult) -> int | None:
    if grade.assessment_id is None:
        return None
    assessment = session.get(Assessment, grade.assessment_id)
    return assessment.holder_id if assessment else None
