"""The on-call roster as a CSV file: parsed from its text alone, no database, no clock.

Rotas are drawn up in spreadsheets; ``neurocheck oncall import FILE.csv`` takes one export::

    ward,duty,telegram_id,start,end,override
    H7,primary,700001,2026-11-24 08:00,2026-11-24 20:00,
    H7,backup,700002,24.11.2026 08:00,24.11.2026 20:00,no

The columns are found by name (any order, any case); ``override`` may be left out. Times are
written as for ``neurocheck duty add``, in the hospital's zone. Every problem is reported with
its line number, all at once, so that a file is fixed in one round rather than one error at a
time; the service then checks what needs the database (wards, people, overlaps).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from bot.services.errors import RefusedError
from bot.services.localtime import TimeInputError, parse_local_time
from bot.services.shifts import check_span, parse_duty
from storage.models import Duty

REQUIRED: Final = ("ward", "duty", "telegram_id", "start", "end")
OPTIONAL: Final = ("override",)
HEADER_TEXT: Final = ",".join(REQUIRED) + "[," + ",".join(OPTIONAL) + "]"
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


@dataclass(frozen=True)
class LineRefused:
    """A shared rule's refusal on one line; the adapter words it as ``line N: words``."""

    line: int
    refused: RefusedError


@dataclass(frozen=True)
class ParsedRoster:
    rows: tuple[RosterRow, ...]
    errors: tuple[str | LineRefused, ...]
    """``line N: reason`` (or a rule's refusal), in file order; when not empty, ``rows`` must
    not be applied."""


def parse_roster(text: str, *, zone: ZoneInfo, now: dt.datetime) -> ParsedRoster:
    """Every row of the file, or every problem in it (``now`` is for ``now`` and "is over")."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    columns, problem = _columns(header)
    if problem:
        return ParsedRoster((), (f"line 1: {problem}",))
    rows: list[RosterRow] = []
    errors: list[str | LineRefused] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines between blocks of a rota are harmless
        row, problems = _row(reader.line_num, cells, columns, zone, now)
        errors += [
            LineRefused(reader.line_num, p)
            if isinstance(p, RefusedError)
            else f"line {reader.line_num}: {p}"
            for p in problems
        ]
        if row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append(f"line {reader.line_num or 1}: no shifts in the file, only the header")
    return ParsedRoster(tuple(rows), tuple(errors))


def parse_yes_no(text: str) -> bool | None:
    """``override``'s column: yes/no, true/false, 1/0 or empty (no); None when unclear."""
    word = text.strip().lower()
    return True if word in YES else False if word in NO else None


def _columns(header: Sequence[str] | None) -> tuple[dict[str, int], str | None]:
    """Where each column is; or why the first line is not the header."""
    if header is None:
        return {}, f"the file is empty: the first line must be {HEADER_TEXT}"
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in REQUIRED if name not in names]
    unknown = [name for name in names if name not in REQUIRED + OPTIONAL]
    doubled = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or doubled:
        found = ",".join(header)
        return {}, f"the header must be {HEADER_TEXT}, not {found!r}"
    return {name: names.index(name) for name in names}, None


def _row(
    line: int, cells: Sequence[str], columns: dict[str, int], zone: ZoneInfo, now: dt.datetime
) -> tuple[RosterRow | None, list[str | RefusedError]]:
    """One line: the row, or every reason it is not one."""
    if len(cells) != len(columns):
        return None, [f"expected {len(columns)} fields, found {len(cells)}"]
    value = {name: cells[index].strip() for name, index in columns.items()}
    problems: list[str | RefusedError] = []
    if not value["ward"]:
        problems.append("the ward is empty")
    duty = _checked(problems, lambda: parse_duty(value["duty"]))
    telegram_id = _telegram_id(value["telegram_id"], problems)
    start = _time("start", value["start"], zone, now, problems)
    end = _time("end", value["end"], zone, now, problems)
    override = parse_yes_no(value.get("override", ""))
    if override is None:
        problems.append(f"override must be yes or no, not {value['override']!r}")
    if start is not None and end is not None:
        _checked(problems, lambda: check_span(start, end, now, zone))
    if problems or duty is None or telegram_id is None or start is None or end is None:
        return None, problems
    return RosterRow(
        line, value["ward"].upper(), duty, telegram_id, start, end, bool(override)
    ), problems


def _checked(problems: list[str | RefusedError], check: Callable[[], T]) -> T | None:
    """Run one of the shared rules; its refusal becomes a problem of this line."""
    try:
        return check()
    except RefusedError as refused:
        problems.append(refused)
        return None


def _telegram_id(text: str, problems: list[str | RefusedError]) -> int | None:
    if text.isdecimal() and len(text) <= 19:
        return int(text)
    problems.append(f"the telegram_id must be a number, not {text!r}")
    return None


def _time(
    name: str, text: str, zone: ZoneInfo, now: dt.datetime, problems: list[str | RefusedError]
) -> dt.datetime | None:
    try:
        return parse_local_time(text, zone, now)
    except TimeInputError as error:
        problems.append(f"{name}: {error.message}")
        return None
