"""The infusion of one blinatumomab cycle: its states, what may happen next, and the label's
rules on when. Pure: the service loads the plan, asks here, and writes what is allowed.

::

    planned --start--> running --hold--> held --restart--> running
                       running --step_up--> running (once per start or restart)
           running | held --stop--> stopped      running | held --end_cycle--> completed

Label rule (README section 9): an interruption of more than 7 days starts a new cycle, so a
restart more than 7 days after the hold began is refused with the advice to create the next
cycle, rather than renumbering anything silently.

States and steps are string enums whose values are the stored ones (``storage.models``'
``PlanStatus`` and ``InfusionEventKind`` compare equal to them), so storage and the clinical
core stay independent. Rules answer with a :class:`Ruling` (a reason code), never words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class State(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    HELD = "held"
    STOPPED = "stopped"
    COMPLETED = "completed"


class Step(StrEnum):
    START = "start"
    STEP_UP = "step_up"
    HOLD = "hold"
    RESTART = "restart"
    STOP = "stop"
    END_CYCLE = "end_cycle"


CURRENT: Final = frozenset({State.PLANNED, State.RUNNING, State.HELD})
"""A patient has at most one plan in these states."""
MAX_CYCLE: Final = 20
MAX_INTERRUPTION: Final = dt.timedelta(days=7)
MAX_START_PAST: Final = dt.timedelta(days=28)
"""A plan may be entered late, up to one cycle's length after its start."""
MAX_START_AHEAD: Final = dt.timedelta(days=90)
MAX_REASON: Final = 200
DOUBLED_WITHIN: Final = dt.timedelta(minutes=5)
"""The same protocol and cycle starting this close to the current plan is a doubled request
(``now`` sent twice), not a new plan."""

HOLD_REASONS: Final = ("neurotoxicity", "crs", "infection", "line", "other")
"""Hold reason codes (stored, and carried by buttons), in the order they are offered."""
HOLD_REASON_ALIASES: Final[Mapping[str, str]] = {"line problem": "line"}
"""What people type for a code, besides the code itself (lower case)."""
NEXT_CYCLE_REASON: Final = "next cycle planned"
"""The reason stored on the end of a cycle that the next cycle ended (a stored value, shown as
it is, like free text)."""
_RECORD_NUMBER: Final = re.compile(r"\d{6,}")

NEXT: Final[Mapping[State, tuple[Step, ...]]] = {
    State.PLANNED: (Step.START,),
    State.RUNNING: (Step.STEP_UP, Step.HOLD, Step.STOP, Step.END_CYCLE),
    State.HELD: (Step.RESTART, Step.STOP, Step.END_CYCLE),
    State.STOPPED: (),
    State.COMPLETED: (),
}
STATE_AFTER: Final[Mapping[Step, State]] = {
    Step.START: State.RUNNING,
    Step.STEP_UP: State.RUNNING,
    Step.HOLD: State.HELD,
    Step.RESTART: State.RUNNING,
    Step.STOP: State.STOPPED,
    Step.END_CYCLE: State.COMPLETED,
}


class Ruling(StrEnum):
    """The answer to "may this happen now?": ``allowed`` or why not."""

    ALLOWED = "allowed"
    NOT_NOW = "not_now"
    STEP_UP_DONE = "step_up_done"
    IN_FUTURE = "in_future"
    BEFORE_LAST = "before_last"
    START_TOO_OLD = "start_too_old"
    START_TOO_FAR = "start_too_far"
    REASON_MISSING = "reason_missing"
    NEW_CYCLE_NEEDED = "new_cycle_needed"
    STILL_RUNNING = "still_running"
    SAME_CYCLE = "same_cycle"
    DOUBLED = "doubled"
    REASON_LENGTH = "reason_length"
    REASON_RECORD_NUMBER = "reason_record_number"


@dataclass(frozen=True)
class Past:
    """One recorded event of the plan, oldest first in a history."""

    step: str
    at: dt.datetime


def next_steps(state: str, history: Sequence[Past]) -> tuple[Step, ...]:
    """What may happen next; a second step-up since the last (re)start is not one of them."""
    steps = NEXT[State(state)]
    if Step.STEP_UP in steps and _stepped_up(history):
        steps = tuple(s for s in steps if s is not Step.STEP_UP)
    return steps


