"""Laboratory values as a CSV file: parsed from its text alone, no database, no clock beyond
``now`` (a sample cannot be taken in the future).

``neurocheck labs import FILE.csv`` takes a laboratory system's export::

    ward,label,test,value,unit,sampled_at
    H7,Bed 4,IL-6,850,pg/mL,2026-11-24 06:30
    H7,Bed 4,CRP,4.2,mg/dL,2026-11-24 06:30

The columns are found by name (any order, any case). Times are written as for
``neurocheck duty add``, in the hospital's zone. Every problem is reported with its line
number, all at once, as the rota import does (``bot.services.csv_import``); the service then
checks the wards and patients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from bot.clinical.labs import LabInputError, LabValue, normalise, parse_test
from bot.services import csv_import
from bot.services.csv_import import LineProblem, Parsed, Row
from bot.services.errors import RefusalCode, RefusedError
from bot.services.lab_refusals import refused
from bot.services.localtime import TimeInputError, parse_local_time

FUTURE_SLACK: Final = dt.timedelta(minutes=5)  # clocks of two systems differ a little


class LabFileRefusal(RefusalCode):
    NO_VALUES = "lab_file.no_values"
    """A file with its header only."""
    FUTURE = "lab_file.future"
    """A sample time after now (facts: ``text``, as written)."""
    NO_WARD = "lab_file.no_ward"
    """A line naming a ward that does not exist (facts: ``ward``)."""
    NO_PATIENT = "lab_file.no_patient"
    """A line naming no admitted patient of the ward (facts: ``label``, ``ward``)."""


SPEC: Final = csv_import.FileSpec(
    required=("ward", "label", "test", "value", "unit", "sampled_at"),
    no_rows=LabFileRefusal.NO_VALUES,
    empty_is_named=False,
)
COLUMNS: Final = SPEC.required
HEADER_TEXT: Final = SPEC.header


@dataclass(frozen=True)
class LabRow:
    line: int
    ward_code: str
    label: str
    value: LabValue
    sampled_at: dt.datetime


def parse_labs(text: str, *, zone: ZoneInfo, now: dt.datetime) -> Parsed[LabRow]:
    def read_row(row: Row, problems: list[LineProblem], line: int) -> LabRow | None:
        return _row(row, problems, line, zone, now)

    return csv_import.read(text, SPEC, read_row)


def _row(
    value: Row, problems: list[LineProblem], line: int, zone: ZoneInfo, now: dt.datetime
) -> LabRow | None:
    csv_import.empty_cells(value, ("ward", "label"), problems, line)
    lab: LabValue | None = None
    try:
        lab = normalise(parse_test(value["test"]), value["value"], value["unit"] or None)
    except LabInputError as error:
        problems.append(LineProblem(line, refused(error)))
    sampled = sample_time(value["sampled_at"], zone, now)
    if isinstance(sampled, RefusedError):
        problems.append(LineProblem(line, sampled, column="sampled_at"))
        return None
    if problems or lab is None:
        return None
    return LabRow(line, value["ward"].upper(), value["label"], lab, sampled)


def sample_time(text: str, zone: ZoneInfo, now: dt.datetime) -> dt.datetime | RefusedError:
    """A sample time in the hospital's zone, not in the future; else why not (the refusal
    of the ``sampled_at`` column)."""
    try:
        at = parse_local_time(text, zone, now)
    except TimeInputError as error:
        return error
    if at > now + FUTURE_SLACK:
        return RefusedError(LabFileRefusal.FUTURE, text=text.strip())
    return at
