"""The outbox: every message the scheduler sends is a row first, and is retried from the row.

A message is addressed to a :class:`Recipient`: a channel (Telegram, e-mail, a webhook ...)
and an address on it, and the person it is for. Each channel has one sender; adding a
channel is adding a sender, not changing the callers.

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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from sqlmodel import Session

from bot.clock import Clock
from storage.db import Database
from storage.models import OutboundMessage, OutboxStatus, Staff
from storage.repositories import outbox as repo
from storage.repositories import staff as staff_repo


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
class Recipient:
    """Whom a message is for and where it goes: a channel and an address on it (a Telegram
    chat id as text, an e-mail address, a URL), and the person when it is for one."""

    channel: str
    address: str
    staff_id: int | None = None

    @classmethod
    def telegram(cls, chat_id: int, staff_id: int | None = None) -> Recipient:
        return cls(TELEGRAM, str(chat_id), staff_id)

    @classmethod
    def of(cls, staff: Staff) -> Recipient:
        """A person in their chat with the bot (where pages, prompts and reminders go)."""
        return cls.telegram(staff.chat_id, staff.id)

    @property
    def chat_id(self) -> int:
        """The Telegram chat, for the Telegram channel (0 on the others)."""
        return int(self.address) if self.channel == TELEGRAM else 0


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
    staff_id: int | None = None
    language: str | None = None
    """The recipient's language (``staff.language``), read with the claim: the adapter says
    the message in it. None: no person, or none chosen (English)."""


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
    purpose: str,
    payload: Mapping[str, Any],
    dedupe_key: str,
    now: dt.datetime,
    to: Recipient | None = None,
    chat_id: int | None = None,
) -> None:
    """Add a message for ``to`` in the caller's transaction; a second call with the same key
    is a no-op. ``chat_id`` is shorthand for ``to=Recipient.telegram(chat_id)``."""
    if to is None:
        if chat_id is None:
            raise TypeError("enqueue needs a recipient (to=) or a Telegram chat_id")
        to = Recipient.telegram(chat_id)
    repo.insert_once(session, values=_row(to, purpose, payload, dedupe_key, now))


@dataclass(frozen=True)
class Queued:
    """One message for ``enqueue_many``: the arguments of ``enqueue``."""

    to: Recipient
    purpose: str
    payload: Mapping[str, Any]
    dedupe_key: str


def enqueue_many(session: Session, messages: Sequence[Queued], *, now: dt.datetime) -> None:
    """``enqueue`` for many messages in one statement (a scheduler pass queues hundreds):
    the same rows, the same idempotency by ``dedupe_key``, one INSERT compiled once."""
    repo.insert_many_once(
        session, rows=[_row(m.to, m.purpose, m.payload, m.dedupe_key, now) for m in messages]
    )


def _row(
    to: Recipient, purpose: str, payload: Mapping[str, Any], dedupe_key: str, now: dt.datetime
) -> dict[str, Any]:
    return {
        "channel": to.channel,
        "address": to.address,
        "staff_id": to.staff_id,
        "chat_id": to.chat_id,
        "purpose": purpose,
        "payload": dict(payload),
        "dedupe_key": dedupe_key,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


class Outbox:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        hooks: Mapping[str, OutcomeHook] | None = None,
        *,
        background: Collection[str] = (),
    ) -> None:
        """``background``: purposes that wait until no other message is due (the command
        menus republished at a release must not hold up a prompt or a page behind them)."""
        self._db = db
        self._clock = clock
        self._hooks = dict(hooks or {})  # purpose -> who must know how its messages ended
        self._background = frozenset(background)

    def claim(self, limit: int = 100) -> Sequence[OutboxItem]:
        """Take up to ``limit`` due messages for sending, oldest first, the background last."""
        now = self._clock()
        token = str(uuid.uuid4())
        with self._db.session() as session:
            rows = repo.claim(session, now=now, limit=limit, last=self._background)
            ids = {row.staff_id for row in rows if row.staff_id is not None}
            languages = staff_repo.languages(session, ids) if ids else {}
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
                        row.staff_id,
                        languages.get(row.staff_id) if row.staff_id is not None else None,
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
            return self.failed(item, repo.gave_up(item.attempts, error))
        wait = delay or min(BACKOFF_CAP, dt.timedelta(seconds=2**item.attempts))
        return self._finish(item, OutboxStatus.PENDING, error=error, next_attempt_in=wait)

    async def send_by_channel(self, item: OutboxItem, sender: ChannelSender | None) -> bool:
        """Send a message of a channel other than Telegram and record how it went."""
        try:
            if sender is None:
                raise GiveUpError(repo.no_sender(item.channel))
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
    to: Recipient,
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
            channel=to.channel,
            address=to.address,
            staff_id=to.staff_id,
            chat_id=to.chat_id,
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
