"""On time, late, missed, pending, cancelled; and the percentiles of the quality summary."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clinical.quality import Timeliness, late_by, percentile, timeliness

DUE = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
GRACE = dt.timedelta(minutes=15)


def judged(
    started: dt.datetime | None, *, cancelled: bool = False, now_after: int = 120
) -> Timeliness:
    now = DUE + dt.timedelta(minutes=now_after)
    return timeliness(
        due_at=DUE, started_at=started, cancelled=cancelled, on_time_within=GRACE, now=now
    )


def test_started_by_the_first_reminder_is_on_time_and_after_it_late() -> None:
    assert judged(DUE - dt.timedelta(minutes=30)) is Timeliness.ON_TIME
    assert judged(DUE + GRACE) is Timeliness.ON_TIME
    assert judged(DUE + GRACE + dt.timedelta(seconds=1)) is Timeliness.LATE


def test_never_started_is_missed_once_the_grace_has_passed() -> None:
    assert judged(None, now_after=15) is Timeliness.PENDING
    assert judged(None, now_after=16) is Timeliness.MISSED
    assert judged(None, cancelled=True) is Timeliness.CANCELLED
    assert judged(DUE, cancelled=True) is Timeliness.ON_TIME, "a start counts, whatever followed"


def test_late_by_is_never_negative() -> None:
    assert late_by(DUE, None) is None
    assert late_by(DUE, DUE - dt.timedelta(minutes=5)) == dt.timedelta()
    assert late_by(DUE, DUE + dt.timedelta(minutes=20)) == dt.timedelta(minutes=20)


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([4.0], 0.9, 4.0),
        ([1.0, 3.0], 0.5, 2.0),
        ([5.0, 1.0, 3.0], 0.5, 3.0),
        ([float(n) for n in range(1, 11)], 0.9, 9.1),
        ([float(n) for n in range(1, 11)], 1.0, 10.0),
    ],
)
def test_percentiles_interpolate_between_order_statistics(
    values: list[float], fraction: float, expected: float | None
) -> None:
    found = percentile(values, fraction)
    assert found == (None if expected is None else pytest.approx(expected))
