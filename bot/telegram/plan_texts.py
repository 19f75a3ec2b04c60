"""The words of infusion plans (``/plan``, its buttons and confirmations), in the reader's
language; the command line (``neurocheck plan ...``) says them in English.

Arguments the bot parses stay as typed in every language: the protocols ``rr`` and ``mrd``,
``new``, ``now`` and the times, as in ``/plan Bed 4 new rr 1 2026-11-24 09:00``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from zoneinfo import ZoneInfo

from bot.services.plans import PlanView
from bot.telegram import texts
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.patient_texts import NOTHING_STORED, local_time, say
from bot.telegram.words.plans import reason_words, status_words
from storage.models import InfusionEventKind, PlanStatus

MAX_EVENT_LINES: Final = 40
PLAN_EXAMPLE: Final = "/plan Bed 4 new rr 1 2026-11-24 09:00"
PLAN_USAGE: Final = N_(
    "To see a patient's infusion plan: /plan <label>, e.g. /plan Bed 4\n"
    "To start a cycle: /plan <label> new <protocol> <cycle> <start>\n"
    "Example: {example}\n\n"
    "- protocol: rr (relapsed/refractory) or mrd (MRD-positive/consolidation)\n"
    "- cycle: 1, 2, ...\n"
    "- start: YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (hospital time), or now. A start in the "
    "future is planned; now or past means the infusion is running.\n\n"
    "A new cycle ends the patient's previous plan. On several wards, the ward code may come "
    "first: /plan H7, Bed 4"
)
PROTOCOL_NAMES: Final[Mapping[str, str]] = {
    "rr": N_("relapsed/refractory"),
    "mrd": N_("MRD-positive/consolidation"),
}

CADENCE_NAMES: Final[Mapping[str, str]] = {
    "baseline": N_("baseline before the first dose"),
    "abnormal": N_("abnormal episode"),
    "recovery": N_("recovery tail"),
    "routine": N_("intensive"),
    "watch": N_("ward watch"),
    "adhoc": N_("extra check"),
}
"""Which cadence a patient's next check belongs to (the scheduled check's kind)."""

PLAN_BUTTONS: Final[Mapping[str, str]] = {
    "start": N_("Start now"),
    "step_up": N_("Step up now"),
    "hold": N_("Hold now"),
    "restart": N_("Restart now"),
    "stop": N_("Stop infusion"),
    "end_cycle": N_("End cycle"),
}
CONFIRMS: Final[Mapping[str, str]] = {
    "start": N_("Record that the infusion of {label} started now?"),
    "step_up": N_("Record the dose step-up of {label} now?"),
    "hold": N_("Hold the infusion of {label} now? Reason: {reason}."),
    "restart": N_("Record that the infusion of {label} restarted now?"),
    "stop": N_("Stop the infusion of {label} for good (discontinue) now? The plan ends."),
    "end_cycle": N_("End cycle {cycle} of {label} now? The plan ends."),
}
CONFIRM: Final = N_("Confirm")
PLAN_STALE: Final = N_(
    "The plan has changed since this message: nothing was recorded. Send /plan again."
)
PLAN_NOT_RECORDED: Final = N_("Not recorded.")
PLAN_VIEW_ONLY: Final = N_("Your role may look at plans but not change them.")


def cadence(kind: str | None, hours: int | None, language: str = ENGLISH) -> str:
    """ "ward watch, every 12 h": what the ward board and the plan say about the next check."""
    words = CADENCE_NAMES.get(kind or "")
    name = gettext(language, words) if words else kind or ""
    return say(language, N_("{name}, every {hours} h"), name=name, hours=hours) if hours else name


def protocol_name(code: str, language: str = ENGLISH) -> str:
    name = PROTOCOL_NAMES.get(code)
    if name is None:
        return code
    return say(language, N_("{name} ({code})"), name=gettext(language, name), code=code)


def plan_usage(language: str = ENGLISH) -> str:
    return say(language, PLAN_USAGE, example=PLAN_EXAMPLE)


def plan_refused(problem: str, language: str = ENGLISH) -> str:
    return say(language, NOTHING_STORED, problem=problem, example=PLAN_EXAMPLE)


def no_plan(label: str, ward_code: str, language: str = ENGLISH) -> str:
    return say(
        language,
        N_(
            "{label} (ward {ward}) has no infusion plan yet. Start one with "
            "/plan {label} new rr|mrd <cycle> <start>, e.g. /plan {label} new rr 1 now"
        ),
        label=label,
        ward=ward_code,
    )


def plan_confirm(
    kind: str, label: str, cycle: int, reason: str | None = None, language: str = ENGLISH
) -> str:
    """The question before an event is recorded (``reason``: the hold reason's words)."""
    return say(language, CONFIRMS[kind], label=label, cycle=cycle, reason=reason)


def hold_reason_question(label: str, language: str = ENGLISH) -> str:
    return say(language, N_("Hold the infusion of {label}: why?"), label=label)


def plan_recorded(label: str, at: str, what: str, status: str, language: str = ENGLISH) -> str:
    """What a confirmed event says (``status``: the plan's status code)."""
    lines = [
        say(language, N_("Recorded for {label} at {at}: {what}."), label=label, at=at, what=what),
        say(language, N_("The infusion is now {status}."), status=status_words(status, language)),
    ]
    if status == "held":
        lines.append(gettext(language, N_("Neuro checks continue during the hold.")))
    lines.append(say(language, N_("/plan {label} shows the plan."), label=label))
    return "\n".join(lines)


def cycle_ended(cycle: int, protocol: str, status: str, language: str = ENGLISH) -> str:
    """The previous plan a new cycle ended: "Cycle 1 (rr) is now completed."."""
    template = N_("Cycle {cycle} ({protocol}) is now {status}.")
    return say(
        language, template, cycle=cycle, protocol=protocol, status=status_words(status, language)
    )


def plan_created(already: bool, ended: str | None, language: str = ENGLISH) -> str:
    if already:
        return gettext(language, N_("This plan already exists; nothing changed."))
    if ended:
        return say(language, N_("Plan created. {ended}"), ended=ended)
    return gettext(language, N_("Plan created."))


def event_line(kind: InfusionEventKind, reason: str | None, language: str = ENGLISH) -> str:
    """An event as the plan lists it: "hold (CRS)" (``reason``: its words, already said)."""
    words = gettext(language, texts.EVENT_WORDS[kind.value])
    return say(language, N_("{event} ({reason})"), event=words, reason=reason) if reason else words


def plan_text(view: PlanView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """The plan as the chat and the command line show it."""
    status = status_words(view.status.value, language)
    if view.status is PlanStatus.HELD and view.held_since is not None:
        since = local_time(view.held_since, zone, language)
        status = say(language, N_("held since {since}"), since=since)
    lines = [
        say(
            language,
            N_("{label}, ward {ward}: infusion plan"),
            label=view.patient_label,
            ward=view.ward_code,
        ),
        say(
            language,
            N_("Protocol: {protocol}, cycle {cycle}"),
            protocol=protocol_name(view.protocol, language),
            cycle=view.cycle_number,
        ),
        say(language, N_("Start: {start}"), start=local_time(view.starts_at, zone, language)),
    ]
    if view.cycle_day is not None:
        lines.append(say(language, N_("Cycle day: {day}"), day=view.cycle_day))
    lines.append(say(language, N_("Status: {status}"), status=status))
    if view.next_check_at is not None:
        lines.append(
            say(
                language,
                N_("Next check: {at} ({why})"),
                at=local_time(view.next_check_at, zone, language),
                why=cadence(view.cadence, view.cadence_hours, language),
            )
        )
    if view.status is PlanStatus.PLANNED:
        lines.append(gettext(language, N_("Record the start when the infusion begins.")))
    if not view.events:
        return "\n".join([*lines, "", gettext(language, N_("No events yet."))])
    lines += ["", gettext(language, N_("Events:"))]
    shown = view.events[-MAX_EVENT_LINES:]
    if len(shown) < len(view.events):
        hidden = N_("({count} earlier events not shown)")
        lines.append(say(language, hidden, count=len(view.events) - len(shown)))
    server = gettext(language, N_("server"))
    for event in shown:
        what = event_line(event.kind, reason_words(event.reason, language), language)
        at = local_time(event.at, zone, language)
        lines.append(f"• {at} {what} · {event.recorded_by or server}")
    return "\n".join(lines)
