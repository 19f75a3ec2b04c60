"""A chain's life outside the runner: opened in the transaction that stored its check or
event, taken over by a newer alert for the same patient, closed without an acknowledgement,
and every copy that reached someone edited to its current state. Also who a step pages
(``on_call``) and who is told when nobody acknowledged (``ward_leads``).

One chain per patient: a new alert while one is open takes over (at the higher of the two
urgencies, paging again from the start, with the newest facts); the old one is closed as
superseded and its copies say so. Information-only alerts never take over a chain.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, Final

from sqlmodel import Session

from bot.clinical import Triggers, Urgency
from bot.clinical.policy import PagedRole, policy_for, snapshot
from bot.services import check_followup, oplog, outbox, second_channel
from storage.models import (
    Duty,
    Escalation,
    EscalationStatus,
    Patient,
    Role,
    Staff,
    Ward,
)
from storage.models import Urgency as StoredUrgency
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import escalations as repo
from storage.repositories import outbox as outbox_repo
from storage.repositories import staff as staff_repo

ROLE_DUTY: Final = {
    PagedRole.PRIMARY: Duty.PRIMARY,
    PagedRole.BACKUP: Duty.BACKUP,
    PagedRole.ATTENDING: Duty.ATTENDING,
}
SHOWN_COPY: Final = "alert_copy"  # an alert shown by /alerts (recorded, never sent again)


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
    return repo.live_for_patient(session, patient_id=patient_id, lock=lock)


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
    for escalation in repo.live_missed_checks(session, scheduled_check_id=scheduled_check_id):
        close(session, escalation, "check_recorded", now)


def close_missed_checks_on_discharge(session: Session, patient_id: int, now: dt.datetime) -> None:
    """No check is owed for a discharged patient, so no alert may ask for one. Alerts about
    findings stay open: a grade rise seen before discharge still needs a physician."""
    for escalation in repo.live_missed_checks(session, patient_id=patient_id):
        close(session, escalation, "discharged", now)


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
    for delivery in repo.sent_deliveries(session, escalation_id=escalation.id):
        if delivery.chat_id is None or delivery.message_id is None:
            continue
        outbox.enqueue(
            session,
            to=outbox.Recipient.telegram(delivery.chat_id, delivery.staff_id),
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
            to=outbox.Recipient.telegram(copy.chat_id, copy.staff_id),
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
    rows = repo.decisions(session, escalation_id=escalation_id)
    recorded_now = [r for r in audit.pending(session) if repo.pending_decision(r, escalation_id)]
    return [(r.at, str(r.detail.get("decision")), r.actor_staff_id) for r in [*rows, *recorded_now]]


def reached(session: Session, escalation: Escalation, *, step_index: int | None = None) -> bool:
    """Whether any page of this chain (or of one step) is out or on its way."""
    return repo.reached(session, escalation_id=escalation.id, step_index=step_index)


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
