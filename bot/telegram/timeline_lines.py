"""The lines of ``/timeline``: one compact line per audit row, worded for the known actions in
the reader's language, and any other shown as its action name with its facts as key=value (a
new kind of row is never hidden). The alerts' rows are worded in ``timeline_alerts``.

Each wording names who did it in a template of its own ("Check started by {name}", "{name}
开始评估"), since the languages put the person in different places.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Final

from bot.clinical.labs import LabTest
from bot.services.timeline import STAFF_LIST_KEYS, TimelineEntry
from bot.telegram import texts
from bot.telegram.history_texts import finding_words
from bot.telegram.i18n import N_, gettext
from bot.telegram.timeline_alerts import ALERT_WORDINGS
from bot.telegram.timeline_pieces import Say, Wording, short, words_of
from bot.telegram.words.labs import shown as lab_value
from bot.telegram.words.plans import STATUSES

log = logging.getLogger(__name__)

__all__ = ["WORDINGS", "entry_line", "generic"]


def generic(entry: TimelineEntry, say: Say) -> str:
    """Any action without a wording: its name, who, and its facts as key=value by key."""
    facts = ", ".join(
        f"{key}={short(say.people(value) if key in STAFF_LIST_KEYS else value)}"
        for key, value in sorted(entry.facts.items())  # JSONB keeps no order: sort for both
        if value is not None
    )
    if facts:
        return say.by(
            entry,
            N_("{action} by {name}: {facts}"),
            N_("{action}: {facts}"),
            action=entry.action,
            facts=facts,
        )
    return say.by(entry, N_("{action} by {name}"), "{action}", action=entry.action)


def entry_line(entry: TimelineEntry, say: Say) -> str:
    """One row of the trail; a wording that trips over odd facts falls back to the generic
    line, because a trail that hides a row is worse than one that shows it plainly."""
    wording = WORDINGS.get(entry.action)
    try:
        text = wording(entry, say) if wording else generic(entry, say)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        log.warning("audit row %s (%s) did not fit its wording", entry.id, entry.action)
        text = generic(entry, say)
    return f"{say.when(entry.at)} · {text}"


# -- checks, events and labs ---------------------------------------------------------------


def _check_started(entry: TimelineEntry, say: Say) -> str:
    if entry.facts.get("baseline"):
        return say.by(entry, N_("Baseline check started by {name}"), N_("Baseline check started"))
    return say.by(entry, N_("Check started by {name}"), N_("Check started"))


def _check_submitted(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    summary = say.join([say.grade(facts), _crs(facts, say), say.urgency(facts)])
    return say.by(
        entry,
        N_("Check submitted by {name}: {summary}"),
        N_("Check submitted: {summary}"),
        summary=summary,
    )


def _crs(facts: Mapping[str, object], say: Say) -> str:
    """``CRS grade 3, 38.5 °C``; empty when the check did not ask."""
    grade = facts.get("crs_grade")
    if grade is None:
        return ""
    temperature = facts.get("temperature_c")
    return say.crs(grade, float(temperature) if isinstance(temperature, int | float) else None)


def _lab_recorded(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    value = lab_value(LabTest(str(facts["test"])), float(facts["value"]), say.language)
    sampled = say.when(dt.datetime.fromisoformat(str(facts["sampled_at"])))
    if facts.get("source") == "import":
        with_actor = N_("Lab imported by {name}: {value}, sampled {sampled}")
        without = N_("Lab imported: {value}, sampled {sampled}")
    else:
        with_actor = N_("Lab recorded by {name}: {value}, sampled {sampled}")
        without = N_("Lab recorded: {value}, sampled {sampled}")
    return say.by(entry, with_actor, without, value=value, sampled=sampled)


def _check_taken_over(entry: TimelineEntry, say: Say) -> str:
    previous = entry.facts.get("from_staff_id")
    if previous:
        return say.by(
            entry,
            N_("Check taken over by {name} from {previous}"),
            N_("Check taken over from {previous}"),
            previous=say.who(previous),
        )
    return say.by(entry, N_("Check taken over by {name}"), N_("Check taken over"))


CANCEL_REASONS: Final[Mapping[str, str]] = {"patient discharged": N_("patient discharged")}
"""Reasons stored as words in a cancelled check's row (by the discharge)."""


def _check_cancelled(entry: TimelineEntry, say: Say) -> str:
    reason = str(entry.facts.get("reason") or "")
    line = say.by(entry, N_("Check cancelled by {name}"), N_("Check cancelled"))
    why = gettext(say.language, CANCEL_REASONS[reason]) if reason in CANCEL_REASONS else reason
    return say.aside(line, why)


def _check_abandoned(entry: TimelineEntry, say: Say) -> str:
    idle = entry.facts.get("idle_minutes")
    if idle:
        return say(N_("Check abandoned after {minutes} min without an answer"), minutes=idle)
    return say(N_("Check abandoned"))


