"""What physicians do with an alert: read it, acknowledge it, decide, re-attribute a finding.

``view`` gathers the facts an alert shows (bot.services.alerts.views; the Telegram layer words
them). ``acknowledge`` stops the climb, queues an edit of every copy and tells the nurse, in
one transaction; a second press (or a colleague's) is told who was first. Decisions are
recorded, never acted on: the label's rules are reference text (bot/clinical/README.md
section 9). Attributing a finding to another cause re-grades the check as a new grade row;
the original stays, not current. A refusal is a ``RefusedError`` with an ``alert.*`` code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical import Domain, Tool, Urgency, grade_icans
from bot.clinical.check_answers import to_assessment
from bot.clinical.escalation_steps import follow_up_at
from bot.clinical.protocols import Protocol
from bot.clock import Clock
from bot.services import escalations, grades, labs, oplog, outbox, second_channel
from bot.services.alerts.views import (
    Acknowledged,
    AlertView,
    Chart,
    attributable,
    build,
    current_grade,
    reporter_id,
)
from bot.services.errors import RefusalCode, RefusedError
from bot.services.escalations import audit_escalation, edit_copies
from bot.services.history import HistoryService
from bot.services.schedule import ScheduleRules
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    Assessment,
    Escalation,
    EscalationStatus,
    GradeResult,
    Patient,
    Role,
    Staff,
)
from storage.repositories import alerts as alerts_repo
from storage.repositories import audit
from storage.repositories import escalations as repo

CHART_DAYS: Final = 28  # a whole cycle
OPEN_SHOWN: Final = 20  # /alerts lists at most this many
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


class AlertRefusal(RefusalCode):
    """Why a press on an alert changed nothing (worded in bot/telegram/words/alerts.py)."""

    UNKNOWN = "alert.unknown"  # not on the actor's wards, no such alert, no such choice
    ACK_NOT_PHYSICIAN = "alert.ack_not_physician"
    CLOSED = "alert.closed"  # facts: reason (superseded, check_recorded, discharged, ...)
    DECIDE_NOT_PHYSICIAN = "alert.decide_not_physician"
    NOT_ACKNOWLEDGED = "alert.not_acknowledged"
    ATTRIBUTE_NOT_PHYSICIAN = "alert.attribute_not_physician"
    NOT_ATTRIBUTABLE = "alert.not_attributable"


def may_acknowledge(role: Role, status: EscalationStatus) -> bool:
    """Physicians; and once the chain has run out, the charge nurses and admins it told
    (after reaching a physician by phone). A nurse's tap must never silence an alert."""
    if role is Role.PHYSICIAN:
        return True
    return status is EscalationStatus.EXHAUSTED and role in (Role.CHARGE_NURSE, Role.ADMIN)


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
            rows = repo.live_on_wards(session, ward_ids=actor.ward_ids, limit=OPEN_SHOWN)
            return [build(session, row, self._protocols, self._zone) for row in rows]

    def remember_copy(
        self, escalation_id: int, chat_id: int, message_id: int, staff_id: int | None = None
    ) -> None:
        """A copy of the alert shown by /alerts: acknowledgements edit it like a page (in its
        reader's language: the copy keeps whose it is)."""
        now = self._clock()
        with self._db.session() as session:
            outbox.record_sent(
                session,
                to=outbox.Recipient.telegram(chat_id, staff_id),
                purpose=escalations.SHOWN_COPY,
                payload={"escalation_id": escalation_id},
                dedupe_key=f"{escalations.SHOWN_COPY}:{escalation_id}:{chat_id}:{message_id}",
                message_id=message_id,
                now=now,
            )

    # -- acting -----------------------------------------------------------------------------

    def acknowledge(self, actor: StaffView, escalation_id: int, kind: str) -> Acknowledged:
        with self._db.session() as session:
            return self._acknowledge(session, actor, escalation_id, kind)

    def _acknowledge(
        self, session: Session, actor: StaffView, escalation_id: int, kind: str
    ) -> Acknowledged:
        escalation = self._mine(session, actor, escalation_id, lock=True)
        if escalation is None or kind not in ACK_KINDS:
            raise RefusedError(AlertRefusal.UNKNOWN)
        if escalation.status is EscalationStatus.ACKNOWLEDGED:
            return Acknowledged(self._view(session, escalation), first=False)
        if escalation.status is EscalationStatus.CLOSED:
            raise RefusedError(AlertRefusal.CLOSED, reason=escalation.closed_reason or "")
        if not may_acknowledge(actor.role, escalation.status):
            raise RefusedError(AlertRefusal.ACK_NOT_PHYSICIAN)
        now = self._clock()
        escalation.status, escalation.next_step_at = EscalationStatus.ACKNOWLEDGED, None
        escalation.acknowledged_at, escalation.acknowledged_by_id = now, actor.id
        escalation.ack_kind = kind
        escalation.follow_up_at = follow_up_at(Urgency(escalation.urgency.value), now)
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

    def decide(self, actor: StaffView, escalation_id: int, decision: str) -> AlertView:
        with self._db.session() as session:
            return self._decide(session, actor, escalation_id, decision)

    def _decide(
        self, session: Session, actor: StaffView, escalation_id: int, decision: str
    ) -> AlertView:
        """Record a decision; only after an acknowledgement, so that it has an author on record."""
        escalation = self._mine(session, actor, escalation_id, lock=True)
        if escalation is None or decision not in DECISIONS:
            raise RefusedError(AlertRefusal.UNKNOWN)
        if actor.role is not Role.PHYSICIAN:
            raise RefusedError(AlertRefusal.DECIDE_NOT_PHYSICIAN)
        if escalation.status is not EscalationStatus.ACKNOWLEDGED:
            raise RefusedError(AlertRefusal.NOT_ACKNOWLEDGED)
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

    def attribute(self, actor: StaffView, escalation_id: int, domain: str) -> AlertView:
        with self._db.session() as session:
            return self._attribute(session, actor, escalation_id, domain)

    def _attribute(
        self, session: Session, actor: StaffView, escalation_id: int, domain: str
    ) -> AlertView:
        """Re-grade the alert's check with ``domain`` attributed to another cause (physicians
        only). A new current grade row; the old one stays, marked not current."""
        escalation = self._mine(session, actor, escalation_id, lock=True)
        if escalation is None:
            raise RefusedError(AlertRefusal.UNKNOWN)
        if actor.role is not Role.PHYSICIAN:
            raise RefusedError(AlertRefusal.ATTRIBUTE_NOT_PHYSICIAN)
        grade = current_grade(session, escalation)
        assessment = session.get(Assessment, grade.assessment_id) if grade else None
        if grade is None or assessment is None or domain not in attributable(grade):
            raise RefusedError(AlertRefusal.NOT_ATTRIBUTABLE, domain=domain)
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
        new.attribution_reason = alerts_repo.attribution_reason(actor.display_name)
        grade.current = False
        session.add(new)
        session.flush()
        return new

    def _view(self, session: Session, escalation: Escalation) -> AlertView:
        return build(session, escalation, self._protocols, self._zone)

    @staticmethod
    def _mine(
        session: Session, actor: StaffView, escalation_id: int, *, lock: bool = False
    ) -> Escalation | None:
        escalation = session.get(Escalation, escalation_id, with_for_update=lock)
        if escalation is None or escalation.ward_id not in actor.ward_ids:
            return None
        return escalation

    def _tell_nurse(self, session: Session, escalation: Escalation, now: dt.datetime) -> None:
        """The nurse who recorded the check or event learns that a physician has it."""
        nurse_id = reporter_id(session, escalation)
        nurse = session.get(Staff, nurse_id) if nurse_id else None
        if nurse is None or not nurse.active or nurse.id == escalation.acknowledged_by_id:
            return
        outbox.enqueue(
            session,
            to=outbox.Recipient.of(nurse),
            purpose="alert_ack_nurse",
            payload={"escalation_id": escalation.id},
            dedupe_key=f"alert-ack-nurse:{escalation.id}",
            now=now,
        )
