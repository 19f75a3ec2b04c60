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
    CheckStatus,
    Escalation,
    EscalationStatus,
    OutboundMessage,
    OutboxStatus,
    ScheduledCheck,
)


def _first(column: Any, *where: Any) -> Any:
    return (
        sa.select(column)
        .where(column.is_not(None), *where)
        .order_by(column)
        .limit(1)
        .scalar_subquery()
    )


def earliest(session: Session) -> dt.datetime | None:
    """The earliest instant at which a row of any kind falls due (None: nothing scheduled)."""
    check_at = col(ScheduledCheck.next_action_at)
    step_at = col(Escalation.next_step_at)
    second_at = col(Escalation.second_channel_at)
    attempt_at = col(OutboundMessage.next_attempt_at)
    lease_ends = col(OutboundMessage.claimed_until)
    pending = OutboundMessage.status == OutboxStatus.PENDING
    row = session.execute(
        sa.select(
            _first(check_at, ScheduledCheck.status == CheckStatus.DUE),
            _first(check_at, ScheduledCheck.status == CheckStatus.PROMPTED),
            _first(step_at, Escalation.status == EscalationStatus.OPEN),
            _first(col(Escalation.follow_up_at)),
            _first(second_at, Escalation.status == EscalationStatus.OPEN),
            _first(attempt_at, pending, lease_ends.is_(None)),
            _first(lease_ends, pending),
        )
    ).one()
    found: list[dt.datetime] = [at for at in row if at is not None]
    return min(found, default=None)
