"""A scheduler pass's cost follows what is due (issue 21): messages inserted in one statement,
the rota-gap check only when something may have changed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from bot.services import outbox, rota_gaps
from bot.services.runner import Runner
from bot.services.schedule import ScheduleRules
from storage.db import Database
from storage.models import OutboundMessage
from storage.repositories import audit
from tests.support.clock import FakeClock


def test_many_messages_are_queued_once_each_by_their_key(db: Database) -> None:
    now = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)
    first, second = (
        outbox.Queued(outbox.Recipient.telegram(chat, staff_id=None), "text", {"text": t}, key)
        for chat, t, key in ((1, "a", "k1"), (2, "b", "k2"))
    )
    with db.session() as session:
        outbox.enqueue_many(session, [first, second], now=now)
        outbox.enqueue_many(session, [first], now=now)
        outbox.enqueue_many(session, [], now=now)
    with db.session() as session:
        rows = session.exec(select(OutboundMessage).order_by(OutboundMessage.id)).all()  # type: ignore[arg-type]
        assert [(r.chat_id, r.address, r.dedupe_key, r.payload) for r in rows] == [
            (1, "1", "k1", {"text": "a"}),
            (2, "2", "k2", {"text": "b"}),
        ]
        assert session.exec(select(func.count()).select_from(OutboundMessage)).one() == 2


def test_the_rota_gap_check_runs_when_the_rota_may_have_changed_not_every_pass(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    looks: list[dt.datetime] = []

    def counted(session: object, now: dt.datetime, zone: ZoneInfo) -> int:
        looks.append(now)
        return 0

    monkeypatch.setattr(rota_gaps, "warn_gaps", counted)
    runner = Runner(db, clock, ScheduleRules.shipped(ZoneInfo("UTC")))
    runner.run_due()
    runner.run_due()
    clock.advance(minutes=10)
    runner.run_due()
    assert len(looks) == 1  # the first pass only: nothing changed since
    with db.session() as session:
        audit.record(session, at=clock.now, action="check.ladder.prompt")
    runner.run_due()
    assert len(looks) == 1  # an audit row that is not about the rota
    with db.session() as session:
        audit.record(session, at=clock.now, action="duty.planned")
    runner.run_due()
    runner.run_due()
    assert len(looks) == 2  # once after the change
    clock.advance(hours=1)
    runner.run_due()
    assert len(looks) == 3  # and hourly