def _stepped_up(history: Sequence[Past]) -> bool:
    for past in reversed(history):
        if past.step == Step.STEP_UP:
            return True
        if past.step in (Step.START, Step.RESTART):
            return False
    return False


def held_since(state: str, history: Sequence[Past]) -> dt.datetime | None:
    """When the current hold began (None unless the infusion is held)."""
    if state != State.HELD:
        return None
    return next((p.at for p in reversed(history) if p.step == Step.HOLD), None)


def state_after(step: str) -> State:
    return STATE_AFTER[Step(step)]


def rule_on_step(
    *,
    state: str,
    history: Sequence[Past],
    step: str,
    at: dt.datetime,
    now: dt.datetime,
    has_reason: bool,
) -> Ruling:
    """May ``step`` be recorded as having happened ``at``? Checked in the order a person
    would want to hear about it: the wrong step first, then the time, then what is missing."""
    if step not in next_steps(state, history):
        stepped = step == Step.STEP_UP and state == State.RUNNING
        return Ruling.STEP_UP_DONE if stepped else Ruling.NOT_NOW
    if at > now:
        return Ruling.IN_FUTURE
    if history and at < history[-1].at:
        return Ruling.BEFORE_LAST
    if step == Step.START and at < now - MAX_START_PAST:
        return Ruling.START_TOO_OLD
    if step == Step.HOLD and not has_reason:
        return Ruling.REASON_MISSING
    if step == Step.RESTART:
        since = held_since(state, history)
        if since is not None and at - since > MAX_INTERRUPTION:
            return Ruling.NEW_CYCLE_NEEDED
    return Ruling.ALLOWED


def rule_on_start(start: dt.datetime, now: dt.datetime) -> Ruling:
    """A new cycle's start: entered late up to a cycle's length, planned up to 90 days ahead."""
    if start < now - MAX_START_PAST:
        return Ruling.START_TOO_OLD
    if start > now + MAX_START_AHEAD:
        return Ruling.START_TOO_FAR
    return Ruling.ALLOWED


@dataclass(frozen=True)
class Cycle:
    """The patient's newest current plan, as far as the next cycle's rules need it."""

    protocol: str
    number: int
    state: str
    starts_at: dt.datetime


def rule_on_new_cycle(
    current: Cycle | None, *, protocol: str, number: int, start: dt.datetime
) -> Ruling:
    """The same cycle again: a doubled request (same start within 5 minutes) changes nothing;
    otherwise only a cycle not yet started may be entered again (it is replaced)."""
    if current is None or (current.protocol, current.number) != (protocol, number):
        return Ruling.ALLOWED
    if abs(current.starts_at - start) <= DOUBLED_WITHIN:
        return Ruling.DOUBLED
    if current.state != State.PLANNED:
        return Ruling.SAME_CYCLE
    return Ruling.ALLOWED


def rule_on_ending(
    state: str, history: Sequence[Past], *, new_start: dt.datetime, now: dt.datetime
) -> Ruling:
    """May the previous cycle end as a new one begins? A running cycle is not ended by a
    cycle planned for later, and it cannot end before its own last event."""
    if state == State.PLANNED:
        return Ruling.ALLOWED
    if state == State.RUNNING and new_start > now:
        return Ruling.STILL_RUNNING
    if history and min(now, new_start) < history[-1].at:
        return Ruling.BEFORE_LAST
    return Ruling.ALLOWED


def valid_cycle(value: int | str) -> int | None:
    """The cycle number meant, or None when it is not one (1 to 20)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 1 <= number <= MAX_CYCLE else None


def hold_reason(text: str) -> str | Ruling:
    """A hold reason code, or short free text that is never a record number (whitespace
    already collapsed); a :class:`Ruling` when refused."""
    for code in HOLD_REASONS:
        if text.lower() == code:
            return code
    alias = HOLD_REASON_ALIASES.get(text.lower())
    if alias is not None:
        return alias
    if len(text) > MAX_REASON or not text.isprintable():
        return Ruling.REASON_LENGTH
    if _RECORD_NUMBER.search(text):
        return Ruling.REASON_RECORD_NUMBER
    return text


def cycle_day(starts_at_local: dt.date, today_local: dt.date) -> int:
    """Day of the cycle (day 1 = the start's calendar day), never below 1."""
    return max(1, (today_local - starts_at_local).days + 1)
