"""Telegram's flood limits, as a recorder that can also refuse.

Telegram documents ~30 messages per second overall and ~1 per second per chat, and
in practice tolerates short bursts in a private chat. The default rules model that
as: at most 30 sends in any second overall, at most 3 in any second to one chat,
and at most 20 in any minute to one chat. Every send's timestamp is kept (never
pruned) so tests can also inspect the pacing directly.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateRules:
    """Maximum number of sends allowed in a sliding window; the next one is a violation."""

    overall_per_second: int = 30
    chat_per_second: int = 3
    chat_per_minute: int = 20


class RateTracker:
    """Send timestamps overall and per chat, checked against ``RateRules``."""

    def __init__(self, rules: RateRules, clock: Callable[[], float]) -> None:
        self.rules = rules
        self._clock = clock
        self._overall: list[float] = []
        self._per_chat: dict[int, list[float]] = {}

    def now(self) -> float:
        """The tracker's clock (monotonic seconds)."""
        return self._clock()

    def check(self, chat_id: int) -> tuple[str, int] | None:
        """The broken rule and a retry_after in seconds if a send now would break one."""
        now = self._clock()
        chat = self._per_chat.get(chat_id, [])
        windows = (
            (self._overall, 1.0, self.rules.overall_per_second, "overall per second"),
            (chat, 1.0, self.rules.chat_per_second, "per chat per second"),
            (chat, 60.0, self.rules.chat_per_minute, "per chat per minute"),
        )
        for stamps, window, limit, rule in windows:
            recent = _in_window(stamps, now, window)
            if len(recent) >= limit:
                wait = recent[len(recent) - limit] + window - now
                return f"{rule} (max {limit})", max(1, math.ceil(wait))
        return None

    def record(self, chat_id: int) -> None:
        """Remember that a send to ``chat_id`` happened now."""
        now = self._clock()
        self._overall.append(now)
        self._per_chat.setdefault(chat_id, []).append(now)

    def timestamps(self, chat_id: int | None = None) -> list[float]:
        """Every recorded send time, overall or for one chat."""
        source = self._overall if chat_id is None else self._per_chat.get(chat_id, [])
        return list(source)


def _in_window(stamps: list[float], now: float, window: float) -> list[float]:
    """The timestamps within ``window`` seconds before ``now`` (they are sorted)."""
    return stamps[bisect_right(stamps, now - window) :]
