"""Escalations: an alert climbs its policy until somebody acknowledges.

Every escalation is a row; every page is a delivery row and an outbox message, written in
the transaction that decides it. ``open_escalation`` runs inside the transaction that
stored the check or event, so a grade change and its alert are stored together or not at
all. ``EscalationRunner.run_due`` claims the escalations whose next step is due (``FOR
UPDATE SKIP LOCKED``; SQLite serialises writers), resolves the on-call people when the step
runs, and pages them. A delivery is unique per escalation, step and person and the outbox
is idempotent by key, so a pass that runs twice, a restart or a second instance pages
nobody twice.

One chain per patient: a new alert while one is open takes over (at the higher of the two
urgencies, paging again from the start, with the newest facts); the old one is closed as
superseded and its copies say so. Information-only alerts never take over a chain.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlmodel import Session, col, select

from bot.clinical import Triggers, Urgency
from bot.clinical.policy import PagedRole, policy_for, snapshot, steps_of
from bot.services import check_followup, oplog, outbox, second_channel
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentStatus,
    AuditLog,
    DeliveryStatus,
    Duty,
    Escalation,
    EscalationDelivery,
    EscalationStatus,
    Patient,
    Role,
    Staff,
    Ward,
)
from storage.models import Urgency as StoredUrgency
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import outbox as outbox_repo
from storage.repositories import staff as staff_repo

Clock = Callable[[], dt.datetime]
BATCH: Final = 100
ROLE_DUTY: Final = {
    PagedRole.PRIMARY: Duty.PRIMARY,
    PagedRole.BACKUP: Duty.BACKUP,
    PagedRole.ATTENDING: Duty.ATTENDING,
}
LIVE: Final = (EscalationStatus.OPEN, EscalationStatus.EXHAUSTED)
MISSED_CHECK: Final = "missed_check"
SHOWN_COPY: Final = "alert_copy"  # an alert shown by /alerts (recorded, never sent again)


@dataclass
class EscalationReport:
    steps: int = 0
    pages: int = 0
    nobody: list[int] = field(default_factory=list)
    exhausted: int = 0
    follow_ups: int = 0
    second_channel: int = 0


def audit_escalation(
    session: Session,
    escalation: Escalation,
    action: str,
    now: dt.datetime,
    *,
    actor_staff_id: int | None = None,
    **detail: Any,
) -> None:
    """An audit row about an escalation: every step, delivery, acknowledgement, decision."""
    audit.record(
        session,
        at=now,
        action=action,
        actor_staff_id=actor_staff_id,
        entity="escalation",
        entity_id=escalation.id,
        patient_id=escalation.patient_id,
        ward_id=escalation.ward_id,
        escalation_id=escalation.id,
        **detail,
    )


def escalate(
    session: Session,
    patient: Patient,
    triggers: Triggers,
    now: dt.datetime,
    *,
    source: str,
    grade_result_id: int | None,
) -> Escalation | None:
    """`open_escalation` for a graded check or event, from its trigger classification."""
    return open_escalation(
        session,
        patient=patient,
        urgency=triggers.urgency,
        reasons=[r.value for r in triggers.reasons],
        now=now,
        source=source,
        grade_result_id=grade_result_id,
    )


def open_escalation(
    session: Session,
    *,
    patient: Patient,
    urgency: Urgency,
    reasons: Sequence[str],
    now: dt.datetime,
    source: str,
    grade_result_id: int | None = None,
    scheduled_check_id: int | None = None,
) -> Escalation | None:
    """Start an alert in the caller's transaction; None when the urgency asks for none."""
    if urgency.rank < Urgency.INFO.rank:
        return None
    assert patient.id is not None
    ward = session.get(Ward, patient.ward_id)
    reasons = list(reasons)
    earlier = None  # a chain taken over leaves Telegram no later than it would have
    if urgency.needs_acknowledgement:
        earlier = second_channel.earliest_due(live_for_patient(session, patient.id))
        urgency, reasons = _take_over(session, patient, urgency, reasons, now)
    overrides = (ward.settings if ward else {}).get("escalation", {}).get(urgency.value, {})
    escalation = Escalation(
        patient_id=patient.id,
        ward_id=patient.ward_id,
        urgency=StoredUrgency(urgency.value),
        reasons=reasons,
        grade_result_id=grade_result_id,
        scheduled_check_id=scheduled_check_id,
        policy=snapshot(urgency, policy_for(urgency, overrides)),
        next_step_at=now,
        created_at=now,
        source=source,
    )
    second_channel.schedule(escalation, no_later_than=earlier)
    session.add(escalation)
    session.flush()
    audit_escalation(
        session,
        escalation,
        "escalation.opened",
        now,
        urgency=urgency.value,
        reasons=reasons,
        source=source,
        policy=escalation.policy,
    )
    oplog.after_commit(
        session,
        "alert opened",
        escalation=escalation.id,
        ward=escalation.ward_id,
        urgency=urgency.value,
        source=source,
    )
    return escalation


