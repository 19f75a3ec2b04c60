"""Quality measures of the bedside loop: was a check on time, and how fast were alerts heard.

A scheduled check is on time when it was started no later than the first reminder (section
10: a check not started within 15 minutes of its due time reminds the nurse; a ward may
change that number), late when started after it, missed when never started and its grace
has passed, pending while the grace still runs, and cancelled when the schedule withdrew it
(a discharge, a recomputed cadence): a cancelled check was never owed, so it is not counted
as due.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Sequence


class Timeliness(enum.StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    PENDING = "pending"
    CANCELLED = "cancelled"


def timeliness(
    *,
    due_at: dt.datetime,
    started_at: dt.datetime | None,
    cancelled: bool,
    on_time_within: dt.timedelta,
    now: dt.datetime,
) -> Timeliness:
    """How a scheduled check went, judged at ``now``."""
    if started_at is not None:
        return Timeliness.ON_TIME if started_at <= due_at + on_time_within else Timeliness.LATE
    if cancelled:
        return Timeliness.CANCELLED
    return Timeliness.MISSED if now > due_at + on_time_within else Timeliness.PENDING


def late_by(due_at: dt.datetime, started_at: dt.datetime | None) -> dt.timedelta | None:
    """How long after its due time a check was started (zero when started early)."""
    if started_at is None:
        return None
    return max(started_at - due_at, dt.timedelta())


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` quantile by linear interpolation between order statistics (the
    "inclusive" method: defined for one value, and the median of two is their mean)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
