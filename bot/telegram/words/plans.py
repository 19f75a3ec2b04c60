"""Words of the plans area's refusals (see ``bot.telegram.words``), and of the hold reasons,
in the reader's language.

Times arrive as facts already in the hospital's zone; they read ``24 Nov 2026 08:00`` in
English, ``2026年11月24日 08:00`` in Chinese. Codes the command line takes (``end_cycle``,
``neurotoxicity``, ``rr``) and the ``/plan`` syntax stay as typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.patient_texts import local_time, say
from bot.telegram.words.time import OR

HOLD_REASONS: Final[Mapping[str, str]] = {
    "neurotoxicity": N_("Neurotoxicity"),
    "crs": N_("CRS"),
    "infection": N_("Infection"),
    "line": N_("Line problem"),
    "other": N_("Other"),
}
"""How each hold reason code (``bot.clinical.infusion.HOLD_REASONS``) reads."""

KIND_WORDS: Final[Mapping[str, str]] = {
    "start": N_("start"),
    "step_up": N_("step up"),
    "hold": N_("hold"),
    "restart": N_("restart"),
    "stop": N_("stop"),
    "end_cycle": N_("end cycle"),
}
STATUSES: Final[Mapping[str, str]] = {
    "planned": N_("planned"),
    "running": N_("running"),
    "held": N_("held"),
    "stopped": N_("stopped"),
    "completed": N_("completed"),
}


def reason_words(reason: str | None, language: str = ENGLISH) -> str | None:
    """A stored hold reason as it reads: the code's words, or the free text as given."""
    if reason is None:
        return None
    words = HOLD_REASONS.get(reason)
    return gettext(language, words) if words else reason


def kind_words(kind: str, language: str = ENGLISH) -> str:
    """``end_cycle`` reads "end cycle"."""
    words = KIND_WORDS.get(kind)
    return gettext(language, words) if words else kind.replace("_", " ")


def status_words(status: str, language: str = ENGLISH) -> str:
    """A plan's status as a sentence says it ("The infusion is now held.")."""
    words = STATUSES.get(status)
    return gettext(language, words) if words else status


def _time(at: dt.datetime, language: str) -> str:
    if language == ENGLISH or not isinstance(at.tzinfo, ZoneInfo):
        return at.strftime("%d %b %Y %H:%M")
    return local_time(at, at.tzinfo, language)


def _protocol(text: str, protocols: Sequence[str], language: str = ENGLISH) -> str:
    template = N_("{text!r} is not a protocol: use {protocols}.")
    return gettext(language, template).format(
        text=text, protocols=gettext(language, OR).join(protocols)
    )


def _start_range(start: dt.datetime, days: int, ahead: bool, language: str = ENGLISH) -> str:
    if ahead:
        template = N_("The start {start} is more than {days} days ahead.")
    else:
        template = N_("The start {start} is more than {days} days ago.")
    return say(language, template, start=_time(start, language), days=days)


def _kind(text: str, kinds: Sequence[str], language: str = ENGLISH) -> str:
    template = N_("{text!r} is not an infusion event: use one of {kinds}.")
    return gettext(language, template).format(text=text, kinds=gettext(language, ", ").join(kinds))


def _reason_missing(reasons: Sequence[str], language: str = ENGLISH) -> str:
    return say(
        language,
        N_("Give the reason for the hold: {reasons}, or a word."),
        reasons=gettext(language, ", ").join(reasons),
    )


def _not_now(
    label: str,
    status: str,
    kind: str,
    possible: Sequence[str],
    language: str = ENGLISH,
    **_: Any,
) -> str:
    allowed = gettext(language, ", ").join(kind_words(k, language) for k in possible)
    return say(
        language,
        N_(
            "The infusion of {label} is {status}: {kind} cannot be recorded now "
            "(possible: {possible})."
        ),
        label=label,
        status=status_words(status, language),
        kind=kind_words(kind, language),
        possible=allowed or gettext(language, N_("nothing more")),
    )


def _in_future(at: dt.datetime, language: str = ENGLISH, **_: Any) -> str:
    template = N_("{at} is in the future: record an event when it has happened.")
    return say(language, template, at=_time(at, language))


