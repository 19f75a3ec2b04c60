"""``coverage_gaps``: one row per rule and boundary of the half-open shifts and the window."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clinical.coverage import Span, coverage_gaps

NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(hours=12)


def at(hours: float) -> dt.datetime:
    return NOW + dt.timedelta(hours=hours)


def spans(*pairs: tuple[float, float]) -> list[Span]:
    return [(at(a), at(b)) for a, b in pairs]


CASES: list[tuple[str, list[tuple[float, float]], list[tuple[float, float]]]] = [
    ("no shifts: the whole window", [], [(0, 12)]),
    ("one shift covers it all", [(-1, 13)], []),
    ("exactly the window", [(0, 12)], []),
    ("end == start joins", [(0, 4), (4, 12)], []),
    ("a minute apart is a gap", [(0, 4), (4 + 1 / 60, 12)], [(4, 4 + 1 / 60)]),
    ("overlapping shifts join", [(0, 6), (5, 12)], []),
    ("contained shift changes nothing", [(0, 12), (2, 3)], []),
    ("given out of order", [(6, 12), (0, 6)], []),
    ("gap at the start", [(2, 12)], [(0, 2)]),
    ("gap at the end", [(0, 10)], [(10, 12)]),
    ("gap in the middle", [(0, 4), (6, 12)], [(4, 6)]),
    ("two gaps", [(1, 4), (6, 11)], [(0, 1), (4, 6), (11, 12)]),
    ("shift ended exactly now", [(-12, 0)], [(0, 12)]),
    ("shift starts exactly at the horizon", [(-1, 4), (12, 24)], [(4, 12)]),
    ("shift ends exactly at the horizon", [(-1, 12)], []),
    ("shift beyond the horizon only", [(13, 20)], [(0, 12)]),
    ("empty shift covers nothing", [(0, 0), (3, 3)], [(0, 12)]),
    ("reversed shift covers nothing", [(12, 0)], [(0, 12)]),
    ("past shifts ignored", [(-10, -5)], [(0, 12)]),
]


@pytest.mark.parametrize(
    ("shifts", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_coverage_gaps(
    shifts: list[tuple[float, float]], expected: list[tuple[float, float]]
) -> None:
    assert coverage_gaps(spans(*shifts), NOW, HORIZON) == spans(*expected)


def test_an_empty_window_has_no_gap() -> None:
    assert coverage_gaps([], NOW, dt.timedelta(0)) == []


def test_result_is_clipped_and_in_time_order() -> None:
    gaps = coverage_gaps(spans((3, 5), (-2, 1), (8, 30)), NOW, HORIZON)
    assert gaps == spans((1, 3), (5, 8))
    assert all(NOW <= a < b <= at(12) for a, b in gaps)
