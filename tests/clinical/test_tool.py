"""Which tool: ICE from the 12th birthday on, CAPD before (bot/clinical/README.md section 3)."""

from __future__ import annotations

import datetime

import pytest

from bot.clinical import ICE_MIN_AGE_YEARS, Tool, age_on, select_tool, tool_for_age

day = datetime.date


def test_cut_off_is_twelve() -> None:
    assert ICE_MIN_AGE_YEARS == 12


@pytest.mark.parametrize(
    ("date_of_birth", "on", "age"),
    [
        pytest.param(day(2012, 6, 15), day(2024, 6, 14), 11, id="day before 12th birthday -> 11"),
        pytest.param(day(2012, 6, 15), day(2024, 6, 15), 12, id="on 12th birthday -> 12"),
        pytest.param(day(2012, 6, 15), day(2024, 6, 16), 12, id="day after 12th birthday -> 12"),
        pytest.param(
            day(2012, 12, 31), day(2024, 12, 30), 11, id="New Year's Eve baby, day before"
        ),
        pytest.param(day(2013, 1, 1), day(2025, 1, 1), 12, id="New Year's Day baby, on birthday"),
        pytest.param(
            day(2012, 2, 29), day(2024, 2, 28), 11, id="29 Feb baby, 28 Feb of leap year 12"
        ),
        pytest.param(
            day(2012, 2, 29), day(2024, 2, 29), 12, id="29 Feb baby, 12th birthday exists"
        ),
        pytest.param(
            day(2088, 2, 29), day(2100, 2, 27), 11, id="29 Feb baby, 2100 not leap, 27 Feb -> 11"
        ),
        pytest.param(
            day(2088, 2, 29), day(2100, 2, 28), 12, id="29 Feb baby, 2100 not leap, 28 Feb -> 12"
        ),
        pytest.param(day(2088, 2, 29), day(2100, 3, 1), 12, id="29 Feb baby, 2100, 1 Mar -> 12"),
        pytest.param(
            day(2012, 2, 29), day(2023, 2, 28), 11, id="29 Feb baby, common year, 28 Feb -> 11"
        ),
        pytest.param(
            day(2012, 2, 29), day(2023, 2, 27), 10, id="29 Feb baby, common year, 27 Feb -> 10"
        ),
        pytest.param(day(2024, 5, 1), day(2024, 5, 1), 0, id="newborn on the day of birth -> 0"),
    ],
)
def test_age_on(date_of_birth: datetime.date, on: datetime.date, age: int) -> None:
    assert age_on(date_of_birth, on) == age


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(day(2020, 1, 2), day(2020, 1, 1))


@pytest.mark.parametrize(
    ("age", "delay", "tool"),
    [
        pytest.param(0, False, Tool.CAPD, id="age 0 -> CAPD"),
        pytest.param(11, False, Tool.CAPD, id="age 11 -> CAPD"),
        pytest.param(12, False, Tool.ICE, id="age 12 -> ICE"),
        pytest.param(80, False, Tool.ICE, id="age 80 -> ICE"),
        pytest.param(30, True, Tool.CAPD, id="age 30 with developmental delay -> CAPD"),
        pytest.param(12, True, Tool.CAPD, id="age 12 with developmental delay -> CAPD"),
        pytest.param(5, True, Tool.CAPD, id="age 5 with developmental delay -> CAPD"),
    ],
)
def test_tool_for_age(age: int, delay: bool, tool: Tool) -> None:
    assert tool_for_age(age, developmental_delay=delay) is tool


@pytest.mark.parametrize(
    ("on", "tool"),
    [
        pytest.param(day(2024, 6, 14), Tool.CAPD, id="assessed the day before the 12th birthday"),
        pytest.param(day(2024, 6, 15), Tool.ICE, id="assessed on the 12th birthday"),
    ],
)
def test_select_tool_from_date_of_birth(on: datetime.date, tool: Tool) -> None:
    assert select_tool(on=on, date_of_birth=day(2012, 6, 15)) is tool


def test_select_tool_prefers_date_of_birth_over_a_stale_age() -> None:
    tool = select_tool(on=day(2024, 6, 15), date_of_birth=day(2012, 6, 15), age_years=11)
    assert tool is Tool.ICE


def test_select_tool_override_wins() -> None:
    assert select_tool(on=day(2024, 1, 1), age_years=40, override=Tool.CAPD) is Tool.CAPD
    assert select_tool(on=day(2024, 1, 1), age_years=8, override=Tool.ICE) is Tool.ICE


def test_select_tool_developmental_delay() -> None:
    tool = select_tool(on=day(2024, 1, 1), age_years=40, developmental_delay=True)
    assert tool is Tool.CAPD


def test_select_tool_needs_an_age() -> None:
    with pytest.raises(ValueError, match="date of birth"):
        select_tool(on=day(2024, 1, 1))


def test_negative_age_is_an_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        tool_for_age(-1)