def _before_last(
    at: dt.datetime, last_kind: str, last_at: dt.datetime, language: str = ENGLISH, **_: Any
) -> str:
    return say(
        language,
        N_(
            "{at} is before the last event ({kind} at {last_at}): events are recorded in the "
            "order they happened."
        ),
        at=_time(at, language),
        kind=kind_words(last_kind, language),
        last_at=_time(last_at, language),
    )


def _start_too_old(at: dt.datetime, days: int, language: str = ENGLISH, **_: Any) -> str:
    return _start_range(at, days, False, language)


def _cycle_before_last(
    cycle: int, last_kind: str, last_at: dt.datetime, language: str = ENGLISH
) -> str:
    return say(
        language,
        N_(
            "The new cycle cannot start before the last event of cycle {cycle} ({kind} at "
            "{last_at})."
        ),
        cycle=cycle,
        kind=kind_words(last_kind, language),
        last_at=_time(last_at, language),
    )


def _same_cycle(
    label: str,
    protocol: str,
    cycle: int,
    status: str,
    started: dt.datetime,
    language: str = ENGLISH,
) -> str:
    return say(
        language,
        N_(
            "{label} is already on {protocol} cycle {cycle} ({status}, started {started}). "
            "Record how that cycle ended first, or give the next cycle's number."
        ),
        label=label,
        protocol=protocol,
        cycle=cycle,
        status=status_words(status, language),
        started=_time(started, language),
    )


def new_cycle_held(
    label: str, held_since: dt.datetime, held_days: int, language: str = ENGLISH, **_: Any
) -> str:
    """Why a restart was refused (the first half of the advice; the command line gives its
    own command for the next cycle)."""
    return say(
        language,
        N_(
            "The infusion of {label} was held since {since} ({days} days). An interruption of "
            "more than 7 days starts a new cycle, so no restart was recorded."
        ),
        label=label,
        since=_time(held_since, language),
        days=held_days,
    )


def _new_cycle(
    label: str,
    protocol: str,
    next_cycle: int,
    held_since: dt.datetime,
    held_days: int,
    language: str = ENGLISH,
) -> str:
    instead = say(
        language,
        N_("Start cycle {cycle} instead: /plan {label} new {protocol} {cycle} <start time>"),
        label=label,
        protocol=protocol,
        cycle=next_cycle,
    )
    held = new_cycle_held(label, held_since, held_days, language)
    return say(language, N_("{held} {instead}"), held=held, instead=instead)


REFUSALS: dict[str, str | Callable[..., str]] = {
    "plan.protocol": _protocol,
    "plan.cycle": N_("The cycle must be a number from 1 to {max_cycle}."),
    "plan.start_range": _start_range,
    "plan.kind": _kind,
    "plan.reason_length": N_("A reason must be 1 to {max_reason} characters of text."),
    "plan.reason_record_number": N_(
        "The reason {reason!r} looks like it holds a record number; describe the reason "
        "only (e.g. neurotoxicity, CRS, infection, line problem)."
    ),
    "plan.reason_missing": _reason_missing,
    "plan.not_enrolled": N_("You are not enrolled."),
    "plan.not_allowed": N_("Only nurses, charge nurses and physicians may change infusion plans."),
    "plan.no_plan": N_(
        "{label} has no current infusion plan: create one first, e.g. "
        "/plan {label} new rr 1 <start time>."
    ),
    "plan.not_now": _not_now,
    "plan.step_up_done": N_(
        "A step-up is already recorded for {label} since the infusion (re)started."
    ),
    "plan.event_in_future": _in_future,
    "plan.event_before_last": _before_last,
    "plan.start_too_old": _start_too_old,
    "plan.cycle_before_last": _cycle_before_last,
    "plan.still_running": N_(
        "Cycle {cycle} of {label} is still running. Record how it ended first (End cycle or "
        "Stop infusion under /plan {label}), or give the new cycle a start that is now or past."
    ),
    "plan.same_cycle": _same_cycle,
    "plan.stale": N_(
        "The plan has changed since that message: nothing was recorded. "
        "Here is the plan as it is now."
    ),
    "plan.new_cycle_needed": _new_cycle,
}
