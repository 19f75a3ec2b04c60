"""When the scheduler next has work: the earliest due instant over every table it claims from.

One statement of scalar subqueries, each ``ORDER BY <due> LIMIT 1`` on the index that the
claim itself uses (status, due time), so it reads one index entry per kind of work however
many rows there are. A pending outbox row under a live lease counts from the lease's end
(another sender has it until then), not from its attempt time, or a batch being sent would
look due all along.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from storage.models import (
    AuditLog,
    CheckStatus,
    Duty,
    DutyAssignment,
    Escalation,
    EscalationStatus,
    OutboundMessage,
    OutboxStatus,
    ScheduledCheck,
)


def _first(column: Any, *where: Any, after: dt.datetime | None) -> Any:
    later = () if after is None else (column > after,)
    return (
        sa.select(column)
        .where(column.is_not(None), *where, *later)
        .order_by(column)
        .limit(1)
        .scalar_subquery()
    )


def earliest(session: Session, *, after: dt.datetime | None = None) -> dt.datetime | None:
    """The earliest instant at which a row of any kind falls due (None: nothing scheduled);
    with ``after``, the earliest strictly later than that (rows the scheduler left aside:
    ``bot.scheduler.Waker``), still one index entry per kind of work."""
    check_at = col(ScheduledCheck.next_action_at)
    step_at = col(Escalation.next_step_at)
    second_at = col(Escalation.second_channel_at)
    attempt_at = col(OutboundMessage.next_attempt_at)
    lease_ends = col(OutboundMessage.claimed_until)
    pending = OutboundMessage.status == OutboxStatus.PENDING

    row = session.execute(
        sa.select(
            _first(check_at, ScheduledCheck.status == CheckStatus.DUE, after=after),
            _first(check_at, ScheduledCheck.status == CheckStatus.PROMPTED, after=after),
            _first(step_at, Escalation.status == EscalationStatus.OPEN, after=after),
            _first(col(Escalation.follow_up_at), after=after),
            _first(second_at, Escalation.status == EscalationStatus.OPEN, after=after),
            _first(attempt_at, pending, lease_ends.is_(None), after=after),
            _first(lease_ends, pending, after=after),
        )
    ).one()
    found: list[dt.datetime] = [at for at in row if at is not None]
    return min(found, default=None)


ROTA_ACTIONS = ("duty.", "plan.", "patient.", "staff.", "ward.")
"""Audit actions that may open or close a gap in a ward's on-call rota: duties planned or
ended, plans and patients (which wards are treating), people leaving or changing role."""


def last_audit_id(session: Session) -> int:
    """The newest audit row's id (0 when there is none): where to look from next time."""
    newest = session.execute(sa.select(sa.func.max(col(AuditLog.id)))).scalar_one()
    return int(newest or 0)


def rota_changed_since(session: Session, *, after_id: int) -> bool:
    """Whether an audit row after ``after_id`` records a change of rota, plan, patient, staff
    or ward. Reads only the rows written since (a primary-key range): what happened, not
    how many wards or patients there are."""
    like = [col(AuditLog.action).startswith(prefix) for prefix in ROTA_ACTIONS]
    found = session.execute(
        sa.select(col(AuditLog.id)).where(col(AuditLog.id) > after_id, sa.or_(*like)).limit(1)
    ).first()
    return found is not None


def next_primary_end(session: Session, *, at_or_after: dt.datetime) -> dt.datetime | None:
    """The first end of a primary on-call period at or after ``at_or_after``: where a gap
    may open that is not yet within the warning horizon."""
    ends = col(DutyAssignment.ends_at)
    primary = col(DutyAssignment.duty) == Duty.PRIMARY
    first: dt.datetime | None = session.execute(
        sa.select(sa.func.min(ends)).where(primary, ends >= at_or_after)
    ).scalar_one()
    return first
