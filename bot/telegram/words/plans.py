"""Words of the plans area's refusals (see ``bot.telegram.words``), and of the hold reasons.

Times arrive as facts already in the hospital's zone; they read ``24 Nov 2026 08:00``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

HOLD_REASONS: Final[Mapping[str, str]] = {
    "neurotoxicity": "Neurotoxicity",
    "crs": "CRS",
    "infection": "Infection",
    "line": "Line problem",
    "other": "Other",
}
"""How each hold reason code (``bot.clinical.infusion.HOLD_REASONS``) reads."""


def reason_words(reason: str | None) -> str | None:
    """A stored hold reason as it reads: the code's words, or the free text as given."""
    return None if reason is None else HOLD_REASONS.get(reason, reason)


def kind_words(kind: str) -> str:
    """``end_cycle`` reads "end cycle"."""
    return kind.replace("_", " ")


def _time(at: dt.datetime) -> str:
    return at.strftime("%d %b %Y %H:%M")


def _protocol(text: str, protocols: Sequence[str]) -> str:
    return f"{text!r} is not a protocol: use {' or '.join(protocols)}."


def _start_range(start: dt.datetime, days: int, ahead: bool) -> str:
    return f"The start {_time(start)} is more than {days} days {'ahead' if ahead else 'ago'}."


def _kind(text: str, kinds: Sequence[str]) -> str:
    return f"{text!r} is not an infusion event: use one of {', '.join(kinds)}."


def _record_number(reason: str) -> str:
    return (
        f"The reason {reason!r} looks like it holds a record number; describe the reason "
        "only (e.g. neurotoxicity, CRS, infection, line problem)."
    )


def _not_now(label: str, status: str, kind: str, possible: Sequence[str], **_: Any) -> str:
    allowed = ", ".join(kind_words(k) for k in possible) or "nothing more"
    return (
        f"The infusion of {label} is {status}: "
        f"{kind_words(kind)} cannot be recorded now (possible: {allowed})."
    )


def _in_future(at: dt.datetime, **_: Any) -> str:
    return f"{_time(at)} is in the future: record an event when it has happened."


def _before_last(at: dt.datetime, last_kind: str, last_at: dt.datetime, **_: Any) -> str:
    return (
        f"{_time(at)} is before the last event ({kind_words(last_kind)} at "
        f"{_time(last_at)}): events are recorded in the order they happened."
    )


def _start_too_old(at: dt.datetime, days: int, **_: Any) -> str:
    return f"The start {_time(at)} is more than {days} days ago."


def _cycle_before_last(cycle: int, last_kind: str, last_at: dt.datetime) -> str:
    return (
        f"The new cycle cannot start before the last event of cycle "
        f"{cycle} ({kind_words(last_kind)} at {_time(last_at)})."
    )


def _same_cycle(label: str, protocol: str, cycle: int, status: str, started: dt.datetime) -> str:
    return (
        f"{label} is already on {protocol} cycle {cycle} "
        f"({status}, started {_time(started)}). "
        "Record how that cycle ended first, or give the next cycle's number."
    )


def new_cycle_held(label: str, held_since: dt.datetime, held_days: int, **_: Any) -> str:
    """Why a restart was refused (the first half of the advice; the command line gives its
    own command for the next cycle)."""
    return (
        f"The infusion of {label} was held since {_time(held_since)} ({held_days} days). An "
        "interruption of more than 7 days starts a new cycle, so no restart was recorded."
    )


def _new_cycle(
    label: str, protocol: str, next_cycle: int, held_since: dt.datetime, held_days: int
) -> str:
    return (
        f"{new_cycle_held(label, held_since, held_days)} Start cycle {next_cycle} instead: "
        f"/plan {label} new {protocol} {next_cycle} <start time>"
    )


REFUSALS: dict[str, str | Callable[..., str]] = {
    "plan.protocol": _protocol,
    "plan.cycle": "The cycle must be a number from 1 to {max_cycle}.",
    "plan.start_range": _start_range,
    "plan.kind": _kind,
    "plan.reason_length": "A reason must be 1 to {max_reason} characters of text.",
    "plan.reason_record_number": _record_number,
    "plan.reason_missing": lambda reasons: (
        f"Give the reason for the hold: {', '.join(reasons)}, or a word."
    ),
    "plan.not_enrolled": "You are not enrolled.",
    "plan.not_allowed": "Only nurses, charge nurses and physicians may change infusion plans.",
    "plan.no_plan": (
        "{label} has no current infusion plan: create one first, e.g. "
        "/plan {label} new rr 1 <start time>."
    ),
    "plan.not_now": _not_now,
    "plan.step_up_done": (
        "A step-up is already recorded for {label} since the infusion (re)started."
    ),
    "plan.event_in_future": _in_future,
    "plan.event_before_last": _before_last,
    "plan.start_too_old": _start_too_old,
    "plan.cycle_before_last": _cycle_before_last,
    "plan.still_running": (
        "Cycle {cycle} of {label} is still running. Record how it ended first (End cycle or "
        "Stop infusion under /plan {label}), or give the new cycle a start that is now or past."
    ),
    "plan.same_cycle": _same_cycle,
    "plan.stale": (
        "The plan has changed since that message: nothing was recorded. "
        "Here is the plan as it is now."
    ),
    "plan.new_cycle_needed": _new_cycle,
}
