"""Escalation step selection: the step-type dispatch table and its decisions, without a
database (the runner's behaviour with one is tests/services/test_escalations.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from bot.clinical import Urgency
from bot.clinical.escalation_steps import (
    STEP_RULES,
    ChainState,
    StepReason,
    StepType,
    after_nobody,
    decide,
    follow_up_at,
    skip_ahead,
    step_type,
)
from bot.clinical.policy import DEFAULTS, PagedRole, snapshot

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
P, B, A = PagedRole.PRIMARY, PagedRole.BACKUP, PagedRole.ATTENDING
CRITICAL = snapshot(Urgency.CRITICAL, DEFAULTS[Urgency.CRITICAL])  # 0 P, 5 PB, 10 PBA, 15 PBA


def state(index: int, policy: dict[str, object] = CRITICAL) -> ChainState:
    return ChainState.of(policy, step_index=index, started_at=T0)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_every_step_type_has_a_rule() -> None:
    assert set(STEP_RULES) == set(StepType)


def test_the_first_step_pages_the_primary_and_waits_for_the_next_minute() -> None:
    decision = decide(state(0), at(0))
    assert (decision.type, decision.reason) == (StepType.PAGE, StepReason.DUE)
    assert decision.roles == (P,)
    assert (decision.paged_step, decision.next_index, decision.next_at) == (0, 1, at(5))
    assert decision.more


def test_after_downtime_the_steps_due_are_paged_once_together() -> None:
    decision = decide(state(0), at(12))
    assert decision.reason is StepReason.CAUGHT_UP
    assert decision.roles == (P, B, A)  # each role once, in the order they joined
    assert (decision.paged_step, decision.next_index, decision.next_at) == (2, 3, at(15))


def test_a_late_last_page_still_gets_its_full_wait_before_the_chain_runs_out() -> None:
    decision = decide(state(3), at(18))
    assert not decision.more
    assert decision.next_at == at(18 + 20 - 15)  # not the give-up minute (20)


def test_a_chain_without_steps_left_runs_out_or_is_done() -> None:
    assert step_type(state(4)) is StepType.RUN_OUT
    assert decide(state(4), at(20)).reason is StepReason.NOBODY_ACKNOWLEDGED
    info = snapshot(Urgency.INFO, DEFAULTS[Urgency.INFO])
    assert step_type(state(0, info)) is StepType.PAGE
    assert step_type(state(1, info)) is StepType.INFORMED


@pytest.mark.parametrize("anyone", [False, True])
def test_nobody_to_page_moves_on_to_the_next_step_at_once(anyone: bool) -> None:
    chain = state(0)
    decision = decide(chain, at(0))
    assert after_nobody(chain, decision, at(0), anyone_reached=anyone) == at(0)


def test_nobody_at_the_last_step_runs_out_at_once_unless_someone_was_reached_before() -> None:
    chain = state(3)
    decision = decide(chain, at(15))
    assert after_nobody(chain, decision, at(15), anyone_reached=False) == at(15)
    assert after_nobody(chain, decision, at(15), anyone_reached=True) == at(20)


def test_an_undelivered_page_skips_ahead_only_for_the_latest_unreached_step() -> None:
    steps = state(0).steps
    asked: list[str] = []

    def answer(name: str, value: bool) -> Callable[[], bool]:
        def ask() -> bool:
            asked.append(name)
            return value

        return ask

    def skip(failed: int, index: int, step: bool, anyone: bool) -> bool:
        return skip_ahead(
            failed_step=failed,
            step_index=index,
            steps=steps,
            step_reached=answer("step", step),
            anyone_reached=answer("anyone", anyone),
        )

    assert skip(1, 2, step=False, anyone=True)
    assert not skip(1, 2, step=True, anyone=False)
    asked.clear()
    assert not skip(0, 2, step=False, anyone=False)  # an earlier step: later ones went out
    assert asked == []  # and nothing was asked of the database
    assert not skip(3, 4, step=False, anyone=True)  # the give-up keeps its minute
    assert skip(3, 4, step=False, anyone=False)


def test_only_a_critical_alert_gets_a_follow_up_an_hour_after_its_acknowledgement() -> None:
    assert follow_up_at(Urgency.CRITICAL, at(7)) == at(67)
    for urgency in (Urgency.HIGH, Urgency.NORMAL, Urgency.INFO):
        assert follow_up_at(urgency, at(7)) is None