def _take_over(
    session: Session, patient: Patient, urgency: Urgency, reasons: list[str], now: dt.datetime
) -> tuple[Urgency, list[str]]:
    """Close the patient's live chains; the new one climbs at the highest urgency among them."""
    for old in live_for_patient(session, patient.id or 0, lock=True):
        old_urgency = Urgency(old.urgency.value)
        if old_urgency.rank > urgency.rank:
            urgency = old_urgency
        reasons += [r for r in old.reasons if r not in reasons]
        close(session, old, "superseded", now)
    return urgency, reasons


def live_for_patient(session: Session, patient_id: int, *, lock: bool = False) -> list[Escalation]:
    query = select(Escalation).where(
        Escalation.patient_id == patient_id, col(Escalation.status).in_(LIVE)
    )
    if lock:
        query = query.with_for_update()
    return list(session.exec(query.order_by(col(Escalation.id))).all())


def close(session: Session, escalation: Escalation, reason: str, now: dt.datetime) -> None:
    """End a chain without an acknowledgement; every copy sent is edited to say why."""
    escalation.status, escalation.next_step_at = EscalationStatus.CLOSED, None
    escalation.closed_at, escalation.closed_reason = now, reason
    audit_escalation(
        session,
        escalation,
        "escalation.closed",
        now,
        reason=reason,
    )
    second_channel.withdraw(session, escalation, now)
    if reason != "information":
        edit_copies(session, escalation, now)


def close_missed_check(session: Session, scheduled_check_id: int, now: dt.datetime) -> None:
    """The missed check was done after all: its alert has nothing left to ask for."""
    _close_missed(
        session, Escalation.scheduled_check_id == scheduled_check_id, "check_recorded", now
    )


def close_missed_checks_on_discharge(session: Session, patient_id: int, now: dt.datetime) -> None:
    """No check is owed for a discharged patient, so no alert may ask for one. Alerts about
    findings stay open: a grade rise seen before discharge still needs a physician."""
    _close_missed(session, Escalation.patient_id == patient_id, "discharged", now)


def _close_missed(session: Session, which: Any, reason: str, now: dt.datetime) -> None:
    for escalation in session.exec(
        select(Escalation)
        .where(which, Escalation.source == MISSED_CHECK, col(Escalation.status).in_(LIVE))
        .with_for_update()
    ).all():
        close(session, escalation, reason, now)


def edit_copies(
    session: Session, escalation: Escalation, now: dt.datetime, *, decide_for: int | None = None
) -> None:
    """Queue an edit of every copy of the alert that reached someone (to its current state).

    ``decide_for`` is the staff id whose copy gets the decision buttons (the acknowledger).
    Called only in the transaction that changed the alert, so each change edits each copy
    once (a unique key per change; replays of the same change are the outbox's job).
    """
    change = uuid.uuid4().hex
    check_followup.queue_edit(session, escalation, now, change=change)
    for delivery in session.exec(
        select(EscalationDelivery).where(
            EscalationDelivery.escalation_id == escalation.id,
            EscalationDelivery.status == DeliveryStatus.SENT,
        )
    ).all():
        if delivery.chat_id is None or delivery.message_id is None:
            continue
        outbox.enqueue(
            session,
            chat_id=delivery.chat_id,
            purpose="alert_edit",
            payload={
                "escalation_id": escalation.id,
                "message_id": delivery.message_id,
                "decide": delivery.staff_id == decide_for,
            },
            dedupe_key=f"alert-edit:{delivery.id}:{change}",
            now=now,
        )
    for copy in outbox_repo.sent_with_prefix(
        session, purpose=SHOWN_COPY, prefix=f"{SHOWN_COPY}:{escalation.id}:"
    ):  # the copies /alerts showed: they change with the alert too
        outbox.enqueue(
            session,
            chat_id=copy.chat_id,
            purpose="alert_edit",
            payload={
                "escalation_id": escalation.id,
                "message_id": copy.message_id,
                "decide": False,
            },
            dedupe_key=f"alert-edit:c{copy.id}:{change}",
            now=now,
        )


