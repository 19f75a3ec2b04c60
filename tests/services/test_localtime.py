"""Times as people type them, in the hospital's zone, across both clock changes of 2026."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.localtime import TimeInputError, local_instants, offset_text, parse_local_time
from bot.telegram.words import refusal

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-24 09:00", utc(2026, 11, 24, 8, 0)),
        ("24.11.2026 09:00", utc(2026, 11, 24, 8, 0)),
        ("2026-11-24T09:00", utc(2026, 11, 24, 8, 0)),
        ("  2026-7-1   9:05 ", utc(2026, 7, 1, 7, 5)),  # summer time: UTC+2
        ("now", NOW),
        ("NOW", NOW),
        # the autumn overlap, settled by the offset
        ("2026-10-25 02:30 +02:00", utc(2026, 10, 25, 0, 30)),
        ("2026-10-25 02:30 +01:00", utc(2026, 10, 25, 1, 30)),
        ("25.10.2026 02:30+0100", utc(2026, 10, 25, 1, 30)),
        # just outside the changes
        ("2026-10-25 01:59", utc(2026, 10, 24, 23, 59)),
        ("2026-10-25 03:00", utc(2026, 10, 25, 2, 0)),
        ("2026-03-29 01:59", utc(2026, 3, 29, 0, 59)),
        ("2026-03-29 03:00", utc(2026, 3, 29, 1, 0)),
        # an offset the zone really has is accepted on any day
        ("2026-11-24 09:00 +01:00", utc(2026, 11, 24, 8, 0)),
    ],
)
def test_accepted(text: str, expected: dt.datetime) -> None:
    parsed = parse_local_time(text, BERLIN, NOW)
    assert parsed == expected and parsed.tzinfo is dt.UTC


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-03-29 02:00", "does not exist in Europe/Berlin"),
        ("2026-03-29 02:30", "does not exist in Europe/Berlin"),
        ("2026-03-29 02:30 +01:00", "does not exist"),
        ("2026-10-25 02:00", "happens twice in Europe/Berlin"),
        ("2026-10-25 02:59", "happens twice"),
        ("2026-11-24 09:00 +05:00", "is at UTC+01:00, not +05:00"),
        ("2026-10-25 02:30 Z", "is at UTC+02:00 or +01:00, not +00:00"),
        ("2026-02-30 09:00", "not a valid date"),
        ("2026-11-24 24:00", "not a valid date"),
        ("2026-11-24", "is not a time"),
        ("09:00", "is not a time"),
        ("tomorrow 9", "is not a time"),
    ],
)
def test_refused(text: str, words: str) -> None:
    with pytest.raises(TimeInputError) as refused:
        parse_local_time(text, BERLIN, NOW)
    assert words in refusal(refused.value)


def test_the_ambiguous_hint_names_both_offsets() -> None:
    with pytest.raises(TimeInputError) as refused:
        parse_local_time("25.10.2026 02:30", BERLIN, NOW)
    assert refusal(refused.value) == (
        "2026-10-25 02:30 happens twice in Europe/Berlin: the clocks go back that night. Say "
        "which one by adding its UTC offset: '2026-10-25 02:30 +02:00' (the first, before the "
        "change) or '2026-10-25 02:30 +01:00' (the second, after the change)."
    )


def test_utc_has_no_clock_changes() -> None:
    zone = ZoneInfo("UTC")
    assert parse_local_time("2026-03-29 02:30", zone, NOW) == utc(2026, 3, 29, 2, 30)
    assert parse_local_time("2026-11-24 09:00 Z", zone, NOW) == utc(2026, 11, 24, 9, 0)


@pytest.mark.parametrize(
    ("wall", "count"),
    [
        (dt.datetime(2026, 3, 29, 2, 30), 0),  # noqa: DTZ001
        (dt.datetime(2026, 10, 25, 2, 30), 2),  # noqa: DTZ001
        (dt.datetime(2026, 6, 1, 12, 0), 1),  # noqa: DTZ001
    ],
)
def test_local_instants(wall: dt.datetime, count: int) -> None:
    instants = local_instants(wall, BERLIN)
    assert len(instants) == count
    assert instants == sorted(instants, key=lambda i: i.astimezone(dt.UTC))


@pytest.mark.parametrize(
    ("offset", "text"),
    [
        (dt.timedelta(hours=1), "+01:00"),
        (dt.timedelta(hours=-3, minutes=-30), "-03:30"),
        (dt.timedelta(hours=5, minutes=45), "+05:45"),
        (None, "+00:00"),
    ],
)
def test_offset_text(offset: dt.timedelta | None, text: str) -> None:
    assert offset_text(offset) == text
