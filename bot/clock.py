"""The wall clock, in one place. Services take the clock as an argument (tests move a fake
one); the bot and the command line pass this one. No imports beyond the standard library,
so the command line can use it without loading the bot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]
"""What services take: a function returning now (``system_clock`` or a test's fake)."""


def system_clock() -> dt.datetime:
    """Now, timezone-aware UTC: the only time the database stores."""
    return dt.datetime.now(dt.UTC)
