"""The CRS questions in the check conversation (pure state machine) and the ward switch."""

from __future__ import annotations

import pytest

from bot.clinical import Tool
from bot.services import flow, flow_crs
from bot.services.errors import RefusedError
from bot.services.flow_crs import TemperatureError, parse_temperature, temperature_buttons
from bot.services.wards import apply_setting_changes, effective_settings
from bot.telegram.words import refusal

ICANS_NORMAL = (
    "alert",
    *("year.c", "month.c", "city.c", "hospital.c", "done"),
    "n3",
    *("command.c", "writing.c", "attention.c", "done"),
    "none",
    "done",
    "done",
)


def answered(asks: bool, *actions: str) -> flow.FlowState:
    state = flow.start(Tool.ICE)
    if asks:
        state = flow.FlowState(state.step, state.tool, {**state.answers, "crs_ask": True})
    for action in (*ICANS_NORMAL, *actions):
        state = flow.apply(state, action).state
    return state


def test_the_crs_questions_follow_the_icans_domains_when_asked() -> None:
    assert answered(True).step == flow_crs.TEMPERATURE
    assert answered(False).step == flow.NOTE
    state = answered(True, "t38.5", "one_vasopressor", "none", "no")
    assert state.step == flow.NOTE
    assert state.answers["crs"] == {
        "temperature": 38.5,
        "pressure": "one_vasopressor",
        "oxygen": "none",
        "treated": "no",
    }
    rows = {r.item: r.value for r in flow.answered_items(state.answers, Tool.ICE)}
    assert rows["temperature"] == "38.5" and rows["pressure"] == "one_vasopressor"


@pytest.mark.parametrize("action", ["t45.0", "t33.9", "tnan", "xyz", "comfort"])
def test_a_forged_or_impossible_answer_is_refused(action: str) -> None:
    with pytest.raises(flow.InvalidActionError):
        flow.apply(answered(True), action)


def test_comfort_oxygen_is_not_offered_at_the_bedside() -> None:
    state = answered(True, "t37.0", "none")
    with pytest.raises(flow.InvalidActionError):
        flow.apply(state, "comfort")


def test_type_it_changes_nothing_and_says_how() -> None:
    outcome = flow.apply(answered(True), flow_crs.TYPE_IT)
    assert outcome.state.step == flow_crs.TEMPERATURE and "38.4" in (outcome.message or "")


def test_back_and_edit_reach_the_crs_questions() -> None:
    state = answered(True, "t37.0", "none", "none", "no", "skip")
    assert flow.apply(state, "back").state.step == flow.NOTE
    assert "go.oxygen" not in flow.editable_steps(state.answers, Tool.ICE)
    assert flow_crs.OXYGEN in flow.editable_steps(state.answers, Tool.ICE)
    edit = flow.apply(flow.apply(state, "edit").state, "go.oxygen").state
    done = flow.apply(edit, "high_flow").state
    assert done.step == flow.SUMMARY and done.answers["crs"]["oxygen"] == "high_flow"


@pytest.mark.parametrize(
    ("text", "value"), [("38.4", 38.4), ("38,4", 38.4), (" 37 C ", 37.0), ("36.85", 36.9)]
)
def test_typed_temperatures(text: str, value: float) -> None:
    assert parse_temperature(text) == value


@pytest.mark.parametrize("text", ["", "hot", "100.4", "33.9", "43.1", "inf"])
def test_typed_temperatures_refused(text: str) -> None:
    with pytest.raises(TemperatureError):
        parse_temperature(text)


def test_buttons_sit_around_the_last_value_inside_the_valid_range() -> None:
    assert temperature_buttons(None) == (36.5, 37.0, 37.5, 38.0, 38.5)
    assert temperature_buttons(38.2) == (37.7, 38.2, 38.7, 39.2, 39.7)
    assert temperature_buttons(42.0) == (41.5, 42.0, 42.5, 43.0)


def test_the_ward_switch_is_validated() -> None:
    off = apply_setting_changes({}, {"crs.ask": "off"})
    assert off == {"crs": {"ask": False}}
    assert effective_settings(off)["crs.ask"] == "off"
    assert apply_setting_changes(off, {"crs.ask": "on"}) == {}
    assert effective_settings({})["crs.ask"] == "on"
    with pytest.raises(RefusedError) as refused:
        apply_setting_changes({}, {"crs.ask": "maybe"})
    assert refusal(refused.value).startswith("crs.ask: on or off")
