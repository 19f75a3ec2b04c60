"""Coverage of a period by shifts: where nobody is on call.

A ward with a patient on blinatumomab needs a physician to escalate to at every moment; the
rota is a set of half-open spans ``[start, end)``, so a shift ending at 20:00 and the next
starting at 20:00 leave no gap. Pure: the shifts and the time are handed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

Span = tuple[dt.datetime, dt.datetime]


def coverage_gaps(shifts: Sequence[Span], now: dt.datetime, horizon: dt.timedelta) -> list[Span]:
    """The stretches of ``[now, now + horizon)`` that no shift covers, in time order.

    Overlapping and touching shifts join; empty or reversed shifts cover nothing; a gap is
    clipped to the window, so one reaching ``now + horizon`` may go on beyond it.
    """
    window_end = now + horizon
    gaps: list[Span] = []
    cursor = now  # everything before it is covered or already reported
    for start, end in sorted(s for s in shifts if s[0] < s[1]):
        if end <= cursor:
            continue
        if start >= window_end:
            break
        if start > cursor:
            gaps.append((cursor, start))
        cursor = end
    if cursor < window_end:
        gaps.append((cursor, window_end))
    return gaps
