"""The tests' clock: set by hand, so that tests move time instead of sleeping."""

from __future__ import annotations

import datetime as dt


class FakeClock:
    """A settable ``bot.clock.Clock``: ``now`` is the time until a test moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now
