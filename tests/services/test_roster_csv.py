"""The roster file parser, on text alone: rows, and every problem with its line number."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.roster_csv import RosterRow, parse_roster, parse_yes_no
from bot.telegram.words.files import problem_line
from storage.models import Duty

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)  # 07:00 in Berlin
HEADER = "ward,duty,telegram_id,start,end,override"


def parse(text: str) -> tuple[list[RosterRow], list[str]]:
    """The rows, and the problems as the command line words them."""
    parsed = parse_roster(text, zone=BERLIN, now=NOW)
    return list(parsed.rows), [problem_line(problem) for problem in parsed.problems]


def utc(hour: int, day: int = 24) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=dt.UTC)


def test_a_valid_file_gives_every_row_in_utc() -> None:
    rows, errors = parse(
        f"{HEADER}\n"
        "h7,primary,700001,2026-11-24 08:00,2026-11-24 20:00,\n"
        "H7,Backup,700002,24.11.2026 08:00,24.11.2026 20:00,no\n"
        "\n"
        "H8,attending,700003,now,2026-11-26 08:00,yes\n"
    )
    assert errors == []
    assert rows == [
        RosterRow(2, "H7", Duty.PRIMARY, 700001, utc(7), utc(19), False),
        RosterRow(3, "H7", Duty.BACKUP, 700002, utc(7), utc(19), False),
        RosterRow(5, "H8", Duty.ATTENDING, 700003, NOW, utc(7, 26), True),
    ]


def test_columns_by_name_in_any_order_and_override_optional() -> None:
    text = (
        "\ufeffStart, End ,Telegram_ID,Duty,Ward\n2026-11-24 08:00,2026-11-24 20:00,5,primary,H7\n"
    )
    rows, errors = parse(text)
    assert errors == []
    assert rows == [RosterRow(2, "H7", Duty.PRIMARY, 5, utc(7), utc(19), False)]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("H7,nurse,5,2026-11-24 08:00,2026-11-24 20:00,", "'nurse' is not an on-call duty"),
        ("H7,primary,abc,2026-11-24 08:00,2026-11-24 20:00,", "telegram_id must be a number"),
        ("H7,primary,-5,2026-11-24 08:00,2026-11-24 20:00,", "telegram_id must be a number"),
        (",primary,5,2026-11-24 08:00,2026-11-24 20:00,", "the ward is empty"),
        ("H7,primary,5,tomorrow,2026-11-24 20:00,", "start: 'tomorrow' is not a time"),
        ("H7,primary,5,2026-11-24 08:00,2026-11-31 20:00,", "end: '2026-11-31 20:00' is not a"),
        ("H7,primary,5,2026-11-24 20:00,2026-11-24 08:00,", "must end after it starts"),
        ("H7,primary,5,2026-11-24 08:00,2026-11-24 08:00,", "must end after it starts"),
        ("H7,primary,5,2026-11-24 08:00,2026-11-27 08:01,", "at most 72 hours"),
        ("H7,primary,5,2026-11-23 08:00,2026-11-24 07:00,", "it is over"),
        ("H7,primary,5,2026-11-24 08:00,2026-11-24 20:00,maybe", "override must be yes or no"),
        ("H7,primary,5,2026-11-24 08:00", "expected 6 fields, found 4"),
        ("H7,primary,5,2026-11-24 08:00,2026-11-24 20:00,no,x", "expected 6 fields, found 7"),
    ],
)
def test_each_bad_line_is_named_with_its_reason(line: str, problem: str) -> None:
    good = "H7,primary,5,2026-11-24 08:00,2026-11-24 20:00,"
    rows, errors = parse(f"{HEADER}\n{good}\n{line}\n{good}\n")
    assert len(errors) == 1, errors
    assert errors[0].startswith("line 3: ") and problem in errors[0], errors[0]
    assert [r.line for r in rows] == [2, 4]


def test_boundaries_that_are_fine() -> None:
    rows, errors = parse(
        f"{HEADER}\n"
        "H7,primary,5,2026-11-24 08:00,2026-11-27 08:00,\n"  # exactly 72 hours
        "H7,backup,5,2026-11-23 08:00,2026-11-24 07:01,1\n"  # began yesterday, not over yet
    )
    assert errors == [] and len(rows) == 2 and rows[1].override


def test_every_problem_of_a_line_is_reported() -> None:
    _, errors = parse(f"{HEADER}\nH7,chief,x,soon,later,perhaps\n")
    assert errors == [
        "line 2: 'chief' is not an on-call duty: primary, backup, attending.",
        "line 2: the telegram_id must be a number, not 'x'",
        errors[2],
        errors[3],
        "line 2: override must be yes or no, not 'perhaps'",
    ]
    assert errors[2].startswith("line 2: start: 'soon' is not a time")
    assert errors[3].startswith("line 2: end: 'later' is not a time")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "line 1: the file is empty: the first line must be ward,duty,telegram_id,start,"),
        ("ward;duty;telegram_id;start;end\n", "line 1: the header must be"),
        ("ward,duty,telegram_id,start\n", "line 1: the header must be"),
        ("ward,duty,telegram_id,start,end,colour\n", "line 1: the header must be"),
        ("ward,duty,duty,telegram_id,start,end\n", "line 1: the header must be"),
        (f"{HEADER}\n", "line 1: no shifts in the file, only the header"),
        (f"{HEADER}\n\n,,,,,\n", "line 3: no shifts in the file, only the header"),
    ],
)
def test_a_file_that_is_not_a_roster(text: str, problem: str) -> None:
    rows, errors = parse(text)
    assert rows == [] and len(errors) == 1 and errors[0].startswith(problem), errors


def test_quoted_fields_are_read_as_spreadsheets_write_them() -> None:
    rows, errors = parse(f'{HEADER}\n"H7",primary,5,"2026-11-24 08:00","2026-11-24 20:00",""\n')
    assert errors == [] and rows[0].ward_code == "H7"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("YES", True),
        ("true", True),
        ("1", True),
        (" no ", False),
        ("false", False),
        ("0", False),
        ("", False),
        ("y", None),
        ("2", None),
    ],
)
def test_yes_no(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected
