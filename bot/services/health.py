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

from sqlmodel import Session

from bot.services.schedule import OPEN_UNSTARTED
from storage.repositories import health as health_repo
from storage.repositories.health import Work

DEFAULT_GRACE = dt.timedelta(minutes=5)
"""Ten scheduler passes: long enough for retries and a busy minute, short next to the
15 minutes between a prompt and its reminder."""
WATCHED_KINDS: tuple[Work, ...] = tuple(Work)
"""Every kind watched, in a fixed order (the metrics give each a value, 0 when on time);
``bot.telegram.health_texts`` names them."""


@dataclass(frozen=True)
class Overdue:
    """Rows of one kind whose time has passed by more than the grace."""

    kind: Work
    count: int
    oldest: dt.datetime


def overdue(
    session: Session, now: dt.datetime, grace: dt.timedelta = DEFAULT_GRACE
) -> Sequence[Overdue]:
    """Each kind of work with rows due before ``now - grace``; empty when all is well."""
    return [
        Overdue(kind, count, oldest)
        for kind, count, oldest in health_repo.due_before(
            session, cutoff=now - grace, check_statuses=OPEN_UNSTARTED
        )
    ]
