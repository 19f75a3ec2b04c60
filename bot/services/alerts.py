"""What physicians do with an alert: read it, acknowledge it, decide, re-attribute a finding.

``view`` gathers the facts an alert shows (the Telegram layer words them). ``acknowledge``
stops the climb, queues an edit of every copy and tells the nurse, in one transaction; a
second press (or a colleague's) is told who was first. Decisions are recorded, never acted
on: the label's rules are reference text (bot/clinical/README.md section 9). Attributing a finding
to another cause re-grades the check as a new grade row; the original stays, not current.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from bot.clinical import Domain, IcansResult, Tool, Urgency, grade_icans
from bot.clinical.check_answers import to_assessment
from bot.clinical.protocols import Protocol
from bot.services import (
    board,
    crs_round,
    escalations,
    grades,
    labs,
    oplog,
    outbox,
    second_channel,
)
from bot.services.checks import CheckView, Rejected
from bot.services.escalations import LIVE, audit_escalation, decisions_of, edit_copies
from bot.services.history import ChartEvent, ChartPoint, HistoryService
from bot.services.schedule import ScheduleRules
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    Assessment,
    ClinicalEvent,
    ClinicalEventKind,
    DeliveryStatus,
    Escalation,
    EscalationDelivery,
    EscalationStatus,
    GradeResult,
    Patient,
    Role,
    ScheduledCheck,
    Staff,
    Ward,
)
from storage.repositories import alerts as alerts_repo
from storage.repositories import audit

Clock = Callable[[], dt.datetime]
FOLLOW_UP: Final = dt.timedelta(hours=1)
CHART_DAYS: Final = 28  # a whole cycle
DECISIONS: Final = (
    "continue",
    "hold",
    "restart",
    "discontinue",
    "dexamethasone",
    "levetiracetam",
    "tocilizumab",
    "icu",
    "other",
)
ACK_KINDS: Final = ("ack", "coming")
NO_ALERT: Final = "That alert is not on your wards (or does not exist)."
NOT_A_PHYSICIAN: Final = (
    "Only a physician can acknowledge this alert: it keeps paging the physicians on call "
    "until one does."
)


def may_acknowledge(role: Role, status: EscalationStatus) -> bool:
    """Physicians; and once the chain has run out, the charge nurses and admins it told
    (after reaching a physician by phone). A nurse's tap must never silence an alert."""
    if role is Role.PHYSICIAN:
        return True
    return status is EscalationStatus.EXHAUSTED and role in (Role.CHARGE_NURSE, Role.ADMIN)


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


