"""The CRS questions in the check conversation (pure state machine) and the ward switch."""

from __future__ import annotations

import pytest

from bot.clinical import Tool, check_answers, check_crs, check_flow
from bot.clinical.check_crs import TemperatureError, parse_temperature, temperature_buttons
from bot.services.check_results import HINT_NOTICES, Notice
from bot.services.errors import RefusedError
from bot.services.wards import apply_setting_changes, effective_settings
from bot.telegram.words import checks as check_words
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


def answered(asks: bool, *actions: str) -> check_flow.FlowState:
    state = check_flow.start(Tool.ICE)
    if asks:
        state = check_flow.FlowState(state.step, state.tool, {**state.answers, "crs_ask": True})
    for action in (*ICANS_NORMAL, *actions):
        state = check_flow.apply(state, action).state
    return state


def test_the_crs_questions_follow_the_icans_domains_when_asked() -> None:
    assert answered(True).step == check_crs.TEMPERATURE
    assert answered(False).step == check_flow.NOTE
    state = answered(True, "t38.5", "one_vasopressor", "none", "no")
    assert state.step == check_flow.NOTE
    assert state.answers["crs"] == {
        "temperature": 38.5,
        "pressure": "one_vasopressor",
        "oxygen": "none",
        "treated": "no",
    }
    rows = {r.item: r.value for r in check_answers.answered_items(state.answers, Tool.ICE)}
    assert rows["temperature"] == "38.5" and rows["pressure"] == "one_vasopressor"


def test_one_tap_after_the_temperature_records_no_support_no_oxygen_nothing_given() -> None:
    state = answered(True, "t37.0", check_crs.NONE_GIVEN)
    assert state.step == check_flow.NOTE
    assert state.answers["crs"] == {
        "temperature": 37.0,
        "pressure": "none",
        "oxygen": "none",
        "treated": "no",
    }
    rows = {r.item: r.value for r in check_answers.answered_items(state.answers, Tool.ICE)}
    assert (rows["pressure"], rows["oxygen"], rows["treated"]) == ("none", "none", "no")
    summary = check_flow.apply(state, "skip").state
    edit = check_flow.apply(check_flow.apply(summary, "edit").state, "go.treated").state
    assert check_flow.apply(edit, "yes").state.answers["crs"]["treated"] == "yes"


def test_the_shortcut_is_only_offered_on_the_blood_pressure_question() -> None:
    with pytest.raises(check_flow.InvalidActionError):
        check_flow.apply(answered(True, "t37.0", "none"), check_crs.NONE_GIVEN)


@pytest.mark.parametrize("action", ["t45.0", "t33.9", "tnan", "xyz", "comfort"])
def test_a_forged_or_impossible_answer_is_refused(action: str) -> None:
    with pytest.raises(check_flow.InvalidActionError):
        check_flow.apply(answered(True), action)


def test_comfort_oxygen_is_not_offered_at_the_bedside() -> None:
    state = answered(True, "t37.0", "none")
    with pytest.raises(check_flow.InvalidActionError):
        check_flow.apply(state, "comfort")


def test_type_it_changes_nothing_and_says_how() -> None:
    outcome = check_flow.apply(answered(True), check_crs.TYPE_IT)
    assert outcome.state.step == check_crs.TEMPERATURE and outcome.hint is not None
    assert "38.4" in (check_words.notice(Notice(HINT_NOTICES[outcome.hint.code])) or "")


def test_back_and_edit_reach_the_crs_questions() -> None:
    state = answered(True, "t37.0", "none", "none", "no", "skip")
    assert check_flow.apply(state, "back").state.step == check_flow.NOTE
    assert "go.oxygen" not in check_flow.editable_steps(state.answers, Tool.ICE)
    assert check_crs.OXYGEN in check_flow.editable_steps(state.answers, Tool.ICE)
    edit = check_flow.apply(check_flow.apply(state, "edit").state, "go.oxygen").state
    done = check_flow.apply(edit, "high_flow").state
    assert done.step == check_flow.SUMMARY and done.answers["crs"]["oxygen"] == "high_flow"


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
