"""A stranger's refusals: one audit row per person and hour, the rest counted, then summed up."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.services import audit_trail
from bot.services.staff import StaffService
from storage.db import Database
from storage.models import AuditLog, RefusalTally
from tests.services.conftest import START
from tests.support.clock import FakeClock


def trail(db: Database) -> list[tuple[str, int | None, dict[str, object]]]:
    with db.session() as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
    return [(r.action, r.actor_telegram_id, r.detail) for r in rows]


def tallies(db: Database) -> dict[tuple[int, dt.datetime], int]:
    with db.session() as session:
        return {(t.telegram_id, t.hour): t.count for t in session.exec(select(RefusalTally))}


def test_a_knocking_stranger_adds_one_row_an_hour_and_a_summary(
    db: Database, clock: FakeClock
) -> None:
    staff = StaffService(db, clock)
    clock.now = START + dt.timedelta(minutes=5)
    for _ in range(50):
        staff.record_refusal(9001, "start")
    staff.record_refusal(9002, "patients")
    staff.record_refusal(9002, "patients")
    staff.record_refusal(9003, "help")
    assert [(a, who) for a, who, _ in trail(db)] == [
        ("access.refused", 9001),
        ("access.refused", 9002),
        ("access.refused", 9003),
    ]
    assert tallies(db) == {(9001, START): 50, (9002, START): 2, (9003, START): 1}

    clock.now = START + dt.timedelta(hours=1, minutes=1)
    staff.record_refusal(9001, "start")
    rows = trail(db)[3:]
    assert [(a, who) for a, who, _ in rows] == [
        ("access.refused.summary", 9001),
        ("access.refused.summary", 9002),  # 9003 knocked once: its first row says it all
        ("access.refused", 9001),
    ]
    assert rows[0][2]["refusals"] == 50 and rows[1][2]["refusals"] == 2
    assert rows[0][2]["hour"] == START.isoformat()
    assert tallies(db) == {(9001, START + dt.timedelta(hours=1)): 1}
    assert audit_trail.verify(db).rows == 6


def test_the_scheduler_sums_up_a_stranger_who_stopped_knocking(
    db: Database, clock: FakeClock
) -> None:
    """Nobody is refused after 9001's hour: the first pass of the next hour writes the
    summary all the same, once."""
    from bot.services.runner import Runner
    from bot.services.schedule import ScheduleRules

    runner = Runner(db, clock, ScheduleRules.shipped(ZoneInfo("Europe/Berlin")))
    clock.now = START + dt.timedelta(minutes=5)
    for _ in range(7):
        StaffService(db, clock).record_refusal(9001, "start")
    runner.run_due()
    assert [a for a, _, _ in trail(db)] == ["access.refused"], "the hour is not over"
    clock.now = START + dt.timedelta(hours=1, seconds=1)
    runner.run_due()
    runner.run_due()
    actions = [(a, d.get("refusals")) for a, _, d in trail(db)]
    assert actions == [("access.refused", None), ("access.refused.summary", 7)]
    assert tallies(db) == {}


def test_refusals_at_once_count_every_one(db: Database, clock: FakeClock) -> None:
    staff = StaffService(db, clock)

    def knock() -> None:
        for _ in range(10):
            staff.record_refusal(9001, "x")

    threads = [threading.Thread(target=knock) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tallies(db) == {(9001, START): 40}
    assert [a for a, _, _ in trail(db)] == ["access.refused"]
