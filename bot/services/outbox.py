"""The outbox: every message the scheduler sends is a row first, and is retried from the row.

Enqueueing is idempotent by ``dedupe_key`` (one prompt per check, person and reminder level),
so a pass that runs twice, or two instances, enqueue it once. Sending claims rows under a
lease with a token: a sender that dies after claiming leaves rows that are claimed again when
the lease runs out, and a late sender whose lease was taken over cannot mark them. Telegram
has no idempotency key, so the one remaining window (sent, then died before marking) can
repeat a message; it is as short as one UPDATE.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.db import Database
from storage.models import OutboundMessage, OutboxStatus

Clock = Callable[[], dt.datetime]


class OutcomeHook(Protocol):
    """Told, in the same transaction, that a message of its purpose was sent or given up."""

    def __call__(
        self,
        session: Session,
        payload: dict[str, Any],
        *,
        sent: bool,
        message_id: int | None,
        error: str | None,
        now: dt.datetime,
    ) -> None: ...


LEASE: Final = dt.timedelta(minutes=2)
MAX_ATTEMPTS: Final = 8
BACKOFF_CAP: Final = dt.timedelta(minutes=5)


TELEGRAM: Final = "telegram"


@dataclass(frozen=True)
class OutboxItem:
    """A claimed message. ``chat_id`` addresses Telegram; other channels use ``address``."""

    id: int
    token: str
    chat_id: int
    purpose: str
    payload: Mapping[str, Any]
    attempts: int
    channel: str = TELEGRAM
    address: str | None = None


class GiveUpError(Exception):
    """A channel's sender will never deliver this message (refused, misaddressed)."""


class TryLaterError(Exception):
    """A channel's sender could not deliver now (down, busy); ``delay`` if it said when."""

    def __init__(self, error: str, delay: dt.timedelta | None = None) -> None:
        super().__init__(error)
        self.delay = delay


class ChannelSender(Protocol):
    """Sends one claimed message on a channel besides Telegram (GiveUpError or TryLaterError)."""

    async def send(self, item: OutboxItem) -> None: ...


