"""Laboratory values as a CSV file: parsed from its text alone, no database, no clock beyond
``now`` (a sample cannot be taken in the future).

``neurocheck labs import FILE.csv`` takes a laboratory system's export::

    ward,label,test,value,unit,sampled_at
    H7,Bed 4,IL-6,850,pg/mL,2026-11-24 06:30
    H7,Bed 4,CRP,4.2,mg/dL,2026-11-24 06:30

The columns are found by name (any order, any case). Times are written as for
``neurocheck duty add``, in the hospital's zone. Every problem is reported with its line
number, all at once, as the rota import does; the service then checks the wards and patients.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from bot.clinical.labs import LabInputError, LabValue, normalise, parse_test
from bot.services.localtime import TimeInputError, parse_local_time

COLUMNS: Final = ("ward", "label", "test", "value", "unit", "sampled_at")
HEADER_TEXT: Final = ",".join(COLUMNS)
FUTURE_SLACK: Final = dt.timedelta(minutes=5)  # clocks of two systems differ a little


@dataclass(frozen=True)
class LabRow:
    line: int
    ward_code: str
    label: str
    value: LabValue
    sampled_at: dt.datetime


@dataclass(frozen=True)
class ParsedLabs:
    rows: tuple[LabRow, ...]
    errors: tuple[str, ...]
    """``line N: reason``, in file order; when not empty, ``rows`` must not be applied."""


def parse_labs(text: str, *, zone: ZoneInfo, now: dt.datetime) -> ParsedLabs:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    names = [cell.strip().lower() for cell in header or []]
    if sorted(names) != sorted(COLUMNS):
        found = ",".join(header or [])
        return ParsedLabs((), (f"line 1: the header must be {HEADER_TEXT}, not {found!r}",))
    columns = {name: names.index(name) for name in names}
    rows: list[LabRow] = []
    errors: list[str] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        row, problems = _row(reader.line_num, cells, columns, zone, now)
        errors += [f"line {reader.line_num}: {p}" for p in problems]
        if row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append(f"line {reader.line_num or 1}: no values in the file, only the header")
    return ParsedLabs(tuple(rows), tuple(errors))


def _row(
    line: int, cells: Sequence[str], columns: dict[str, int], zone: ZoneInfo, now: dt.datetime
) -> tuple[LabRow | None, list[str]]:
    if len(cells) != len(columns):
        return None, [f"expected {len(columns)} fields, found {len(cells)}"]
    value = {name: cells[index].strip() for name, index in columns.items()}
    problems = [f"the {name} is empty" for name in ("ward", "label") if not value[name]]
    lab: LabValue | None = None
    try:
        lab = normalise(parse_test(value["test"]), value["value"], value["unit"] or None)
    except LabInputError as error:
        problems.append(str(error))
    sampled = sample_time(value["sampled_at"], zone, now, problems)
    if problems or lab is None or sampled is None:
        return None, problems
    return LabRow(line, value["ward"].upper(), value["label"], lab, sampled), problems


def sample_time(
    text: str, zone: ZoneInfo, now: dt.datetime, problems: list[str]
) -> dt.datetime | None:
    """A sample time in the hospital's zone, not in the future; a problem otherwise."""
    try:
        at = parse_local_time(text, zone, now)
    except TimeInputError as error:
        problems.append(f"sampled_at: {error.message}")
        return None
    if at > now + FUTURE_SLACK:
        problems.append(f"sampled_at: {text.strip()!r} is in the future")
        return None
    return at
