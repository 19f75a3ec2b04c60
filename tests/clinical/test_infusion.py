"""The infusion's rules, without a database: states, steps and the label's 7-day rule."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.clinical import infusion
from bot.clinical.infusion import Past, Ruling, State, Step

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def rule(
    state: State, history: list[Past], step: Step, at: dt.datetime, reason: bool = True
) -> Ruling:
    return infusion.rule_on_step(
        state=state, history=history, step=step, at=at, now=NOW, has_reason=reason
    )


def test_one_step_up_per_start_or_restart() -> None:
    started = [Past(Step.START, NOW - 5 * HOUR)]
    assert Step.STEP_UP in infusion.next_steps(State.RUNNING, started)
    stepped = [*started, Past(Step.STEP_UP, NOW - 4 * HOUR)]
    assert Step.STEP_UP not in infusion.next_steps(State.RUNNING, stepped)
    assert rule(State.RUNNING, stepped, Step.STEP_UP, NOW) is Ruling.STEP_UP_DONE
    restarted = [*stepped, Past(Step.HOLD, NOW - 3 * HOUR), Past(Step.RESTART, NOW - 2 * HOUR)]
    assert Step.STEP_UP in infusion.next_steps(State.RUNNING, restarted)


def test_finished_plans_take_no_more_steps() -> None:
    for state in (State.STOPPED, State.COMPLETED):
        assert infusion.next_steps(state, []) == ()
        assert rule(state, [], Step.RESTART, NOW) is Ruling.NOT_NOW


def test_times_must_be_past_and_in_order() -> None:
    history = [Past(Step.START, NOW - 2 * HOUR)]
    assert rule(State.RUNNING, history, Step.STOP, NOW + HOUR) is Ruling.IN_FUTURE
    assert rule(State.RUNNING, history, Step.STOP, NOW - 3 * HOUR) is Ruling.BEFORE_LAST
    assert rule(State.RUNNING, history, Step.HOLD, NOW, reason=False) is Ruling.REASON_MISSING
    assert rule(State.PLANNED, [], Step.START, NOW - dt.timedelta(days=29)) is (
        Ruling.START_TOO_OLD
    )
    assert infusion.state_after(Step.HOLD) is State.HELD


@pytest.mark.parametrize(
    ("held_for", "ruling"),
    [
        (dt.timedelta(days=7), Ruling.ALLOWED),
        (dt.timedelta(days=7, minutes=1), Ruling.NEW_CYCLE_NEEDED),
    ],
)
def test_an_interruption_of_more_than_seven_days_is_a_new_cycle(
    held_for: dt.timedelta, ruling: Ruling
) -> None:
    held_at = NOW - held_for
    history = [Past(Step.START, held_at - HOUR), Past(Step.HOLD, held_at)]
    assert infusion.held_since(State.HELD, history) == held_at
    assert rule(State.HELD, history, Step.RESTART, NOW) is ruling


def test_a_new_cycle() -> None:
    same = infusion.Cycle("rr", 1, State.RUNNING, NOW)
    assert infusion.rule_on_new_cycle(same, protocol="rr", number=1, start=NOW) is Ruling.DOUBLED
    later = NOW + HOUR
    assert infusion.rule_on_new_cycle(same, protocol="rr", number=1, start=later) is (
        Ruling.SAME_CYCLE
    )
    assert infusion.rule_on_new_cycle(same, protocol="rr", number=2, start=later) is (
        Ruling.ALLOWED
    )
    history = [Past(Step.START, NOW - HOUR)]
    ending = infusion.rule_on_ending(State.RUNNING, history, new_start=later, now=NOW)
    assert ending is Ruling.STILL_RUNNING
    early = NOW - 2 * HOUR
    assert infusion.rule_on_ending(State.HELD, history, new_start=early, now=NOW) is (
        Ruling.BEFORE_LAST
    )
    assert infusion.rule_on_start(NOW + dt.timedelta(days=91), NOW) is Ruling.START_TOO_FAR


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("CRS", "crs"),
        ("Line problem", "line"),
        ("pump alarm", "pump alarm"),
        ("x" * 201, Ruling.REASON_LENGTH),
        ("patient 4471123", Ruling.REASON_RECORD_NUMBER),
    ],
)
def test_hold_reasons(text: str, answer: str) -> None:
    assert infusion.hold_reason(text) == answer


@pytest.mark.parametrize(("value", "number"), [(1, 1), (" 20 ", 20), (0, None), ("two", None)])
def test_cycle_numbers(value: int | str, number: int | None) -> None:
    assert infusion.valid_cycle(value) == number
