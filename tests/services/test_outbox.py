"""The outbox's promises: enqueue once, claim once, a stale claimant cannot finish a row."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from bot.services import outbox
from bot.services.outbox import LEASE, MAX_ATTEMPTS, Outbox
from storage.db import Database
from storage.models import OutboundMessage, OutboxStatus
from tests.support.clock import FakeClock

T0 = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)


def put(db: Database, key: str, chat_id: int = 1) -> None:
    with db.session() as session:
        outbox.enqueue(
            session, chat_id=chat_id, purpose="test", payload={"text": key}, dedupe_key=key, now=T0
        )


def rows(db: Database) -> list[OutboundMessage]:
    with db.session() as session:
        return list(session.exec(select(OutboundMessage)).all())


def test_enqueue_is_idempotent_by_key(db: Database) -> None:
    put(db, "check:1:0:7")
    put(db, "check:1:0:7")
    put(db, "check:1:1:7")
    assert sorted(r.dedupe_key or "" for r in rows(db)) == ["check:1:0:7", "check:1:1:7"]


def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(db: Database) -> None:
    clock = FakeClock(T0)
    box = Outbox(db, clock)
    put(db, "a")
    first = box.claim()
    assert [i.payload["text"] for i in first] == ["a"]
    assert box.claim() == []
    clock.now += LEASE + dt.timedelta(seconds=1)  # the first sender died
    [again] = box.claim()
    assert again.attempts == 2
    assert not box.sent(first[0], message_id=10), "the stale claimant cannot finish the row"
    assert box.sent(again, message_id=11)
    [row] = rows(db)
    assert (row.status, row.message_id) == (OutboxStatus.SENT, 11)
    assert box.claim() == []


def test_background_purposes_wait_for_every_other_due_message(db: Database) -> None:
    """Menus republished at a release were queued first, but a prompt queued after them goes
    out in the first claim: housekeeping never holds up a clinical message."""
    clock = FakeClock(T0)
    box = Outbox(db, clock, background=("menu",))
    with db.session() as session:
        for n in range(3):
            outbox.enqueue(
                session, chat_id=n, purpose="menu", payload={}, dedupe_key=f"m{n}", now=T0
            )
    clock.now += dt.timedelta(seconds=5)
    put(db, "prompt")  # due at T0, like the menus: the id breaks no tie in its favour
    assert [i.purpose for i in box.claim(limit=2)] == ["test", "menu"]
    assert [i.purpose for i in box.claim(limit=5)] == ["menu", "menu"]
    assert [i.purpose for i in Outbox(db, clock).claim()] == [], "all claimed"


def test_retry_waits_then_gives_up(db: Database) -> None:
    clock = FakeClock(T0)
    box = Outbox(db, clock)
    put(db, "a")
    [item] = box.claim()
    assert box.retry(item, "429", dt.timedelta(seconds=7))
    assert box.claim() == []
    clock.now += dt.timedelta(seconds=7)
    for _ in range(MAX_ATTEMPTS - 1):
        [item] = box.claim()
        box.retry(item, "500 Internal Server Error")
        clock.now += dt.timedelta(minutes=10)
    [row] = rows(db)
    assert row.status is OutboxStatus.FAILED and "gave up after" in (row.error or "")


def test_a_message_is_addressed_to_a_recipient_on_a_channel(db: Database) -> None:
    """A person's Telegram chat, an e-mail address and a ward's webhook are all recipients;
    the claimed item carries the address and the person to the channel's sender."""
    with db.session() as session:
        for key, to in [
            ("tg", outbox.Recipient.telegram(42, staff_id=7)),
            ("mail", outbox.Recipient("email", "dr@example.org", 7)),
            ("hook", outbox.Recipient("webhook", "https://gateway.example/hook")),
        ]:
            outbox.enqueue(session, to=to, purpose="test", payload={}, dedupe_key=key, now=T0)
    clock = FakeClock(T0)
    items = {item.channel: item for item in Outbox(db, clock).claim()}
    assert (items["telegram"].address, items["telegram"].chat_id) == ("42", 42)
    assert (items["email"].address, items["email"].chat_id) == ("dr@example.org", 0)
    assert items["webhook"].address == "https://gateway.example/hook"
    assert [items[c].staff_id for c in ("telegram", "email", "webhook")] == [7, 7, None]


def test_a_chat_id_is_shorthand_for_a_telegram_recipient(db: Database) -> None:
    put(db, "short", chat_id=42)
    (row,) = rows(db)
    assert (row.channel, row.address, row.chat_id, row.staff_id) == ("telegram", "42", 42, None)
