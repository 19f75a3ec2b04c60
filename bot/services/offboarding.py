"""What a person leaving a ward (or the bot) gives back, in the caller's transaction.

Their running duties end now and planned ones are cancelled, so the rota-gap warning sees
the hole at once; pages in live chains are withdrawn and, as for a chat that blocked the bot,
a chain waiting only on them moves to its next step; checks they hold go back to the nurses
on duty (the reminder ladder resumes; the answers so far stay for whoever takes the check
over); messages still queued to them are dropped. Every change is an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlmodel import Session

from bot.services import escalations, menus, prompt_copies
from storage.models import (
    CheckStatus,
    Duty,
    OutboundMessage,
    OutboxStatus,
    Role,
    ScheduledCheck,
    Staff,
)
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import offboarding as offboarding_repo

WITHDRAWN: Final = "recipient withdrawn"
DUTIES_OF_ROLE: Final[dict[Role, frozenset[Duty]]] = {
    Role.NURSE: frozenset({Duty.NURSE}),
    Role.CHARGE_NURSE: frozenset({Duty.CHARGE_NURSE}),
    Role.PHYSICIAN: frozenset(duty_repo.ON_CALL),
    Role.ADMIN: frozenset(),
}
"""The duties each role may hold (as ``services.duty.duty_for`` plans them)."""


@dataclass
class Effects:
    duties_ended: int = 0
    duties_cancelled: int = 0
    pages_withdrawn: int = 0
    checks_released: int = 0
    messages_dropped: int = 0

    def as_detail(self) -> dict[str, int]:
        return dict(vars(self))


def withdraw(
    session: Session,
    staff: Staff,
    ward_ids: Sequence[int],
    now: dt.datetime,
    *,
    actor_staff_id: int | None,
    everything: bool,
) -> Effects:
    """Everything above for these wards; ``everything`` (the account is deactivated) also
    drops every message still queued to the person, whatever ward it is about."""
    effects = Effects()
    end_duties(session, staff, ward_ids, now, effects, actor_staff_id=actor_staff_id)
    _withdraw_pages(session, staff, ward_ids, now, effects)
    _release_checks(session, staff, ward_ids, now, effects, actor_staff_id=actor_staff_id)
    if everything:
        for message in offboarding_repo.pending_messages_to(session, chat_id=staff.chat_id):
            if message.purpose != menus.PURPOSE:
                _drop(message)
                effects.messages_dropped += 1
    return effects


def end_duties(
    session: Session,
    staff: Staff,
    ward_ids: Sequence[int],
    now: dt.datetime,
    effects: Effects,
    *,
    actor_staff_id: int | None,
    keep: Callable[[Duty], bool] = lambda _duty: False,
) -> None:
    """Running assignments end now, planned ones are deleted (the audit keeps their times);
    ``keep`` spares the duties the person may still hold (after a role change)."""
    rows = duty_repo.not_over(session, staff_id=staff.id or 0, ward_ids=ward_ids, at=now)
    for assignment in rows:
        if keep(assignment.duty):
            continue
        running = assignment.starts_at < now
        audit.record(
            session,
            at=now,
            action="duty.ended_early" if running else "duty.cancelled",
            actor_staff_id=actor_staff_id,
            entity="duty_assignment",
            entity_id=assignment.id,
            ward_id=assignment.ward_id,
            staff_id=staff.id,
            duty=assignment.duty.value,
            starts_at=assignment.starts_at.isoformat(),
            ends_at=assignment.ends_at.isoformat(),
        )
        if running:
            assignment.ends_at = now
            session.add(assignment)
            effects.duties_ended += 1
        else:
            session.delete(assignment)
            effects.duties_cancelled += 1
    session.flush()


def _withdraw_pages(
    session: Session, staff: Staff, ward_ids: Sequence[int], now: dt.datetime, effects: Effects
) -> None:
    for delivery, escalation in offboarding_repo.live_pages_of(
        session, staff_id=staff.id or 0, ward_ids=ward_ids
    ):
        key = f"alert:{escalation.id}:{delivery.step_index}:{staff.id}"
        message = offboarding_repo.page_message(session, key)
        if message is not None and message.status is OutboxStatus.PENDING:
            _drop(message)
        escalations.page_withdrawn(session, escalation, delivery, now)
        effects.pages_withdrawn += 1


def _release_checks(
    session: Session,
    staff: Staff,
    ward_ids: Sequence[int],
    now: dt.datetime,
    effects: Effects,
    *,
    actor_staff_id: int | None,
) -> None:
    """The check stays in progress with its answers; its scheduled check goes back to its
    reminder ladder so that the nurses on duty hear of it again (and take it over)."""
    for assessment, patient in offboarding_repo.checks_held_by(
        session, staff_id=staff.id or 0, ward_ids=ward_ids
    ):
        row = (
            session.get(ScheduledCheck, assessment.scheduled_check_id, with_for_update=True)
            if assessment.scheduled_check_id is not None
            else None
        )
        if row is not None and row.status is CheckStatus.IN_PROGRESS:
            row.status = CheckStatus.DUE if row.prompted_at is None else CheckStatus.PROMPTED
            row.assessment_id = None
            prompted = row.prompted_at is not None
            if row.next_action_at is None or (prompted and row.next_action_at > now):
                row.next_action_at = now  # the nurses on duty are reminded at once
            session.add(row)
            prompt_copies.queue_update(
                session, assessment, prompt_copies.RELEASED, now=now, skip_staff_id=staff.id
            )
        audit.record(
            session,
            at=now,
            action="check.released",
            actor_staff_id=actor_staff_id,
            entity="assessment",
            entity_id=assessment.id,
            patient_id=patient.id,
            ward_id=patient.ward_id,
            holder_id=staff.id,
        )
        effects.checks_released += 1


def _drop(message: OutboundMessage) -> None:
    message.status, message.error = OutboxStatus.FAILED, WITHDRAWN
    message.claim_token, message.claimed_until = None, None
