"""The sandbox's clock, which is also the bot's: real time plus an offset the user moves.

Why real time keeps running: a nurse tapping through a check sees the minutes pass as on a
ward; why an offset: prompts, reminders and the missed-check ladder are minutes to hours
apart, and a trainee should see them in minutes. The offset only grows, so the bot never
sees time go backwards (its claims and leases assume it does not).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

from bot.clock import system_clock


class SandboxClock:
    """Callable like ``bot.clock.system_clock``; services call it from worker threads."""

    def __init__(self, wall: Callable[[], dt.datetime] = system_clock) -> None:
        self._wall = wall
        self._offset = dt.timedelta(0)
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._wall() + self._offset

    def timestamp(self) -> float:
        """For the Bot API stand-in, whose message dates are Unix seconds."""
        return self().timestamp()

    @property
    def offset(self) -> dt.timedelta:
        """How far the sandbox is ahead of the wall clock."""
        with self._lock:
            return self._offset

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move forward by ``delta`` (a negative delta is refused); the new now."""
        if delta < dt.timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += delta
            return self._wall() + self._offset

    def advance_to(self, instant: dt.datetime) -> dt.datetime:
        """Move forward to ``instant``; an instant already past leaves the clock as it is."""
        with self._lock:
            now = self._wall() + self._offset
            if instant > now:
                self._offset += instant - now
                now = instant
            return now