def _check_snoozed(entry: TimelineEntry, say: Say) -> str:
    until = entry.facts.get("until")
    if until:
        return say.by(
            entry,
            N_("Check prompt snoozed by {name} until {until}"),
            N_("Check prompt snoozed until {until}"),
            until=say.time(until),
        )
    return say.by(entry, N_("Check prompt snoozed by {name}"), N_("Check prompt snoozed"))


def _ladder(told: str, untold: str) -> Wording:
    """A rung of the missed-check ladder; the physician's rung may open an alert instead of
    naming recipients, so both shapes read well."""

    def wording(entry: TimelineEntry, say: Say) -> str:
        facts = entry.facts
        late = say(N_(" (late)")) if facts.get("late") else ""
        if "recipients" in facts:
            line = say(told, late=late, people=say.people(facts["recipients"]))
        else:
            line = say(untold, late=late)
        return say.join([line, say.urgency(facts)])

    return wording


def _event_reported(entry: TimelineEntry, say: Say) -> str:
    finding = entry.facts.get("finding")
    try:
        what = finding_words(str(finding), say.language).lower()
    except (KeyError, ValueError):
        what = words_of(finding)
    # An event has no ICE: its grade is a floor unless the row says otherwise.
    grade = say.grade({"complete": False, **entry.facts})
    summary = say.join([what, grade, say.urgency(entry.facts)])
    return say.by(
        entry,
        N_("Event reported by {name}: {summary}"),
        N_("Event reported: {summary}"),
        summary=summary,
    )


# -- patients and plans ---------------------------------------------------------------------


def _admitted(entry: TimelineEntry, say: Say) -> str:
    line = say.by(entry, N_("Admitted by {name}"), N_("Admitted"))
    return say.aside(line, say(N_("command line")) if entry.facts.get("via") == "cli" else "")


def _discharged(entry: TimelineEntry, say: Say) -> str:
    return say.by(entry, N_("Discharged by {name}"), N_("Discharged"))


PLAN_STATUSES: Final = STATUSES  # storage.models.PlanStatus, as the plan itself says them
HOLD_REASONS: Final[Mapping[str, str]] = {  # bot.clinical.infusion.HOLD_REASONS, as stored
    "neurotoxicity": N_("neurotoxicity"),
    "crs": N_("crs"),
    "infection": N_("infection"),
    "line": N_("line"),
    "other": N_("other"),
}


def _plan_created(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    start, status = facts.get("starts_at"), str(facts.get("status") or "")
    cycle = say(
        N_("{protocol} cycle {cycle}"),
        protocol=facts.get("protocol", "?"),
        cycle=facts.get("cycle", "?"),
    )
    summary = say.join(
        [
            cycle,
            say(N_("start {time}"), time=say.time(start)) if start else "",
            say.code(PLAN_STATUSES, status) if status else "",
        ]
    )
    return say.by(
        entry,
        N_("Plan created by {name}: {summary}"),
        N_("Plan created: {summary}"),
        summary=summary,
    )


def _plan_event(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    kind = str(facts.get("kind") or "")
    event = say.code(texts.EVENT_WORDS, kind) if kind else ""
    stored = facts.get("reason")
    reason = say(N_(" ({reason})"), reason=say.code(HOLD_REASONS, stored)) if stored else ""
    at = facts.get("event_at")
    if at:
        return say.by(
            entry,
            N_("Infusion {event}{reason} by {name}, at {at}"),
            N_("Infusion {event}{reason}, at {at}"),
            event=event,
            reason=reason,
            at=say.time(at),
        )
    return say.by(
        entry,
        N_("Infusion {event}{reason} by {name}"),
        N_("Infusion {event}{reason}"),
        event=event,
        reason=reason,
    )


def _plan_superseded(entry: TimelineEntry, say: Say) -> str:
    return say.by(
        entry,
        N_("Planned cycle replaced by a new plan by {name} (never started)"),
        N_("Planned cycle replaced by a new plan (never started)"),
    )


WORDINGS: Final[Mapping[str, Wording]] = {
    "check.started": _check_started,
    "check.submitted": _check_submitted,
    "check.taken_over": _check_taken_over,
    "check.cancelled": _check_cancelled,
    "check.abandoned": _check_abandoned,
    "check.snoozed": _check_snoozed,
    "check.ladder.prompt": _ladder(
        N_("Check prompt{late} sent to {people}"), N_("Check prompt{late} sent to")
    ),
    "check.ladder.remind": _ladder(
        N_("Check reminder{late} sent to {people}"), N_("Check reminder{late} sent to")
    ),
    "check.ladder.charge": _ladder(
        N_("Check not started{late}, charge nurse told: {people}"),
        N_("Check not started{late}, charge nurse told"),
    ),
    "check.ladder.physician": _ladder(
        N_("Check not started{late}, escalated to the physician: {people}"),
        N_("Check not started{late}, escalated to the physician"),
    ),
    "event.reported": _event_reported,
    "lab.recorded": _lab_recorded,
    "patient.admitted": _admitted,
    "patient.discharged": _discharged,
    "plan.created": _plan_created,
    "plan.event": _plan_event,
    "plan.superseded": _plan_superseded,
    **ALERT_WORDINGS,
}