class AlertService:
    def __init__(
        self, db: Database, clock: Clock, zone: ZoneInfo, rules: ScheduleRules | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self._rules = rules
        self._protocols: Mapping[str, Protocol] = rules.protocols if rules else {}

    # -- reading ----------------------------------------------------------------------------

    def view(self, escalation_id: int) -> AlertView | None:
        with self._db.session() as session:
            escalation = session.get(Escalation, escalation_id)
            return None if escalation is None else self._view(session, escalation)

    def chart(self, escalation_id: int) -> Chart | None:
        """ICE/CAPD and grade over the cycle (28 days at most), infusion events marked."""
        with self._db.session() as session:
            escalation = session.get(Escalation, escalation_id)
            patient = session.get(Patient, escalation.patient_id) if escalation else None
            if escalation is None or patient is None:
                return None
            since = escalation.created_at - dt.timedelta(days=CHART_DAYS)
            return Chart(
                patient.label,
                HistoryService.chart_points(session, patient.id or 0, since),
                HistoryService.infusion_events(session, patient.id or 0, since),
                labs.series(session, patient.id or 0, since),
            )

    def open_alerts(self, actor: StaffView) -> list[AlertView]:
        """Live alerts (climbing, or run out unacknowledged) on the actor's wards, newest first."""
        with self._db.session() as session:
            rows = session.exec(
                select(Escalation)
                .where(
                    col(Escalation.ward_id).in_(actor.ward_ids),
                    col(Escalation.status).in_(LIVE),
                )
                .order_by(col(Escalation.created_at).desc())
                .limit(20)
            ).all()
            return [self._view(session, row) for row in rows]

    def remember_copy(self, escalation_id: int, chat_id: int, message_id: int) -> None:
        """A copy of the alert shown by /alerts: acknowledgements edit it like a page."""
        now = self._clock()
        with self._db.session() as session:
            outbox.record_sent(
                session,
                chat_id=chat_id,
                purpose=escalations.SHOWN_COPY,
                payload={"escalation_id": escalation_id},
                dedupe_key=f"{escalations.SHOWN_COPY}:{escalation_id}:{chat_id}:{message_id}",
                message_id=message_id,
                now=now,
            )

    # -- acting -----------------------------------------------------------------------------

    def acknowledge(
        self, actor: StaffView, escalation_id: int, kind: str
    ) -> Acknowledged | Rejected:
        with self._db.session() as session:
            return self._acknowledge(session, actor, escalation_id, kind)

    def _acknowledge(
        self, session: Session, actor: StaffView, escalation_id: int, kind: str
    ) -> Acknowledged | Rejected:
        escalation = self._mine(session, actor, escalation_id, lock=True)
        if escalation is None or kind not in ACK_KINDS:
            return Rejected(NO_ALERT)
        if escalation.status is EscalationStatus.ACKNOWLEDGED:
            return Acknowledged(self._view(session, escalation), first=False)
        if escalation.status is EscalationStatus.CLOSED:
            return Rejected(self._closed_words(escalation))
        if not may_acknowledge(actor.role, escalation.status):
            return Rejected(NOT_A_PHYSICIAN)
        now = self._clock()
        escalation.status, escalation.next_step_at = EscalationStatus.ACKNOWLEDGED, None
        escalation.acknowledged_at, escalation.acknowledged_by_id = now, actor.id
        escalation.ack_kind = kind
        if escalation.urgency.value == Urgency.CRITICAL.value:
            escalation.follow_up_at = now + FOLLOW_UP
        audit_escalation(
            session,
            escalation,
            "escalation.acknowledged",
            now,
            actor_staff_id=actor.id,
            kind=kind,
            by=actor.id,
        )
        second_channel.acknowledged(session, escalation, actor.display_name, now)
        decider = actor.id if actor.role is Role.PHYSICIAN else None
        oplog.after_commit(
            session,
            "alert acknowledged",
            escalation=escalation.id,
            staff=actor.id,
            ward=escalation.ward_id,
            kind=kind,
        )
        edit_copies(session, escalation, now, decide_for=decider)
        self._tell_nurse(session, escalation, now)
        return Acknowledged(self._view(session, escalation), first=True)

    def decide(self, actor: StaffView, escalation_id: int, decision: str) -> AlertView | Rejected:
        with self._db.session() as session:
            return self._decide(session, actor, escalation_id, decision)

    def _decide(
        self, session: Session, actor: StaffView, escalation_id: int, decision: str
    ) -> AlertView | Rejected:
        """Record a decision; only after an acknowledgement, so that it has an author on record."""
        escalation = self._mine(session, actor, escalation_id, lock=True)
        if escalation is None or decision not in DECISIONS:
            return Rejected(NO_ALERT)
        if actor.role is not Role.PHYSICIAN:
            return Rejected("Only a physician records a decision.")
        if escalation.status is not EscalationStatus.ACKNOWLEDGED:
            return Rejected("Acknowledge the alert first.")
        now = self._clock()
        audit_escalation(
            session,
            escalation,
            "escalation.decision",
            now,
            actor_staff_id=actor.id,
            decision=decision,
        )
        session.flush()
        edit_copies(session, escalation, now, decide_for=escalation.acknowledged_by_id)
        return self._view(session, escalation)

    def attribute(self, actor: StaffView, escalation_id: int, domain: str) -> AlertView | Rejected:
        with self._db.session() as session:
            return self._attribute(session, actor, escalation_id, domain)

    def _attribute(
        self, session: Session, actor: StaffView, escalation_id: int, domain: str
    ) -> AlertView | Rejected:
        """Re-grade the alert's check with ``domain`` attributed to another cause (physicians
        only). A new current grade row; the old one stays, marked not current."""
        escalation = self._mine(session, actor, escalation_id, lock=True)
        if escalation is None:
            return Rejected(NO_ALERT)
        if actor.role is not Role.PHYSICIAN:
            return Rejected("Only a physician can attribute a finding to another cause.")
        grade = self._current_grade(session, escalation)
        assessment = session.get(Assessment, grade.assessment_id) if grade else None
        if grade is None or assessment is None or domain not in _attributable(grade):
            return Rejected("That finding cannot be attributed here (any more).")
        now = self._clock()
        new = self._regrade(session, grade, assessment, Domain(domain), actor, now)
        audit.record(
            session,
            at=now,
            action="grade.attributed",
            actor_staff_id=actor.id,
            entity="grade_result",
            entity_id=new.id,
            patient_id=escalation.patient_id,
            ward_id=escalation.ward_id,
            escalation_id=escalation.id,
            grade_result_id=grade.id,
            new_grade_result_id=new.id,
            domains=list(new.attributed_elsewhere),
            icans_grade_before=grade.icans_grade,
            icans_grade_after=new.icans_grade,
        )
        patient = session.get(Patient, escalation.patient_id)
        if self._rules is not None and patient is not None:
            self._rules.reschedule(session, patient, now)  # an hourly cadence may end
        edit_copies(session, escalation, now, decide_for=escalation.acknowledged_by_id)
        return self._view(session, escalation)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _regrade(
        session: Session,
        grade: GradeResult,
        assessment: Assessment,
        domain: Domain,
        actor: StaffView,
        now: dt.datetime,
    ) -> GradeResult:
        tool = Tool(assessment.tool or Tool.ICE)
        attributed = frozenset(Domain(d) for d in grade.attributed_elsewhere) | {domain}
        clinical = dataclasses.replace(
            to_assessment(assessment.answers, tool), attributed_elsewhere=attributed
        )
        result = grade_icans(clinical)
        new = grades.to_row(
            result, patient_id=grade.patient_id, at=now, assessment_id=grade.assessment_id
        )
        new.graded_at = grade.graded_at  # the same check, at the same time: only its reading
        new.supersedes_id, new.graded_by_id = grade.id, actor.id
        new.attributed_elsewhere = sorted(d.value for d in attributed)
        # CRS is not re-attributed: the same observations, the same CRS grade.
        new.crs_grade, new.temperature_c = grade.crs_grade, grade.temperature_c
        new.crs_inputs = dict(grade.crs_inputs)
        new.attribution_reason = f"attributed to another cause by {actor.display_name}"
        grade.current = False
        session.add(new)
        session.flush()
        return new

    @staticmethod
    def _current_grade(session: Session, escalation: Escalation) -> GradeResult | None:
        """The alert's check's grade as it stands now (after any re-attribution)."""
        if escalation.grade_result_id is None:
            return None
        first = session.get(GradeResult, escalation.grade_result_id)
        if first is None or first.assessment_id is None:
            return None
        return session.exec(
            select(GradeResult).where(
                GradeResult.assessment_id == first.assessment_id, col(GradeResult.current)
            )
        ).first()

    @staticmethod
    def _mine(
        session: Session, actor: StaffView, escalation_id: int, *, lock: bool = False
    ) -> Escalation | None:
        escalation = session.get(Escalation, escalation_id, with_for_update=lock)
        if escalation is None or escalation.ward_id not in actor.ward_ids:
            return None
        return escalation

    @staticmethod
    def _closed_words(escalation: Escalation) -> str:
        return {
            "superseded": "A newer alert for this patient replaced this one: use the newest.",
            "check_recorded": "The missed check has since been recorded: nothing to acknowledge.",
            "discharged": "The patient was discharged, so no check is due: nothing to acknowledge.",
        }.get(escalation.closed_reason or "", "This alert is closed: nothing to acknowledge.")

    def _tell_nurse(self, session: Session, escalation: Escalation, now: dt.datetime) -> None:
        """The nurse who recorded the check or event learns that a physician has it."""
        nurse_id = _reporter_id(session, escalation)
        nurse = session.get(Staff, nurse_id) if nurse_id else None
        if nurse is None or not nurse.active or nurse.id == escalation.acknowledged_by_id:
            return
        outbox.enqueue(
            session,
            chat_id=nurse.chat_id,
            purpose="alert_ack_nurse",
            payload={"escalation_id": escalation.id},
            dedupe_key=f"alert-ack-nurse:{escalation.id}",
            now=now,
        )

    def _view(self, session: Session, escalation: Escalation) -> AlertView:
        patient = session.get(Patient, escalation.patient_id)
        ward = session.get(Ward, escalation.ward_id)
        assert patient is not None and patient.id is not None and ward is not None
        info = board.board(
            session,
            [patient.id],
            {patient.id: patient.weight_band},
            self._protocols,
            self._zone,
            escalation.created_at,
        )[patient.id]
        first = (
            session.get(GradeResult, escalation.grade_result_id)
            if escalation.grade_result_id
            else None
        )
        current = self._current_grade(session, escalation)
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
            attributable=_attributable(current) if current is not None else (),
            reached=_reached(session, escalation.id or 0),
            labs=labs.latest(session, patient.id),
            paged=tuple(alerts_repo.paged(session, escalation_id=escalation.id or 0)),
            baseline=grades.baseline_check(session, patient),
        )
        return self._with_source(session, escalation, patient, first, view)

    def _with_source(
        self,
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


def _reached(session: Session, escalation_id: int) -> int:
    return int(
        session.exec(
            select(func.count()).where(
                EscalationDelivery.escalation_id == escalation_id,
                EscalationDelivery.status == DeliveryStatus.SENT,
            )
        ).one()
    )


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
    return int(
        session.exec(
            select(func.count()).where(
                ClinicalEvent.patient_id == patient_id,
                ClinicalEvent.kind == ClinicalEventKind.SEIZURE,
            )
        ).one()
    )


def _attributable(grade: GradeResult) -> tuple[Domain, ...]:
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
    rows = session.exec(select(Staff.id, Staff.display_name).where(col(Staff.id).in_(ids))).all()
    return {staff_id or 0: name for staff_id, name in rows}


def _reporter_id(session: Session, escalation: Escalation) -> int | None:
    grade = (
        session.get(GradeResult, escalation.grade_result_id) if escalation.grade_result_id else None
    )
    if grade is None:
        return None
    if grade.event_id is not None:
        event = session.get(ClinicalEvent, grade.event_id)
        return event.reported_by_id if event else None
    return grades.nurse_of(session, grade)
