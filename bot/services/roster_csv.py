"""The on-call roster as a CSV file: parsed from its text alone, no database, no clock.

Rotas are drawn up in spreadsheets; ``neurocheck oncall import FILE.csv`` takes one export::

    ward,duty,telegram_id,start,end,override
    H7,primary,700001,2026-11-24 08:00,2026-11-24 20:00,
    H7,backup,700002,24.11.2026 08:00,24.11.2026 20:00,no

The columns are found by name (any order, any case); ``override`` may be left out. Times are
written as for ``neurocheck duty add``, in the hospital's zone. Every problem is reported with
its line number, all at once (``bot.services.csv_import``), so that a file is fixed in one
round rather than one error at a time; the service then checks what needs the database
(wards, people, overlaps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from bot.services import csv_import
from bot.services.csv_import import LineProblem, Parsed, Row
from bot.services.errors import RefusalCode, RefusedError
from bot.services.localtime import TimeInputError, parse_local_time
from bot.services.shifts import check_span, parse_duty
from storage.models import Duty


class RotaFileRefusal(RefusalCode):
    NO_SHIFTS = "rota_file.no_shifts"
    """A file with its header only."""
    TELEGRAM_ID = "rota_file.telegram_id"
    """A telegram_id that is not a number (facts: ``text``, as written)."""
    OVERRIDE = "rota_file.override"
    """An override that is neither yes nor no (facts: ``text``, as written)."""


SPEC: Final = csv_import.FileSpec(
    required=("ward", "duty", "telegram_id", "start", "end"),
    optional=("override",),
    no_rows=RotaFileRefusal.NO_SHIFTS,
)
REQUIRED: Final = SPEC.required
OPTIONAL: Final = SPEC.optional
HEADER_TEXT: Final = SPEC.header
YES: Final = frozenset({"yes", "true", "1"})
NO: Final = frozenset({"no", "false", "0", ""})
T = TypeVar("T")


@dataclass(frozen=True)
class RosterRow:
    """One valid line of the file: a physician's on-call period, times in UTC."""

    line: int
    ward_code: str
    duty: Duty
    telegram_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    override: bool


def parse_roster(text: str, *, zone: ZoneInfo, now: dt.datetime) -> Parsed[RosterRow]:
    """Every row of the file, or every problem in it (``now`` is for ``now`` and "is over")."""

    def read_row(row: Row, problems: list[LineProblem], line: int) -> RosterRow | None:
        return _row(row, problems, line, zone, now)

    return csv_import.read(text, SPEC, read_row)


def parse_yes_no(text: str) -> bool | None:
    """``override``'s column: yes/no, true/false, 1/0 or empty (no); None when unclear."""
    word = text.strip().lower()
    return True if word in YES else False if word in NO else None


def _row(
    value: Row, problems: list[LineProblem], line: int, zone: ZoneInfo, now: dt.datetime
) -> RosterRow | None:
    """One line: the row, or None and every reason it is not one in ``problems``."""
    csv_import.empty_cells(value, ("ward",), problems, line)
    duty = _checked(problems, line, lambda: parse_duty(value["duty"]))
    telegram_id = _telegram_id(value["telegram_id"], problems, line)
    start = _time("start", value["start"], zone, now, problems, line)
    end = _time("end", value["end"], zone, now, problems, line)
    override = parse_yes_no(value.get("override", ""))
    if override is None:
        refusal = RefusedError(RotaFileRefusal.OVERRIDE, text=value["override"])
        problems.append(LineProblem(line, refusal))
    if start is not None and end is not None:
        _checked(problems, line, lambda: check_span(start, end, now, zone))
    if problems or duty is None or telegram_id is None or start is None or end is None:
        return None
    return RosterRow(line, value["ward"].upper(), duty, telegram_id, start, end, bool(override))


def _checked(problems: list[LineProblem], line: int, check: Callable[[], T]) -> T | None:
    """Run one of the shared rules; its refusal becomes a problem of this line."""
    try:
        return check()
    except RefusedError as error:
        problems.append(LineProblem(line, error))
        return None


def _telegram_id(text: str, problems: list[LineProblem], line: int) -> int | None:
    if text.isdecimal() and len(text) <= 19:
        return int(text)
    problems.append(LineProblem(line, RefusedError(RotaFileRefusal.TELEGRAM_ID, text=text)))
    return None


def _time(
    name: str,
    text: str,
    zone: ZoneInfo,
    now: dt.datetime,
    problems: list[LineProblem],
    line: int,
) -> dt.datetime | None:
    try:
        return parse_local_time(text, zone, now)
    except TimeInputError as error:  # a time.* refusal
        problems.append(LineProblem(line, error, column=name))
        return None
