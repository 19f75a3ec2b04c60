"""The laboratory file parser, on text alone: rows, and every problem worded as the command
line prints it (``line N: reason``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.clinical.labs import LabTest
from bot.services.labs_csv import LabRow, parse_labs
from bot.telegram.words.files import problem_line

BERLIN = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC)  # 07:00 in Berlin
HEADER = "ward,label,test,value,unit,sampled_at"
GOOD = "H7,Bed 4,CRP,4.2,mg/dL,2026-11-24 06:30"


def parse(text: str) -> tuple[list[LabRow], list[str]]:
    parsed = parse_labs(text, zone=BERLIN, now=NOW)
    return list(parsed.rows), [problem_line(problem) for problem in parsed.problems]


def test_a_valid_file_gives_every_value_in_its_canonical_unit() -> None:
    rows, problems = parse(f"{HEADER}\nh7,Bed 4,IL-6,850,pg/mL,2026-11-24 06:30\n\n{GOOD}\n")
    assert problems == []
    assert [(r.line, r.ward_code, r.value.test, r.value.value) for r in rows] == [
        (2, "H7", LabTest.IL6, 850.0),
        (4, "H7", LabTest.CRP, 42.0),
    ]
    assert rows[0].sampled_at == dt.datetime(2026, 11, 24, 5, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (",Bed 4,CRP,4.2,mg/L,2026-11-24 06:30", "line 3: the ward is empty"),
        ("H7,,CRP,4.2,mg/L,2026-11-24 06:30", "line 3: the label is empty"),
        ("H7,Bed 4,CRP,4.2,mg/L,2026-11-24 09:00", "line 3: sampled_at: '2026-11-24 09:00' is in"),
        ("H7,Bed 4,CRP,4.2,mg/L,soon", "line 3: sampled_at: 'soon' is not a time"),
        ("H7,Bed 4,CRP,lots,mg/L,2026-11-24 06:30", "line 3: 'lots' is not a number"),
        ("H7,Bed 4,CRP,4.2", "line 3: expected 6 fields, found 4"),
    ],
)
def test_each_bad_line_is_named_with_its_reason(line: str, problem: str) -> None:
    rows, problems = parse(f"{HEADER}\n{GOOD}\n{line}\n{GOOD}\n")
    assert len(problems) == 1 and problems[0].startswith(problem), problems
    assert [r.line for r in rows] == [2, 4]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", f"line 1: the header must be {HEADER}, not ''"),
        ("ward,label,test,value,unit\n", f"line 1: the header must be {HEADER}, not 'ward,"),
        (f"{HEADER},colour\n", "line 1: the header must be"),
        (f"{HEADER}\n", "line 1: no values in the file, only the header"),
        (f"{HEADER}\n\n,,,,,\n", "line 3: no values in the file, only the header"),
    ],
)
def test_a_file_that_is_not_a_lab_export(text: str, problem: str) -> None:
    rows, problems = parse(text)
    assert rows == [] and len(problems) == 1 and problems[0].startswith(problem), problems
