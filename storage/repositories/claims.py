"""The one claim of due rows, used by every runner (prompts, reminders, escalation steps,
follow-ups, the second channel, the outbox).

Several instances may run the same pass at once: each takes a batch of due rows under
``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so two never take the same row, and a crash between
claim and commit releases them. SQLite ignores the lock clause; there the write transaction
(``BEGIN IMMEDIATE``) serialises passes instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session, SQLModel, col, select

BATCH = 200
"""Rows per claim: a pass takes at most this many and loops while a batch comes back full."""

Row = TypeVar("Row", bound=SQLModel)


def claim_due(
    session: Session,
    model: type[Row],
    *,
    due: InstrumentedAttribute[Any],
    now: dt.datetime,
    where: Sequence[Any] = (),
    first: Sequence[Any] = (),
    limit: int = BATCH,
) -> Sequence[Row]:
    """Lock and return up to ``limit`` rows of ``model`` whose ``due`` time has come.

    ``where`` adds the model's own conditions (an open status, say). Oldest due first, then
    by id, so a backlog drains in order and ties are stable across databases; ``first`` puts
    order keys before that (the outbox's housekeeping waits for every clinical message).
    """
    query = (
        select(model)
        .where(col(due) <= now, *where)
        .order_by(*first, col(due), col(model.id))  # type: ignore[attr-defined]
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return session.exec(query).all()
