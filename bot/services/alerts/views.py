"""What an alert shows, gathered from the database as it stands when it is drawn: the
patient's course, what raised the alert (a check with its comparisons, an event, a missed
check), who has it, the decisions, the labs and who was paged. Facts only: bot/telegram
words them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical import Domain, IcansResult, Tool, Urgency
from bot.clinical.protocols import Protocol
from bot.services import board, crs_round, grades, labs
from bot.services.checks import CheckView
from bot.services.escalations import decisions_of
from bot.services.history import ChartEvent, ChartPoint
from storage.models import (
    Assessment,
    ClinicalEvent,
    Escalation,
    EscalationStatus,
    GradeResult,
    Patient,
    ScheduledCheck,
    Staff,
    Ward,
)
from storage.repositories import alerts as alerts_repo
from storage.repositories import escalations as repo


@dataclass(frozen=True)
class AlertView:
    """Everything an alert message shows, current at the time it is drawn."""

    escalation_id: int
    urgency: Urgency
    reasons: tuple[str, ...]
    source: str
    status: EscalationStatus
    label: str
    ward_code: str
    created_at: dt.datetime
    info: board.BoardInfo
    check: CheckView | None = None  # the check that raised it, with its comparisons
    event_finding: str | None = None
    reported_by: str | None = None
    reported_at: dt.datetime | None = None
    result: IcansResult | None = None
    previous: grades.GradeSummary | None = None
    baseline: grades.GradeSummary | None = None  # shown with every alert: a deficit is not new
    missed_due_at: dt.datetime | None = None
    seizures: int = 0
    acknowledged_by: str | None = None
    acknowledged_at: dt.datetime | None = None
    ack_kind: str | None = None
    closed_reason: str | None = None
    decisions: tuple[tuple[dt.datetime, str, str], ...] = ()
    regraded: IcansResult | None = None  # the current grade, when a physician re-attributed
    attributable: tuple[Domain, ...] = ()  # domains that count and may be attributed elsewhere
    reached: int = 0  # pages that reached someone
    labs: tuple[labs.LabPoint, ...] = ()  # the latest of each test: shown, never a trigger
    paged: tuple[tuple[str, dt.datetime], ...] = ()  # who was paged, when, first page first


@dataclass(frozen=True)
class Acknowledged:
    view: AlertView
    first: bool  # False: somebody had already acknowledged it (``view`` says who)


@dataclass(frozen=True)
class Chart:
    label: str
    points: Sequence[ChartPoint]
    events: Sequence[ChartEvent]
    labs: Sequence[labs.LabPoint] = ()


def build(
    session: Session,
    escalation: Escalation,
    protocols: Mapping[str, Protocol],
    zone: ZoneInfo,
) -> AlertView:
    """Everything the alert shows, as it stands now."""
    patient = session.get(Patient, escalation.patient_id)
    ward = session.get(Ward, escalation.ward_id)
    assert patient is not None and patient.id is not None and ward is not None
    info = board.board(
        session,
        [patient.id],
        {patient.id: patient.weight_band},
        protocols,
        zone,
        escalation.created_at,
    )[patient.id]
    first = (
        session.get(GradeResult, escalation.grade_result_id) if escalation.grade_result_id else None
    )
    current = current_grade(session, escalation)
    names = _names(session, escalation)
    view = AlertView(
        escalation_id=escalation.id or 0,
        urgency=Urgency(escalation.urgency.value),
        reasons=tuple(escalation.reasons),
        source=escalation.source,
        status=escalation.status,
        label=patient.label,
        ward_code=ward.code,
        created_at=escalation.created_at,
        info=info,
        seizures=_seizures(session, patient.id),
        acknowledged_by=names.get(escalation.acknowledged_by_id or 0),
        acknowledged_at=escalation.acknowledged_at,
        ack_kind=escalation.ack_kind,
        closed_reason=escalation.closed_reason,
        decisions=tuple(
            (at, decision, names.get(by or 0, "?"))
            for at, decision, by in decisions_of(session, escalation.id or 0)
        ),
        regraded=(
            grades.from_row(current)
            if current is not None and first is not None and current.id != first.id
            else None
        ),
        attributable=attributable(current) if current is not None else (),
        reached=_reached(session, escalation.id or 0),
        labs=labs.latest(session, patient.id),
        paged=tuple(alerts_repo.paged(session, escalation_id=escalation.id or 0)),
        baseline=grades.baseline_check(session, patient),
    )
    return _with_source(session, escalation, patient, first, view)


def _with_source(
    session: Session,
    escalation: Escalation,
    patient: Patient,
    grade: GradeResult | None,
    view: AlertView,
) -> AlertView:
    """Add what raised the alert: a check (with its comparisons), an event, a missed check."""
    if escalation.scheduled_check_id is not None and escalation.source == "missed_check":
        row = session.get(ScheduledCheck, escalation.scheduled_check_id)
        return dataclasses.replace(
            view,
            missed_due_at=row.due_at if row else None,
            previous=grades.previous_check(session, patient.id or 0),
        )
    if grade is None:
        return view
    result = grades.from_row(grade)
    previous = _previous(session, grade)
    if grade.event_id is not None:
        event = session.get(ClinicalEvent, grade.event_id)
        reporter = session.get(Staff, event.reported_by_id) if event else None
        return dataclasses.replace(
            view,
            event_finding=str(event.detail.get("finding")) if event else None,
            reported_by=reporter.display_name if reporter else None,
            reported_at=event.occurred_at if event else grade.graded_at,
            result=result,
            previous=previous,
        )
    assessment = session.get(Assessment, grade.assessment_id)
    if assessment is None:
        return dataclasses.replace(view, result=result, previous=previous)
    nurse = session.get(Staff, assessment.holder_id)
    check = CheckView(
        assessment_id=assessment.id or 0,
        version=0,
        step="summary",
        tool=Tool(assessment.tool or Tool.ICE),
        label=patient.label,
        status=assessment.status,
        holder_name=nurse.display_name if nurse else "?",
        answers=assessment.answers,
        is_baseline=assessment.is_baseline,
        note=assessment.note,
        has_photo=assessment.photo_file_id is not None,
        chat_id=None,
        message_id=None,
        grade=result,
        previous=previous,
        baseline=_baseline(session, patient, grade),
        crs=crs_round.from_row(grade),
    )
    return dataclasses.replace(
        view,
        check=check,
        reported_by=check.holder_name,
        reported_at=grade.graded_at,
        result=result,
        previous=previous,
    )


def current_grade(session: Session, escalation: Escalation) -> GradeResult | None:
    """The alert's check's grade as it stands now (after any re-attribution)."""
    if escalation.grade_result_id is None:
        return None
    first = session.get(GradeResult, escalation.grade_result_id)
    if first is None or first.assessment_id is None:
        return None
    return repo.current_grade(session, assessment_id=first.assessment_id)


def _reached(session: Session, escalation_id: int) -> int:
    return repo.count_sent(session, escalation_id=escalation_id)


def _previous(session: Session, grade: GradeResult) -> grades.GradeSummary | None:
    """The check before this one (current grades only), as it was compared at the time."""
    rows = grades.latest_checks(session, grade.patient_id, 1, before=grade.graded_at)
    return grades.GradeSummary(rows[0].graded_at, grades.from_row(rows[0])) if rows else None


def _baseline(session: Session, patient: Patient, grade: GradeResult) -> grades.GradeSummary | None:
    if patient.baseline_assessment_id == grade.assessment_id:
        return None  # the alert is about the baseline itself
    return grades.baseline_check(session, patient)


def _seizures(session: Session, patient_id: int) -> int:
    """Seizure events recorded: the label stops treatment for good after more than one."""
    return repo.seizures(session, patient_id=patient_id)


def attributable(grade: GradeResult) -> tuple[Domain, ...]:
    """Domains of a check that count towards its grade and could have another cause."""
    if grade.assessment_id is None:
        return ()
    return tuple(
        Domain(d)
        for d, g in grade.domain_grades.items()
        if g and d not in grade.attributed_elsewhere
    )


def _names(session: Session, escalation: Escalation) -> dict[int, str]:
    """Display names of everyone the alert mentions, in one query."""
    ids = {escalation.acknowledged_by_id or 0}
    ids |= {by or 0 for _, _, by in decisions_of(session, escalation.id or 0)}
    return repo.names(session, staff_ids=ids)


def reporter_id(session: Session, escalation: Escalation) -> int | None:
    grade = (
        session.get(GradeResult, escalation.grade_result_id) if escalation.grade_result_id else None
    )
    if grade is None:
        return None
    if grade.event_id is not None:
        event = session.get(ClinicalEvent, grade.event_id)
        return event.reported_by_id if event else None
    return grades.nurse_of(session, grade)
