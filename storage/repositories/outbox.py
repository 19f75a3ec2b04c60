"""The outbox's rows: enqueue once by key, claim the due ones, withdraw, and read the
messages already in people's chats (to edit them later). No commits.

The ``error`` column is a diagnostic record (what the channel answered, how a row ended),
shown verbatim to operators; the record's own phrasings are kept here, with the writes that
store them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import OutboundMessage, OutboxStatus
from storage.repositories.claims import claim_due

WITHDRAWN: Final = "withdrawn: the alert was acknowledged or closed"


def gave_up(attempts: int, error: str) -> str:
    """The error recorded when retries run out."""
    return f"gave up after {attempts} attempts: {error}"


def no_sender(channel: str) -> str:
    """The error recorded for a channel nobody configured a sender for."""
    return f"no sender for channel {channel!r} is configured"


def _insert(session: Session) -> Any:
    """INSERT ... ON CONFLICT (dedupe_key) DO NOTHING, in the database's dialect."""
    table = cast(sa.Table, OutboundMessage.__table__)  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    return insert.on_conflict_do_nothing(index_elements=["dedupe_key"])


def queued(session: Session, *, dedupe_key: str) -> bool:
    """Whether a message with this key was ever queued (sent or not)."""
    found = session.exec(
        select(OutboundMessage.id).where(OutboundMessage.dedupe_key == dedupe_key)
    ).first()
    return found is not None


def queued_keys(session: Session, *, dedupe_keys: Collection[str]) -> set[str]:
    """Which of these keys were ever queued (sent or not), in one statement."""
    if not dedupe_keys:
        return set()
    found = session.exec(
        select(OutboundMessage.dedupe_key).where(
            col(OutboundMessage.dedupe_key).in_(sorted(dedupe_keys))
        )
    ).all()
    return {key for key in found if key is not None}


def insert_once(session: Session, *, values: Mapping[str, Any]) -> None:
    """Insert a row unless one with its ``dedupe_key`` exists (a no-op, not an error)."""
    session.execute(_insert(session).values(**values))


def insert_many_once(session: Session, *, rows: Sequence[Mapping[str, Any]]) -> None:
    """``insert_once`` for many rows in one statement (executemany, compiled once)."""
    if rows:
        session.execute(_insert(session), [dict(row) for row in rows])


def claim(
    session: Session, *, now: dt.datetime, limit: int, last: Collection[str] = ()
) -> Sequence[OutboundMessage]:
    """Pending rows due for sending whose lease (if any) has run out, locked, oldest first;
    the purposes in ``last`` only after every other due row."""
    background = col(OutboundMessage.purpose).in_(sorted(last))
    return claim_due(
        session,
        OutboundMessage,
        due=OutboundMessage.next_attempt_at,  # type: ignore[arg-type]
        now=now,
        where=(
            OutboundMessage.status == OutboxStatus.PENDING,
            sa.or_(
                col(OutboundMessage.claimed_until).is_(None),
                col(OutboundMessage.claimed_until) <= now,
            ),
        ),
        first=(sa.case((background, 1), else_=0),) if last else (),
        limit=limit,
    )


def withdraw_pending(session: Session, *, purpose: str, prefix: str) -> int:
    """Mark the pending rows of a purpose whose key starts with ``prefix`` as failed (never
    to be sent); how many."""
    result = session.execute(
        sa.update(OutboundMessage)
        .where(
            col(OutboundMessage.status) == OutboxStatus.PENDING,
            col(OutboundMessage.purpose) == purpose,
            col(OutboundMessage.dedupe_key).startswith(prefix),
        )
        .values(status=OutboxStatus.FAILED, claim_token=None, claimed_until=None, error=WITHDRAWN)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def sent_with_prefix(session: Session, *, purpose: str, prefix: str) -> Sequence[OutboundMessage]:
    """Sent rows of a purpose whose dedupe key starts with ``prefix``, oldest first."""
    return session.exec(
        select(OutboundMessage)
        .where(
            OutboundMessage.purpose == purpose,
            col(OutboundMessage.dedupe_key).startswith(prefix),
            OutboundMessage.status == OutboxStatus.SENT,
            col(OutboundMessage.message_id).is_not(None),
        )
        .order_by(col(OutboundMessage.id))
    ).all()
