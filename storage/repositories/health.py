"""The watcher's queries: per kind of work, the rows due before a cutoff (how many, the oldest).

Each kind is one indexed column with its conditions; ``bot.services.health`` decides the
cutoff and what is overdue, ``bot.telegram.health_texts`` says what each kind is called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
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


class Work(StrEnum):
    """The kinds of work a running bot claims every pass (a metric label's key, not words)."""

    CHECK_PROMPTS = "check_prompts"
    ESCALATION_STEPS = "escalation_steps"
    FOLLOW_UPS = "follow_ups"
    SECOND_CHANNEL = "second_channel"
    OUTBOX = "outbox"


@dataclass(frozen=True)
class _Watched:
    work: Work
    column: Any
    conditions: tuple[Any, ...]


def _watched(check_statuses: Sequence[CheckStatus]) -> tuple[_Watched, ...]:
    return (
        _Watched(
            Work.CHECK_PROMPTS,
            col(ScheduledCheck.next_action_at),
            (col(ScheduledCheck.status).in_(check_statuses),),
        ),
        _Watched(
            Work.ESCALATION_STEPS,
            col(Escalation.next_step_at),
            (Escalation.status == EscalationStatus.OPEN,),
        ),
        _Watched(Work.FOLLOW_UPS, col(Escalation.follow_up_at), ()),
        _Watched(
            Work.SECOND_CHANNEL,
            col(Escalation.second_channel_at),
            (Escalation.status == EscalationStatus.OPEN,),
        ),
        # Queued, not next attempt: a retry moves the attempt on, and a message retried for
        # minutes (Telegram unreachable) is as late for the physician as one never tried.
        _Watched(
            Work.OUTBOX,
            col(OutboundMessage.created_at),
            (OutboundMessage.status == OutboxStatus.PENDING,),
        ),
    )


def due_before(
    session: Session, *, cutoff: dt.datetime, check_statuses: Sequence[CheckStatus]
) -> list[tuple[Work, int, dt.datetime]]:
    """Each kind with rows due before ``cutoff``: (kind, how many, the oldest due time).

    ``check_statuses`` are the checks still waiting for their prompt or reminder (the
    scheduler's rule, passed in rather than copied here)."""
    found = []
    for watched in _watched(check_statuses):
        count, oldest = session.execute(
            sa.select(sa.func.count(), sa.func.min(watched.column)).where(
                watched.column < cutoff, *watched.conditions
            )
        ).one()
        if count:
            found.append((watched.work, count, oldest))
    return found
