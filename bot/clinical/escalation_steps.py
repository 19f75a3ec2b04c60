"""What an escalation does next: a step-type dispatch table, as on-call engines keep one.

An escalation stores its policy's steps (`bot.clinical.policy.snapshot`) and the index of the
next one. When that step is due, `decide` looks at the state and picks the step's type, and
the type's rule says what happens: page some roles (and when to look again), tell the ward
that nobody acknowledged, or close an information-only alert. Each rule returns a decision
with a reason code; the service resolves the roles to people, writes the rows and words
nothing. Pure: the time is handed in.

After downtime every step already due is taken in one go: the roles of all of them are paged
once (one page per person, not one per missed step), and the chain continues from the last.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.clinical.policy import PagedRole, Step, steps_of
from bot.clinical.triggers import Urgency

CRITICAL_FOLLOW_UP: Final = dt.timedelta(hours=1)
"""A critical alert acknowledged this long ago with no check since: remind who took it."""


class StepType(enum.StrEnum):
    """The kinds of step an escalation can be at."""

    PAGE = "page"  # steps remain: page the roles of every step due
    RUN_OUT = "run_out"  # no step left and an acknowledgement is owed: tell the ward's leads
    INFORMED = "informed"  # no step left on an information-only alert: it is done


class StepReason(enum.StrEnum):
    """Why a step decided what it did (for the audit trail and tests, never words)."""

    DUE = "due"  # the next step's minute has come
    CAUGHT_UP = "caught_up"  # several steps fell due (downtime): paged together
    NOBODY_ACKNOWLEDGED = "nobody_acknowledged"
    INFORMATION_ONLY = "information_only"


@dataclass(frozen=True)
class ChainState:
    """What the rules need of an escalation: its stored policy, where it is, when it began."""

    steps: tuple[Step, ...]
    step_index: int
    needs_ack: bool
    give_up: int  # minutes after the start
    started_at: dt.datetime

    @classmethod
    def of(
        cls, policy: Mapping[str, Any], *, step_index: int, started_at: dt.datetime
    ) -> ChainState:
        """From the policy snapshot an escalation stores."""
        return cls(
            steps=steps_of(policy),
            step_index=step_index,
            needs_ack=bool(policy.get("needs_ack", True)),
            give_up=int(policy.get("give_up", 0)),
            started_at=started_at,
        )

    def at(self, minutes: int) -> dt.datetime:
        return self.started_at + dt.timedelta(minutes=minutes)

    def minute_of(self, index: int) -> dt.datetime:
        """When step ``index`` is due; past the last step, the give-up minute."""
        if index < len(self.steps):
            return self.at(self.steps[index].at)
        return self.at(self.give_up)


@dataclass(frozen=True)
class StepDecision:
    """What a due step does. For a page: ``roles`` to page (resolved to people by the
    service), the step index recorded on the pages (``paged_step``), the chain's new index,
    and when to look again if somebody was paged (``next_at``)."""

    type: StepType
    reason: StepReason
    roles: tuple[PagedRole, ...] = ()
    paged_step: int = 0
    next_index: int = 0
    next_at: dt.datetime | None = None
    more: bool = False  # steps remain after this one


def _page(state: ChainState, now: dt.datetime) -> StepDecision:
    due = [i for i in range(state.step_index, len(state.steps)) if state.minute_of(i) <= now] or [
        state.step_index
    ]
    last = due[-1]
    next_index = last + 1
    next_at = state.minute_of(next_index)
    more = next_index < len(state.steps)
    if not more:
        # After downtime the last page may go out late: it still gets its full wait.
        wait = dt.timedelta(minutes=state.give_up - state.steps[last].at)
        next_at = max(next_at, now + wait)
    return StepDecision(
        type=StepType.PAGE,
        reason=StepReason.CAUGHT_UP if len(due) > 1 else StepReason.DUE,
        roles=tuple(dict.fromkeys(r for i in due for r in state.steps[i].roles)),
        paged_step=last,
        next_index=next_index,
        next_at=next_at,
        more=more,
    )


def _run_out(state: ChainState, _now: dt.datetime) -> StepDecision:
    return StepDecision(StepType.RUN_OUT, StepReason.NOBODY_ACKNOWLEDGED)


def _informed(state: ChainState, _now: dt.datetime) -> StepDecision:
    return StepDecision(StepType.INFORMED, StepReason.INFORMATION_ONLY)


STEP_RULES: Final[Mapping[StepType, Callable[[ChainState, dt.datetime], StepDecision]]] = {
    StepType.PAGE: _page,
    StepType.RUN_OUT: _run_out,
    StepType.INFORMED: _informed,
}


def step_type(state: ChainState) -> StepType:
    """Which kind of step is due: a page while steps remain, else how the chain ends."""
    if state.step_index < len(state.steps):
        return StepType.PAGE
    return StepType.RUN_OUT if state.needs_ack else StepType.INFORMED


def decide(state: ChainState, now: dt.datetime) -> StepDecision:
    """The due step's decision, through the dispatch table."""
    return STEP_RULES[step_type(state)](state, now)


def after_nobody(
    state: ChainState, decision: StepDecision, now: dt.datetime, *, anyone_reached: bool
) -> dt.datetime:
    """A page that found nobody to page (nobody on call, or all unreachable): the next step
    at once; at the end of the chain the give-up at once, unless somebody was reached before
    (then the give-up keeps its minute)."""
    if decision.more or not anyone_reached:
        return now
    return state.minute_of(decision.next_index)


def skip_ahead(
    *,
    failed_step: int,
    step_index: int,
    steps: Sequence[Step],
    step_reached: Callable[[], bool],
    anyone_reached: Callable[[], bool],
) -> bool:
    """Whether a page that could not be delivered moves the chain on now.

    Only when it was the latest step's and nobody of that step was reached: then the next
    step now rather than at its minute (the give-up only when nobody at all was ever reached;
    otherwise it keeps its time). A late failure of an earlier step changes nothing. The two
    reach questions are asked only when the answer depends on them (each is a query).
    """
    if failed_step != step_index - 1 or step_reached():
        return False
    return step_index < len(steps) or not anyone_reached()


def follow_up_at(urgency: Urgency, acknowledged_at: dt.datetime) -> dt.datetime | None:
    """When to remind the acknowledger of a check owed: critical alerts only."""
    if urgency is Urgency.CRITICAL:
        return acknowledged_at + CRITICAL_FOLLOW_UP
    return None