def decisions_of(session: Session, escalation_id: int) -> list[tuple[dt.datetime, str, int | None]]:
    """(when, decision, by) for an escalation, oldest first, from the audit trail."""
    rows = session.exec(
        select(AuditLog)
        .where(
            AuditLog.entity == "escalation",
            AuditLog.entity_id == escalation_id,
            AuditLog.action == "escalation.decision",
        )
        .order_by(col(AuditLog.id))
    ).all()
    recorded_now = [
        r
        for r in audit.pending(session)
        if (r.entity, r.entity_id, r.action) == ("escalation", escalation_id, "escalation.decision")
    ]
    return [(r.at, str(r.detail.get("decision")), r.actor_staff_id) for r in [*rows, *recorded_now]]


class EscalationRunner:
    """Runs what is due at ``now``: the next steps of open chains and follow-up reminders."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def run_due(self) -> EscalationReport:
        now = self._clock()
        report = EscalationReport()
        while True:
            with self._db.session() as session:
                rows = self._claim(session, now)
                for row in rows:
                    self._advance(session, row, now, report)
            if len(rows) < BATCH:
                break
        with self._db.session() as session:
            self._follow_ups(session, now, report)
        with self._db.session() as session:
            report.second_channel = second_channel.run_due(session, now)
        return report

    @staticmethod
    def _claim(session: Session, now: dt.datetime) -> Sequence[Escalation]:
        return session.exec(
            select(Escalation)
            .where(
                Escalation.status == EscalationStatus.OPEN,
                col(Escalation.next_step_at) <= now,
            )
            .order_by(col(Escalation.next_step_at), col(Escalation.id))
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()

    def _advance(
        self, session: Session, escalation: Escalation, now: dt.datetime, report: EscalationReport
    ) -> None:
        """Every step due by ``now`` in one go (after downtime: one page per person, not one
        per missed step). A step that reaches nobody moves on at once."""
        while (
            escalation.status is EscalationStatus.OPEN
            and escalation.next_step_at is not None
            and escalation.next_step_at <= now
        ):
            self._step(session, escalation, now, report)

    def _step(
        self, session: Session, escalation: Escalation, now: dt.datetime, report: EscalationReport
    ) -> None:
        steps = steps_of(escalation.policy)
        start = escalation.created_at
        if escalation.step_index >= len(steps):
            if escalation.policy.get("needs_ack", True):
                self._exhaust(session, escalation, now, report)
            else:
                close(session, escalation, "information", now)
            return
        due = [
            i
            for i in range(escalation.step_index, len(steps))
            if start + dt.timedelta(minutes=steps[i].at) <= now
        ] or [escalation.step_index]
        roles = tuple(dict.fromkeys(r for i in due for r in steps[i].roles))
        last = due[-1]
        report.steps += 1
        unreachable = _unreachable(session, escalation)
        people = [
            (staff, role)
            for staff, role in on_call(session, escalation.ward_id, roles, now)
            if staff.id not in unreachable
        ]
        escalation.step_index = last + 1
        if people:
            report.pages += self._page(session, escalation, last, people, roles, now)
            escalation.next_step_at = self._next_at(escalation, steps, start)
            if escalation.step_index >= len(steps):
                # After downtime the last page may go out late: it still gets its full wait.
                wait = int(escalation.policy.get("give_up", 0)) - steps[last].at
                escalation.next_step_at = max(
                    escalation.next_step_at, now + dt.timedelta(minutes=wait)
                )
        else:
            report.nobody.append(escalation.id or 0)
            audit_escalation(
                session,
                escalation,
                "escalation.nobody",
                now,
                step_index=last,
                roles=[r.value for r in roles],
            )
            more = escalation.step_index < len(steps)
            escalation.next_step_at = (
                now
                if more or not reached(session, escalation)
                else (self._next_at(escalation, steps, start))
            )

    @staticmethod
    def _next_at(escalation: Escalation, steps: Sequence[Any], start: dt.datetime) -> dt.datetime:
        if escalation.step_index < len(steps):
            return start + dt.timedelta(minutes=steps[escalation.step_index].at)
        return start + dt.timedelta(minutes=int(escalation.policy.get("give_up", 0)))

    @staticmethod
    def _page(
        session: Session,
        escalation: Escalation,
        step_index: int,
        people: Sequence[tuple[Staff, PagedRole]],
        roles: Sequence[PagedRole],
        now: dt.datetime,
    ) -> int:
        """A delivery row and an outbox message per person; the first page to a person carries
        the chart, a repeat does not."""
        paged_before = {
            d.staff_id
            for d in session.exec(
                select(EscalationDelivery).where(EscalationDelivery.escalation_id == escalation.id)
            ).all()
        }
        for staff, role in people:
            delivery = EscalationDelivery(
                escalation_id=escalation.id or 0,
                step_index=step_index,
                staff_id=staff.id,
                chat_id=staff.chat_id,
                created_at=now,
            )
            session.add(delivery)
            session.flush()
            outbox.enqueue(
                session,
                chat_id=staff.chat_id,
                purpose="alert",
                payload={
                    "escalation_id": escalation.id,
                    "delivery_id": delivery.id,
                    "role": role.value,
                    "repeat": staff.id in paged_before,
                },
                dedupe_key=f"alert:{escalation.id}:{step_index}:{staff.id}",
                now=now,
            )
        audit_escalation(
            session,
            escalation,
            "escalation.paged",
            now,
            step_index=step_index,
            recipients=[s.id for s, _ in people],
            roles=[r.value for r in roles],
        )
        return len(people)

    @staticmethod
    def _exhaust(
        session: Session, escalation: Escalation, now: dt.datetime, report: EscalationReport
    ) -> None:
        """Nobody acknowledged: the ward's charge nurses and admins are told (and may still
        acknowledge, e.g. after reaching the physician by phone)."""
        escalation.status, escalation.next_step_at = EscalationStatus.EXHAUSTED, None
        report.exhausted += 1
        told = ward_leads(session, escalation.ward_id, now)
        for staff in told:
            outbox.enqueue(
                session,
                chat_id=staff.chat_id,
                purpose="alert_exhausted",
                payload={"escalation_id": escalation.id},
                dedupe_key=f"alert-exhausted:{escalation.id}:{staff.id}",
                now=now,
            )
        audit_escalation(
            session,
            escalation,
            "escalation.exhausted",
            now,
            told=[s.id for s in told],
        )
        second_channel.send(session, escalation, now, event="exhausted")

    @staticmethod
    def _follow_ups(session: Session, now: dt.datetime, report: EscalationReport) -> None:
        """A critical alert acknowledged an hour ago with no check since: remind who took it."""
        rows = session.exec(
            select(Escalation)
            .where(col(Escalation.follow_up_at) <= now)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for escalation in rows:
            escalation.follow_up_at = None
            if _checked_since(session, escalation) or escalation.acknowledged_by_id is None:
                continue
            staff = session.get(Staff, escalation.acknowledged_by_id)
            if staff is None or not staff.active:
                continue
            outbox.enqueue(
                session,
                chat_id=staff.chat_id,
                purpose="alert_follow_up",
                payload={"escalation_id": escalation.id},
                dedupe_key=f"alert-follow-up:{escalation.id}",
                now=now,
            )
            report.follow_ups += 1
            audit_escalation(
                session,
                escalation,
                "escalation.follow_up_reminder",
                now,
            )


def _checked_since(session: Session, escalation: Escalation) -> bool:
    since = escalation.acknowledged_at or escalation.created_at
    return (
        session.exec(
            select(Assessment.id).where(
                Assessment.patient_id == escalation.patient_id,
                Assessment.status == AssessmentStatus.SUBMITTED,
                col(Assessment.submitted_at) > since,
            )
        ).first()
        is not None
    )


def _unreachable(session: Session, escalation: Escalation) -> set[int | None]:
    """People whose latest page of this chain could not be delivered: later steps skip them at
    once (a person whose later page got through is reachable again)."""
    latest: dict[int | None, str] = {}
    for staff_id, status in session.exec(
        select(EscalationDelivery.staff_id, EscalationDelivery.status)
        .where(EscalationDelivery.escalation_id == escalation.id)
        .order_by(col(EscalationDelivery.id))
    ).all():
        latest[staff_id] = status
    return {staff_id for staff_id, status in latest.items() if status == DeliveryStatus.FAILED}


def reached(session: Session, escalation: Escalation, *, step_index: int | None = None) -> bool:
    """Whether any page of this chain (or of one step) is out or on its way."""
    query = select(EscalationDelivery.id).where(
        EscalationDelivery.escalation_id == escalation.id,
        col(EscalationDelivery.status).in_((DeliveryStatus.SENT, DeliveryStatus.PENDING)),
    )
    if step_index is not None:
        query = query.where(EscalationDelivery.step_index == step_index)
    return session.exec(query).first() is not None


def on_call(
    session: Session, ward_id: int, roles: Sequence[PagedRole], at: dt.datetime
) -> list[tuple[Staff, PagedRole]]:
    """Who holds each role at ``at``, resolved when the step runs (a handover mid-chain pages
    the incoming physician; an override wins over the rota). Two roles, one page."""
    people: dict[int, tuple[Staff, PagedRole]] = {}
    for role in roles:
        for staff in duty_repo.on_call(session, ward_id=ward_id, at=at, duty=ROLE_DUTY[role]):
            people.setdefault(staff.id or 0, (staff, role))
    return list(people.values())


def ward_leads(session: Session, ward_id: int, at: dt.datetime) -> list[Staff]:
    """The charge nurses (on duty, else all of the ward's) and the ward's admins."""
    people = {s.id: s for s in duty_repo.charge_nurses(session, ward_id=ward_id, at=at)}
    for admin in staff_repo.on_ward_with_role(session, ward_id=ward_id, role=Role.ADMIN):
        people.setdefault(admin.id, admin)
    return [s for s in people.values() if s.active]


def delivery_outcome(
    session: Session,
    payload: dict[str, Any],
    *,
    sent: bool,
    message_id: int | None,
    error: str | None,
    now: dt.datetime,
) -> None:
    """The outbox's verdict on a page, in the outbox's transaction.

    A page that cannot be delivered (blocked bot, chat gone) is an audit row, and when it was
    the step's last hope the chain moves to its next step at once instead of waiting.
    """
    delivery = session.get(EscalationDelivery, int(payload["delivery_id"]), with_for_update=True)
    if delivery is None or delivery.status is not DeliveryStatus.PENDING:
        return
    escalation = session.get(Escalation, delivery.escalation_id, with_for_update=True)
    assert escalation is not None
    delivery.status = DeliveryStatus.SENT if sent else DeliveryStatus.FAILED
    delivery.message_id, delivery.error = message_id, (error or None) and str(error)[:500]
    delivery.sent_at = now if sent else None
    if sent:
        check_followup.queue_edit(session, escalation, now, change=f"paged:{delivery.id}")
        oplog.after_commit(
            session,
            "page sent",
            escalation=escalation.id,
            delivery=delivery.id,
            staff=delivery.staff_id,
            ward=escalation.ward_id,
        )
    audit_escalation(
        session,
        escalation,
        "escalation.delivered" if sent else "escalation.delivery_failed",
        now,
        staff_id=delivery.staff_id,
        step_index=delivery.step_index,
        error=delivery.error,
    )
    updated = escalation.status is not EscalationStatus.OPEN
    if sent and updated and escalation.closed_reason != "information":
        # Acknowledged or closed while this page was on its way: update this copy too.
        edit_copies(session, escalation, now, decide_for=escalation.acknowledged_by_id)
    if not sent and escalation.status is EscalationStatus.OPEN:
        _skip_if_unreached(session, escalation, delivery.step_index, now)


def page_withdrawn(
    session: Session, escalation: Escalation, delivery: EscalationDelivery, now: dt.datetime
) -> None:
    """A person paged can no longer answer (deactivated, or taken off the ward): their page is
    skipped and, as for a chat that blocked the bot, the chain moves to its next step now when
    nobody else of the latest step was reached."""
    delivery.status = DeliveryStatus.SKIPPED
    delivery.error = "recipient withdrawn"
    audit_escalation(
        session,
        escalation,
        "escalation.page_withdrawn",
        now,
        staff_id=delivery.staff_id,
        step_index=delivery.step_index,
    )
    if escalation.status is EscalationStatus.OPEN:
        _skip_if_unreached(session, escalation, delivery.step_index, now)


def _skip_if_unreached(
    session: Session, escalation: Escalation, step_index: int, now: dt.datetime
) -> None:
    """Nobody of the latest step can be reached: the next step now rather than at its minute
    (the give-up only when nobody at all was ever reached; otherwise it keeps its time). A late
    failure of an earlier step changes nothing: later steps have been paged since."""
    if step_index != escalation.step_index - 1:
        return
    if reached(session, escalation, step_index=step_index):
        return
    more = escalation.step_index < len(steps_of(escalation.policy))
    if more or not reached(session, escalation):
        escalation.next_step_at = now
