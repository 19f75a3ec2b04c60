"""Escalation policy: who is paged when, per urgency, and which ward overrides are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.clinical import Urgency
from bot.clinical.policy import (
    DEFAULTS,
    ESCALATING,
    FIELDS,
    MAX_MINUTES,
    PagedRole,
    PolicyError,
    Step,
    UrgencyPolicy,
    describe,
    missed_check_urgency,
    policy_for,
    snapshot,
    steps,
    steps_of,
)

P, B, A = PagedRole.PRIMARY, PagedRole.BACKUP, PagedRole.ATTENDING


def table(policy: UrgencyPolicy, *, needs_ack: bool = True) -> list[tuple[int, str]]:
    """Steps as ``(minute, "primary backup")`` rows: easy to read against the spec."""
    return [(s.at, " ".join(r.value for r in s.roles)) for s in steps(policy, needs_ack=needs_ack)]


def of(urgency: Urgency, **overrides: Any) -> list[tuple[int, str]]:
    return table(policy_for(urgency, overrides), needs_ack=urgency.needs_acknowledgement)


# -- the defaults -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "expected", "give_up"),
    [
        (
            Urgency.CRITICAL,
            [
                (0, "primary"),
                (5, "primary backup"),
                (10, "primary backup attending"),
                (15, "primary backup attending"),
            ],
            20,
        ),
        (
            Urgency.HIGH,
            [(0, "primary"), (10, "primary"), (15, "backup"), (20, "primary backup")],
            30,
        ),
        (Urgency.NORMAL, [(0, "primary"), (30, "backup")], 60),
        (Urgency.INFO, [(0, "primary")], 0),
    ],
)
def test_default_steps(urgency: Urgency, expected: list[tuple[int, str]], give_up: int) -> None:
    assert of(urgency) == expected
    assert policy_for(urgency).give_up == give_up


def test_defaults_are_exactly_the_product_numbers() -> None:
    assert DEFAULTS[Urgency.CRITICAL] == UrgencyPolicy(0, 5, 10, 5, 20, second_channel=5)
    assert DEFAULTS[Urgency.HIGH] == UrgencyPolicy(0, 15, None, 10, 30, second_channel=15)
    assert DEFAULTS[Urgency.NORMAL] == UrgencyPolicy(0, 30, None, None, 60)
    assert DEFAULTS[Urgency.INFO] == UrgencyPolicy(0, None, None, None, 0)


@pytest.mark.parametrize("urgency", ESCALATING)
def test_defaults_are_valid_and_policy_for_without_overrides_is_the_default(
    urgency: Urgency,
) -> None:
    DEFAULTS[urgency].validate(needs_ack=urgency.needs_acknowledgement)
    assert policy_for(urgency) == DEFAULTS[urgency]
    assert policy_for(urgency, {}) == DEFAULTS[urgency]


def test_only_real_urgencies_escalate() -> None:
    assert Urgency.NONE not in ESCALATING
    assert set(ESCALATING) == set(Urgency) - {Urgency.NONE}


def test_a_repeat_step_pages_only_roles_that_already_joined() -> None:
    """At 5 the attending (first page at 10) is not paged early by the repeat."""
    critical = steps(DEFAULTS[Urgency.CRITICAL])
    assert critical[1] == Step(5, (P, B))
    assert all(A not in s.roles for s in critical if s.at < 10)


# -- overrides ----------------------------------------------------------------------------------


@pytest.mark.parametrize("off", ["off", "OFF", " off ", "", None])
def test_a_role_can_be_switched_off(off: object) -> None:
    assert of(Urgency.CRITICAL, attending=off) == [
        (0, "primary"),
        (5, "primary backup"),
        (10, "primary backup"),
        (15, "primary backup"),
    ]


def test_repeats_can_be_switched_off() -> None:
    assert of(Urgency.CRITICAL, repeat="off") == [(0, "primary"), (5, "backup"), (10, "attending")]


def test_repeats_can_be_switched_on_for_normal() -> None:
    assert of(Urgency.NORMAL, repeat=20) == [
        (0, "primary"),
        (20, "primary"),
        (30, "backup"),
        (40, "primary backup"),
    ]


def test_two_roles_may_be_paged_at_once() -> None:
    assert of(Urgency.HIGH, backup=0) == [
        (0, "primary backup"),
        (10, "primary backup"),
        (20, "primary backup"),
    ]


def test_the_primary_may_be_off_when_someone_else_is_paged_at_once() -> None:
    assert of(Urgency.HIGH, primary="off", backup="0", attending="5", repeat="off") == [
        (0, "backup"),
        (5, "attending"),
    ]


def test_a_role_joining_at_a_repeat_minute_is_paged_once_in_that_step() -> None:
    assert of(Urgency.CRITICAL, attending=5) == [
        (0, "primary"),
        (5, "primary backup attending"),
        (10, "primary backup attending"),
        (15, "primary backup attending"),
    ]


@pytest.mark.parametrize("value", [7, "7", " 7 ", "07"])
def test_minutes_may_be_numbers_or_digit_strings(value: object) -> None:
    assert policy_for(Urgency.CRITICAL, {"backup": value}).backup == 7


def test_the_give_up_moves_the_last_repeat() -> None:
    assert of(Urgency.CRITICAL, give_up=16) == [
        (0, "primary"),
        (5, "primary backup"),
        (10, "primary backup attending"),
        (15, "primary backup attending"),
    ]
    assert of(Urgency.CRITICAL, give_up=15)[-1] == (10, "primary backup attending")
    assert of(Urgency.CRITICAL, give_up=11)[-1] == (10, "primary backup attending")


def test_up_to_a_day_is_accepted() -> None:
    policy = policy_for(Urgency.NORMAL, {"backup": MAX_MINUTES - 1, "give_up": MAX_MINUTES})
    assert (policy.backup, policy.give_up) == (MAX_MINUTES - 1, MAX_MINUTES)


def test_overrides_leave_the_defaults_alone() -> None:
    policy_for(Urgency.CRITICAL, {"backup": 1, "give_up": 90})
    assert DEFAULTS[Urgency.CRITICAL] == UrgencyPolicy(0, 5, 10, 5, 20, second_channel=5)


def test_info_pages_once_whatever_its_settings() -> None:
    assert of(Urgency.INFO, repeat=5, give_up=60) == [(0, "primary")]
    assert of(Urgency.INFO, backup=0) == [(0, "primary backup")]
    assert of(Urgency.INFO, backup=5, attending=10) == [(0, "primary")]


@pytest.mark.parametrize(
    ("urgency", "overrides", "message"),
    [
        (Urgency.CRITICAL, {"primary": "off"}, "paged at 0"),
        (Urgency.HIGH, {"primary": None}, "paged at 0"),
        (Urgency.NORMAL, {"primary": 1}, "paged at 0"),
        (Urgency.INFO, {"primary": "off"}, "paged at 0"),
        (Urgency.CRITICAL, {"give_up": 10}, "after every role's first page"),
        (Urgency.CRITICAL, {"give_up": 5}, "after every role's first page"),
        (Urgency.HIGH, {"give_up": "15"}, "after every role's first page"),
        (Urgency.NORMAL, {"backup": 60}, "after every role's first page"),
        (Urgency.NORMAL, {"attending": 61}, "after every role's first page"),
        (Urgency.HIGH, {"give_up": 0}, "after every role's first page"),
        (Urgency.CRITICAL, {"repeat": 0}, "repeat must be at least 1"),
        (Urgency.CRITICAL, {"backup": "five"}, "backup: a whole number"),
        (Urgency.CRITICAL, {"backup": "5.5"}, "backup: a whole number"),
        (Urgency.CRITICAL, {"backup": 5.0}, "backup: a whole number"),
        (Urgency.CRITICAL, {"backup": "5m"}, "backup: a whole number"),
        (Urgency.CRITICAL, {"backup": -1}, "backup: a whole number"),
        (Urgency.CRITICAL, {"backup": "-1"}, "backup: a whole number"),
        (Urgency.CRITICAL, {"backup": True}, "backup: a whole number"),
        (Urgency.CRITICAL, {"repeat": False}, "repeat: a whole number"),
        (Urgency.CRITICAL, {"backup": [5]}, "backup: a whole number"),
        (Urgency.NORMAL, {"give_up": MAX_MINUTES + 1}, f"at most {MAX_MINUTES}"),
        (Urgency.NORMAL, {"backup": "1441"}, f"at most {MAX_MINUTES}"),
        (Urgency.INFO, {"give_up": 99_999}, f"at most {MAX_MINUTES}"),
        (Urgency.CRITICAL, {"give_up": "off"}, "give_up cannot be off"),
        (Urgency.CRITICAL, {"give_up": None}, "give_up cannot be off"),
        (Urgency.CRITICAL, {"fellow": 5}, "unknown escalation setting 'fellow'"),
        (Urgency.CRITICAL, {"Backup": 5}, "unknown escalation setting 'Backup'"),
    ],
)
def test_invalid_overrides_are_refused_with_the_field_named(
    urgency: Urgency, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(PolicyError, match=message):
        policy_for(urgency, overrides)


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


def test_a_unicode_digit_that_int_cannot_read_is_a_policy_error() -> None:
    with pytest.raises(PolicyError):
        policy_for(Urgency.CRITICAL, {"backup": "²"})


# -- snapshots ----------------------------------------------------------------------------------


@pytest.mark.parametrize("urgency", ESCALATING)
def test_a_snapshot_round_trips_through_json(urgency: Urgency) -> None:
    policy = DEFAULTS[urgency]
    stored = json.loads(json.dumps(snapshot(urgency, policy)))
    assert steps_of(stored) == steps(policy, needs_ack=urgency.needs_acknowledgement)
    assert stored["urgency"] == urgency.value
    assert stored["needs_ack"] is urgency.needs_acknowledgement
    assert stored["give_up"] == policy.give_up


def test_a_snapshot_keeps_the_overridden_steps() -> None:
    policy = policy_for(Urgency.HIGH, {"backup": 3, "repeat": "off", "give_up": 9})
    assert snapshot(Urgency.HIGH, policy) == {
        "urgency": "high",
        "needs_ack": True,
        "give_up": 9,
        "second_channel": 15,
        "steps": [{"at": 0, "roles": ["primary"]}, {"at": 3, "roles": ["backup"]}],
    }


def test_the_second_channel_minute_is_ward_data_kept_in_the_snapshot() -> None:
    policy = policy_for(Urgency.CRITICAL, {"second_channel": "3"})
    assert policy.second_channel == 3
    assert snapshot(Urgency.CRITICAL, policy)["second_channel"] == 3
    assert policy_for(Urgency.CRITICAL, {"second_channel": "off"}).second_channel is None
    assert policy_for(Urgency.NORMAL).second_channel is None
    assert "second_channel 3" in describe(policy)
    with pytest.raises(PolicyError, match="second_channel"):
        policy_for(Urgency.CRITICAL, {"second_channel": "0"})
    with pytest.raises(PolicyError, match="second_channel"):
        policy_for(Urgency.CRITICAL, {"second_channel": "soon"})


def test_an_info_snapshot_has_one_step_and_asks_for_no_acknowledgement() -> None:
    assert snapshot(Urgency.INFO, DEFAULTS[Urgency.INFO]) == {
        "urgency": "info",
        "needs_ack": False,
        "give_up": 0,
        "second_channel": None,
        "steps": [{"at": 0, "roles": ["primary"]}],
    }


# -- missed checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest_grade", "seizure", "episode", "urgency"),
    [
        pytest.param(None, False, False, Urgency.NORMAL, id="no grade yet: normal"),
        pytest.param(0, False, False, Urgency.NORMAL, id="grade 0: normal"),
        pytest.param(0, False, True, Urgency.HIGH, id="grade 0 in an episode (ICE worse): high"),
        pytest.param(1, False, False, Urgency.HIGH, id="grade 1: high"),
        pytest.param(2, False, True, Urgency.HIGH, id="grade 2: high"),
        pytest.param(3, False, True, Urgency.CRITICAL, id="grade 3: critical"),
        pytest.param(4, False, True, Urgency.CRITICAL, id="grade 4: critical"),
        pytest.param(0, True, False, Urgency.CRITICAL, id="seizure recently, grade 0: critical"),
        pytest.param(None, True, False, Urgency.CRITICAL, id="seizure, no grade: critical"),
    ],
)
def test_a_missed_check_is_as_urgent_as_its_patient(
    latest_grade: int | None, seizure: bool, episode: bool, urgency: Urgency
) -> None:
    assert (
        missed_check_urgency(latest_grade=latest_grade, recent_seizure=seizure, in_episode=episode)
        is urgency
    )


@pytest.mark.parametrize(
    ("icans", "crs", "urgency"),
    [
        pytest.param(0, None, Urgency.NORMAL, id="CRS not asked: normal"),
        pytest.param(0, 0, Urgency.NORMAL, id="CRS 0: normal"),
        pytest.param(0, 1, Urgency.HIGH, id="fever (CRS 1): high"),
        pytest.param(0, 2, Urgency.HIGH, id="CRS 2: high"),
        pytest.param(0, 3, Urgency.CRITICAL, id="CRS 3: critical"),
        pytest.param(1, 4, Urgency.CRITICAL, id="CRS 4 beside ICANS 1: critical"),
        pytest.param(3, 0, Urgency.CRITICAL, id="ICANS 3 without CRS: critical"),
    ],
)
def test_a_missed_check_counts_the_crs_grade_too(
    icans: int, crs: int | None, urgency: Urgency
) -> None:
    found = missed_check_urgency(
        latest_grade=icans, recent_seizure=False, in_episode=False, latest_crs_grade=crs
    )
    assert found is urgency


# -- properties ---------------------------------------------------------------------------------

minutes = st.integers(min_value=0, max_value=MAX_MINUTES)


@st.composite
def valid_policies(draw: st.DrawFn) -> UrgencyPolicy:
    """Any policy a ward could run: someone at 0, every first page before the give-up."""
    firsts = [draw(st.none() | minutes) for _ in PagedRole]
    firsts[draw(st.sampled_from(range(len(firsts))))] = 0
    latest = max(m for m in firsts if m is not None)
    assume(latest < MAX_MINUTES)
    give_up = draw(st.integers(min_value=latest + 1, max_value=MAX_MINUTES))
    repeat = draw(st.none() | st.integers(min_value=1, max_value=MAX_MINUTES))
    primary, backup, attending = firsts
    policy = UrgencyPolicy(primary, backup, attending, repeat=repeat, give_up=give_up)
    policy.validate(needs_ack=True)
    return policy


@given(valid_policies())
def test_steps_of_any_valid_policy_are_well_formed(policy: UrgencyPolicy) -> None:
    result = steps(policy)
    ats = [s.at for s in result]
    assert ats == sorted(set(ats)), "strictly increasing minutes"
    assert all(0 <= at < policy.give_up for at in ats), "every page before the give-up"
    assert all(s.roles for s in result), "no empty step"
    assert all(len(set(s.roles)) == len(s.roles) for s in result), "a role once per step"
    by_minute = {s.at: s.roles for s in result}
    for role in PagedRole:
        first = policy.first_page(role)
        if first is None:
            assert all(role not in s.roles for s in result), f"{role} is off"
            continue
        assert role in by_minute[first], f"{role} is paged at its first minute"
        assert all(s.at >= first for s in result if role in s.roles), f"{role} not early"
    if policy.repeat is not None:
        for minute in range(policy.repeat, policy.give_up, policy.repeat):
            joined = {r for r in PagedRole if (policy.first_page(r) or 0) <= minute}
            joined &= {r for r in PagedRole if policy.first_page(r) is not None}
            assert set(by_minute[minute]) == joined, f"repeat at {minute} pages everyone joined"


@given(valid_policies())
def test_any_valid_policy_survives_its_snapshot(policy: UrgencyPolicy) -> None:
    for urgency in ESCALATING:
        stored = json.loads(json.dumps(snapshot(urgency, policy)))
        assert steps_of(stored) == steps(policy, needs_ack=urgency.needs_acknowledgement)


@given(valid_policies())
def test_a_valid_policy_is_reached_again_through_string_overrides(policy: UrgencyPolicy) -> None:
    overrides = {
        name: "off" if getattr(policy, name) is None else str(getattr(policy, name))
        for name in FIELDS
    }
    assert policy_for(Urgency.CRITICAL, overrides) == policy


override_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=MAX_MINUTES + 10),
    st.floats(allow_nan=True),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6),
    st.sampled_from(["off", "0", "5", "30", "1440", "1441"]),
)


@given(
    st.sampled_from(ESCALATING),
    st.dictionaries(st.sampled_from([*FIELDS, "fellow"]), override_values, max_size=4),
)
def test_any_override_is_either_refused_or_runnable(
    urgency: Urgency, overrides: dict[str, Any]
) -> None:
    try:
        policy = policy_for(urgency, overrides)
    except PolicyError:
        return
    result = steps(policy, needs_ack=urgency.needs_acknowledgement)
    assert result and result[0].at == 0 and result[0].roles
    if urgency.needs_acknowledgement:
        assert all(s.at < policy.give_up for s in result)
    else:
        assert len(result) == 1
