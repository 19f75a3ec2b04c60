"""The sandbox's clock: real time plus an offset that only grows."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.sandbox.clock import SandboxClock
from tests.support.clock import FakeClock

START = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def wall_clock() -> FakeClock:
    """The wall clock the sandbox's clock follows, set by the test."""
    return FakeClock(START)


def test_follows_the_wall_clock_plus_what_the_user_added() -> None:
    wall = wall_clock()
    clock = SandboxClock(wall)
    assert clock() == START
    assert clock.advance(dt.timedelta(minutes=15)) == START + dt.timedelta(minutes=15)
    wall.now += dt.timedelta(minutes=2)
    assert clock() == START + dt.timedelta(minutes=17)
    assert clock.offset == dt.timedelta(minutes=15)
    assert clock.timestamp() == clock().timestamp()


def test_moves_to_an_instant_ahead_and_never_back() -> None:
    clock = SandboxClock(wall_clock())
    due = START + dt.timedelta(hours=3, minutes=5)
    assert clock.advance_to(due) == due
    assert clock.advance_to(START) == due  # already past: the clock stays
    assert clock() == due
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(dt.timedelta(seconds=-1))
