"""The wake-up's guard against a row that no pass can move (issue 21).

A row locked by another instance, or failing every time, stays due at its instant. The
wake-up must not run a pass a second for it, and must not stop waking for the rows due
after it either: those would wait for the 30 s safety tick. The pass here is a stand-in that
moves every due check except the stuck one, as the runner does when one row fails.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import cast

import sqlalchemy as sa
from sqlmodel import col
from telegram import Bot

from bot.scheduler import WAKE_POLL_SECONDS, Waker
from storage.db import Database
from storage.models import CheckKind, CheckStatus, ScheduledCheck
from tests.support import factories
from tests.support.clock import FakeClock

T0 = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)
BOT = cast(Bot, object())  # the stand-in pass sends nothing


def check_due_at(db: Database, patient_id: int, at: dt.datetime) -> int:
    with db.engine.begin() as conn:
        check_id = conn.execute(
            sa.insert(ScheduledCheck)
            .values(
                patient_id=patient_id,
                due_at=at,
                next_action_at=at,
                kind=CheckKind.ROUTINE,
                status=CheckStatus.DUE,
                reminder_level=0,
                late=False,
                created_at=at,
            )
            .returning(col(ScheduledCheck.id))
        ).scalar_one()
        assert check_id is not None
        return check_id


class StandInPass:
    """Moves every due check an hour on, except the ones it cannot (``stuck``)."""

    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db, self.clock = db, clock
        self.stuck: set[int] = set()
        self.runs: list[dt.datetime] = []

    async def __call__(self, _bot: Bot) -> None:
        self.runs.append(self.clock.now)
        with self.db.engine.begin() as conn:
            conn.execute(
                sa.update(ScheduledCheck)
                .where(
                    col(ScheduledCheck.next_action_at) <= self.clock.now,
                    col(ScheduledCheck.id).not_in(self.stuck),
                )
                .values(next_action_at=self.clock.now + dt.timedelta(hours=1))
            )

    def unstick(self, check_id: int) -> None:
        self.stuck.discard(check_id)


def waker_with(db: Database, clock: FakeClock, run_pass: StandInPass) -> Waker:
    waker = Waker(db, clock)
    waker._pass = run_pass  # what install() sets from the application
    return waker


def test_a_row_no_pass_can_move_neither_repeats_passes_nor_holds_back_later_rows(
    db: Database,
) -> None:
    clock = FakeClock(T0)
    ward = factories.ward(db)
    stuck = check_due_at(db, factories.patient(db, ward, "Bed 1"), T0 - dt.timedelta(minutes=1))
    later_patient = factories.patient(db, ward, "Bed 2")
    run_pass = StandInPass(db, clock)
    run_pass.stuck.add(stuck)
    waker = waker_with(db, clock, run_pass)

    async def scenario() -> None:
        assert await waker.once(BOT) == WAKE_POLL_SECONDS
        assert run_pass.runs == [T0]  # one pass tried the stuck row and left it
        for _ in range(5):  # the stuck row alone: no pass a second for it
            clock.advance(seconds=1)
            await waker.once(BOT)
        assert run_pass.runs == [T0]

        check_due_at(db, later_patient, clock.now + dt.timedelta(seconds=3))
        sleep = await waker.once(BOT)
        assert 0 < sleep <= WAKE_POLL_SECONDS  # it sees the later row coming
        clock.advance(seconds=3)
        await waker.once(BOT)
        assert run_pass.runs == [T0, clock.now]  # its pass on time, not at the 30 s tick

        clock.advance(seconds=1)
        await waker.once(BOT)
        assert len(run_pass.runs) == 2  # the later row moved; the stuck one is still aside

        run_pass.unstick(stuck)  # the other instance let go: the tick's pass moves it
        await run_pass(BOT)
        clock.advance(seconds=1)
        await waker.once(BOT)  # nothing due at or before the stuck instant: forgotten
        assert len(run_pass.runs) == 3
        check_due_at(db, later_patient, T0 - dt.timedelta(minutes=1))  # at that instant
        clock.advance(seconds=1)
        await waker.once(BOT)
        assert run_pass.runs[-1] == clock.now  # nothing is left aside any more

    asyncio.run(scenario())