def enqueue(
    session: Session,
    *,
    chat_id: int,
    purpose: str,
    payload: Mapping[str, Any],
    dedupe_key: str,
    now: dt.datetime,
    channel: str = TELEGRAM,
    address: str | None = None,
) -> None:
    """Add a message in the caller's transaction; a second call with the same key is a no-op.
    A channel other than Telegram is addressed by ``address`` (``chat_id`` 0)."""
    values = {
        "channel": channel,
        "address": address,
        "chat_id": chat_id,
        "purpose": purpose,
        "payload": dict(payload),
        "dedupe_key": dedupe_key,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    table = cast(sa.Table, OutboundMessage.__table__)  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    session.execute(insert.values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"]))


@dataclass(frozen=True)
class Queued:
    """One message for ``enqueue_many``: the arguments of ``enqueue``."""

    chat_id: int
    purpose: str
    payload: Mapping[str, Any]
    dedupe_key: str
    channel: str = TELEGRAM
    address: str | None = None


def enqueue_many(session: Session, messages: Sequence[Queued], *, now: dt.datetime) -> None:
    """``enqueue`` for many messages in one statement (a scheduler pass queues hundreds):
    the same rows, the same idempotency by ``dedupe_key``, one INSERT compiled once."""
    if not messages:
        return
    table = cast(sa.Table, OutboundMessage.__table__)  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    session.execute(
        insert.on_conflict_do_nothing(index_elements=["dedupe_key"]),
        [
            {
                "channel": m.channel,
                "address": m.address,
                "chat_id": m.chat_id,
                "purpose": m.purpose,
                "payload": dict(m.payload),
                "dedupe_key": m.dedupe_key,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for m in messages
        ],
    )


class Outbox:
    def __init__(
        self, db: Database, clock: Clock, hooks: Mapping[str, OutcomeHook] | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._hooks = dict(hooks or {})  # purpose -> who must know how its messages ended

    def claim(self, limit: int = 100) -> Sequence[OutboxItem]:
        """Take up to ``limit`` due messages for sending, oldest first."""
        now = self._clock()
        token = str(uuid.uuid4())
        with self._db.session() as session:
            rows = session.exec(
                select(OutboundMessage)
                .where(
                    OutboundMessage.status == OutboxStatus.PENDING,
                    col(OutboundMessage.next_attempt_at) <= now,
                    sa.or_(
                        col(OutboundMessage.claimed_until).is_(None),
                        col(OutboundMessage.claimed_until) <= now,
                    ),
                )
                .order_by(col(OutboundMessage.next_attempt_at), col(OutboundMessage.id))
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            items = []
            for row in rows:
                row.claim_token, row.claimed_until = token, now + LEASE
                row.attempts += 1
                assert row.id is not None
                items.append(
                    OutboxItem(
                        row.id,
                        token,
                        row.chat_id,
                        row.purpose,
                        row.payload,
                        row.attempts,
                        row.channel,
                        row.address,
                    )
                )
            return items

    def sent(self, item: OutboxItem, message_id: int) -> bool:
        return self._finish(item, OutboxStatus.SENT, message_id=message_id)

    def failed(self, item: OutboxItem, error: str) -> bool:
        """Give up on this message (the person blocked the bot, or it can never be sent)."""
        return self._finish(item, OutboxStatus.FAILED, error=error)

    def retry(self, item: OutboxItem, error: str, delay: dt.timedelta | None = None) -> bool:
        """Send again later: after ``delay`` (Telegram's retry_after) or exponential backoff."""
        if item.attempts >= MAX_ATTEMPTS:
            return self.failed(item, f"gave up after {item.attempts} attempts: {error}")
        wait = delay or min(BACKOFF_CAP, dt.timedelta(seconds=2**item.attempts))
        return self._finish(item, OutboxStatus.PENDING, error=error, next_attempt_in=wait)

    async def send_by_channel(self, item: OutboxItem, sender: ChannelSender | None) -> bool:
        """Send a message of a channel other than Telegram and record how it went."""
        try:
            if sender is None:
                raise GiveUpError(f"no sender for channel {item.channel!r} is configured")
            await sender.send(item)
        except GiveUpError as exc:
            await asyncio.to_thread(self.failed, item, str(exc))
            return False
        except TryLaterError as exc:
            await asyncio.to_thread(self.retry, item, str(exc), exc.delay)
            return False
        await asyncio.to_thread(self.sent, item, 0)
        return True

    def _finish(
        self,
        item: OutboxItem,
        status: OutboxStatus,
        *,
        message_id: int | None = None,
        error: str | None = None,
        next_attempt_in: dt.timedelta | None = None,
    ) -> bool:
        """Apply the outcome only if our claim still holds; False means someone else owns it."""
        now = self._clock()
        with self._db.session() as session:
            row = session.get(OutboundMessage, item.id, with_for_update=True)
            if row is None or row.claim_token != item.token:
                return False
            row.status, row.claim_token, row.claimed_until = status, None, None
            row.error = error[:500] if error else None
            if message_id is not None:
                row.message_id, row.sent_at = message_id, now
            if next_attempt_in is not None:
                row.next_attempt_at = now + next_attempt_in
            hook = self._hooks.get(row.purpose)
            if hook is not None and status is not OutboxStatus.PENDING:
                hook(
                    session,
                    dict(row.payload),
                    sent=status is OutboxStatus.SENT,
                    message_id=message_id,
                    error=row.error,
                    now=now,
                )
            return True


def record_sent(
    session: Session,
    *,
    chat_id: int,
    purpose: str,
    payload: Mapping[str, Any],
    dedupe_key: str,
    message_id: int,
    now: dt.datetime,
) -> None:
    """Record a message a handler sent itself (e.g. an alert shown by /alerts) as sent, so
    whatever edits every copy of something later finds this one too. Never claimed."""
    session.add(
        OutboundMessage(
            chat_id=chat_id,
            purpose=purpose,
            payload=dict(payload),
            dedupe_key=dedupe_key,
            status=OutboxStatus.SENT,
            next_attempt_at=now,
            message_id=message_id,
            sent_at=now,
            created_at=now,
        )
    )
