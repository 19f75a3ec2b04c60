"""The watcher: work the bot should have done by now and has not, read from the database.

Every 30 s a running bot claims its due rows: check prompts and reminders, escalation steps,
follow-ups and queued messages. A row still due well after its time means no instance is
doing that work (stopped, crashed, stuck, or unable to reach Telegram), and a page that is
not sent is a grade change nobody hears of. Because the rows are the truth, this needs no
access to the bot process: a container health check, a cron job or a monitoring probe runs
``neurocheck health`` against the same database and raises the alarm the bot itself cannot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.services.schedule import OPEN_UNSTARTED
from storage.models import (
    Escalation,
    EscalationStatus,
    OutboundMessage,
    OutboxStatus,
    ScheduledCheck,
)

DEFAULT_GRACE = dt.timedelta(minutes=5)
"""Ten scheduler passes: long enough for retries and a busy minute, short next to the
15 minutes between a prompt and its reminder."""


@dataclass(frozen=True)
class Overdue:
    """Rows of one kind whose time has passed by more than the grace."""

    what: str
    count: int
    oldest: dt.datetime


@dataclass(frozen=True)
class _Watched:
    what: str
    column: Any
    conditions: tuple[Any, ...]


_WATCHED = (
    _Watched(
        "check prompts and reminders",
        col(ScheduledCheck.next_action_at),
        (col(ScheduledCheck.status).in_(OPEN_UNSTARTED),),
    ),
    _Watched(
        "escalation steps",
        col(Escalation.next_step_at),
        (Escalation.status == EscalationStatus.OPEN,),
    ),
    _Watched("alert follow-ups", col(Escalation.follow_up_at), ()),
    _Watched(
        "second-channel pages",
        col(Escalation.second_channel_at),
        (Escalation.status == EscalationStatus.OPEN,),
    ),
    # Queued, not next attempt: a retry moves the attempt on, and a message retried for
    # minutes (Telegram unreachable) is as late for the physician as one never tried.
    _Watched(
        "outgoing messages",
        col(OutboundMessage.created_at),
        (OutboundMessage.status == OutboxStatus.PENDING,),
    ),
)


WATCHED_KINDS = tuple(watched.what for watched in _WATCHED)


def overdue(
    session: Session, now: dt.datetime, grace: dt.timedelta = DEFAULT_GRACE
) -> Sequence[Overdue]:
    """Each kind of work with rows due before ``now - grace``; empty when all is well."""
    cutoff = now - grace
    found = []
    for watched in _WATCHED:
        count, oldest = session.execute(
            sa.select(sa.func.count(), sa.func.min(watched.column)).where(
                watched.column < cutoff, *watched.conditions
            )
        ).one()
        if count:
            found.append(Overdue(watched.what, count, oldest))
    return found
