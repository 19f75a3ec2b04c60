"""The escalation runner: claims the chains whose next step is due and carries out what the
step's rule decides (bot.clinical.escalation_steps): page the on-call people of its roles,
tell the ward that nobody acknowledged, or close an information-only alert. Then the
follow-up reminders and the second channel that are due.

The claims are the generic claim of due rows (``FOR UPDATE SKIP LOCKED``); a delivery is
unique per escalation, step and person and the outbox is idempotent by key, so a pass that
runs twice, a restart or a second instance pages nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from sqlmodel import Session

from bot.clinical.escalation_steps import ChainState, StepDecision, StepType, after_nobody, decide
from bot.clinical.policy import PagedRole
from bot.clock import Clock
from bot.services import outbox, second_channel
from bot.services.escalations.chain import audit_escalation, close, on_call, reached, ward_leads
from storage.db import Database
from storage.models import Escalation, EscalationDelivery, EscalationStatus, Staff
from storage.repositories import escalations as repo

BATCH: Final = 100


@dataclass
class EscalationReport:
    steps: int = 0
    pages: int = 0
    nobody: list[int] = field(default_factory=list)
    exhausted: int = 0
    follow_ups: int = 0
    second_channel: int = 0


Carry = Callable[[Session, Escalation, StepDecision, dt.datetime, EscalationReport], None]


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
                rows = repo.claim_steps(session, now=now, limit=BATCH)
                for row in rows:
                    _advance(session, row, now, report)
            if len(rows) < BATCH:
                break
        with self._db.session() as session:
            _follow_ups(session, now, report)
        with self._db.session() as session:
            report.second_channel = second_channel.run_due(session, now)
        return report


def _advance(
    session: Session, escalation: Escalation, now: dt.datetime, report: EscalationReport
) -> None:
    """Every step due by ``now`` in one go (after downtime: one page per person, not one
    per missed step). A step that reaches nobody moves on at once."""
    while (
        escalation.status is EscalationStatus.OPEN
        and escalation.next_step_at is not None
        and escalation.next_step_at <= now
    ):
        decision = decide(_state(escalation), now)
        CARRY[decision.type](session, escalation, decision, now, report)


def _state(escalation: Escalation) -> ChainState:
    return ChainState.of(
        escalation.policy, step_index=escalation.step_index, started_at=escalation.created_at
    )


def _page_step(
    session: Session,
    escalation: Escalation,
    decision: StepDecision,
    now: dt.datetime,
    report: EscalationReport,
) -> None:
    """Page the on-call people of the decided roles (skipping those this chain could not
    reach); when there is nobody, the chain moves on as the rule says."""
    state = _state(escalation)
    report.steps += 1
    unreachable = repo.unreachable(session, escalation_id=escalation.id)
    people = [
        (staff, role)
        for staff, role in on_call(session, escalation.ward_id, decision.roles, now)
        if staff.id not in unreachable
    ]
    escalation.step_index = decision.next_index
    if people:
        report.pages += _page(session, escalation, decision.paged_step, people, decision.roles, now)
        escalation.next_step_at = decision.next_at
        return
    report.nobody.append(escalation.id or 0)
    audit_escalation(
        session,
        escalation,
        "escalation.nobody",
        now,
        step_index=decision.paged_step,
        roles=[r.value for r in decision.roles],
    )
    anyone = decision.more or reached(session, escalation)
    escalation.next_step_at = after_nobody(state, decision, now, anyone_reached=anyone)


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
    paged_before = {d.staff_id for d in repo.deliveries(session, escalation_id=escalation.id)}
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
            to=outbox.Recipient.of(staff),
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


def _exhaust(
    session: Session,
    escalation: Escalation,
    _decision: StepDecision,
    now: dt.datetime,
    report: EscalationReport,
) -> None:
    """Nobody acknowledged: the ward's charge nurses and admins are told (and may still
    acknowledge, e.g. after reaching the physician by phone)."""
    escalation.status, escalation.next_step_at = EscalationStatus.EXHAUSTED, None
    report.exhausted += 1
    told = ward_leads(session, escalation.ward_id, now)
    for staff in told:
        outbox.enqueue(
            session,
            to=outbox.Recipient.of(staff),
            purpose="alert_exhausted",
            payload={"escalation_id": escalation.id},
            dedupe_key=f"alert-exhausted:{escalation.id}:{staff.id}",
            now=now,
        )
    audit_escalation(session, escalation, "escalation.exhausted", now, told=[s.id for s in told])
    second_channel.send(session, escalation, now, event="exhausted")


def _informed(
    session: Session,
    escalation: Escalation,
    _decision: StepDecision,
    now: dt.datetime,
    _report: EscalationReport,
) -> None:
    """An information-only alert has been delivered: nothing to acknowledge, it is done."""
    close(session, escalation, "information", now)


CARRY: Final[Mapping[StepType, Carry]] = {
    StepType.PAGE: _page_step,
    StepType.RUN_OUT: _exhaust,
    StepType.INFORMED: _informed,
}
"""How the service carries out each step type's decision (the rule is in the clinical core)."""


def _follow_ups(session: Session, now: dt.datetime, report: EscalationReport) -> None:
    """A critical alert acknowledged an hour ago with no check since: remind who took it."""
    for escalation in repo.claim_follow_ups(session, now=now, limit=BATCH):
        escalation.follow_up_at = None
        since = escalation.acknowledged_at or escalation.created_at
        checked = repo.checked_since(session, patient_id=escalation.patient_id, since=since)
        if checked or escalation.acknowledged_by_id is None:
            continue
        staff = session.get(Staff, escalation.acknowledged_by_id)
        if staff is None or not staff.active:
            continue
        outbox.enqueue(
            session,
            to=outbox.Recipient.of(staff),
            purpose="alert_follow_up",
            payload={"escalation_id": escalation.id},
            dedupe_key=f"alert-follow-up:{escalation.id}",
            now=now,
        )
        report.follow_ups += 1
        audit_escalation(session, escalation, "escalation.follow_up_reminder", now)
