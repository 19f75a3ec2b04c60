"""The lines of ``/timeline``: one compact line per audit row, worded for the known actions,
and any other shown as its action name with its facts as key=value (a new kind of row is
never hidden)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.clinical.labs import LabTest, shown
from bot.services.timeline import TimelineEntry
from bot.telegram import texts
from bot.telegram.events import finding_label

log = logging.getLogger(__name__)

MAX_VALUE: Final = 60  # characters of one fact in a generic line

Facts = Mapping[str, Any]
Wording = Callable[[TimelineEntry, ZoneInfo], str]


# -- small pieces of wording -----------------------------------------------------------------


def when(at: dt.datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%d %b %H:%M")


def by_line(entry: TimelineEntry) -> str:
    return f" by {entry.actor}" if entry.actor else ""


def _who(value: Any) -> str:
    """A resolved name, or the id of staff the database does not name."""
    if value is None:
        return "someone"
    return value if isinstance(value, str) else f"staff #{value}"


def people(value: Any) -> str:
    names = [_who(v) for v in value] if isinstance(value, list) else []
    return ", ".join(names) or "nobody"


def _words(value: Any) -> str:
    """``rose_two_or_more`` -> ``rose two or more``; a list joined with commas."""
    items = value if isinstance(value, list) else [value]
    return ", ".join(str(v).replace("_", " ") for v in items if v is not None)


def _time(value: Any, zone: ZoneInfo) -> str:
    """An ISO time from a row's detail, in local time; as stored if it does not parse."""
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return when(at, zone) if at.tzinfo is not None else str(value)


def grade_text(facts: Facts) -> str:
    """``ICANS 2 (ICE 6)``, ``ICANS at least 3 (incomplete)`` or ``ICANS not gradable``."""
    grade, complete = facts.get("icans_grade"), facts.get("complete", True)
    if grade is None:
        text = "ICANS not gradable (incomplete)"
    elif complete is False:
        text = f"ICANS at least {grade} (incomplete)"
    else:
        text = f"ICANS {grade}"
    scores = [
        f"{tool} {facts[key]}"
        for tool, key in (("ICE", "ice_score"), ("CAPD", "capd_score"))
        if facts.get(key) is not None
    ]
    return f"{text} ({', '.join(scores)})" if scores else text


def urgency_text(facts: Facts) -> str:
    """``urgency high (grade rose)``; empty when nobody needs to be told."""
    urgency = facts.get("urgency")
    if not urgency or urgency == "none":
        return ""
    reasons = _words(facts.get("reasons") or [])
    return f"urgency {urgency}" + (f" ({reasons})" if reasons else "")


def _joined(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _alert(facts: Facts) -> str:
    number = facts.get("escalation_id")
    return "Alert" if number is None else f"Alert #{number}"


def _step(facts: Facts) -> str:
    """Steps are stored from 0; people count from 1."""
    index = facts.get("step_index")
    return f"step {index + 1}" if isinstance(index, int) else ""


# -- checks, events, patients and plans ------------------------------------------------------


def _check_started(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    kind = "Baseline check" if entry.facts.get("baseline") else "Check"
    return f"{kind} started{by_line(entry)}"


def _check_submitted(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    summary = _joined(grade_text(entry.facts), _crs_text(entry.facts), urgency_text(entry.facts))
    return f"Check submitted{by_line(entry)}: {summary}"


def _crs_text(facts: Facts) -> str:
    """``CRS grade 3, 38.5 °C``; empty when the check did not ask."""
    grade = facts.get("crs_grade")
    if grade is None:
        return ""
    temperature = facts.get("temperature_c")
    return f"CRS grade {grade}" + (f", {temperature:.1f} °C" if temperature is not None else "")


def _lab_recorded(entry: TimelineEntry, zone: ZoneInfo) -> str:
    facts = entry.facts
    test = LabTest(str(facts["test"]))
    sampled = when(dt.datetime.fromisoformat(str(facts["sampled_at"])), zone)
    how = "imported" if facts.get("source") == "import" else "recorded"
    return f"Lab {how}{by_line(entry)}: {shown(test, float(facts['value']))}, sampled {sampled}"


def _check_taken_over(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    previous = entry.facts.get("from_staff_id")
    return f"Check taken over{by_line(entry)}" + (f" from {_who(previous)}" if previous else "")


def _check_cancelled(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    reason = entry.facts.get("reason")
    return f"Check cancelled{by_line(entry)}" + (f" ({reason})" if reason else "")


def _check_abandoned(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    idle = entry.facts.get("idle_minutes")
    return "Check abandoned" + (f" after {idle} min without an answer" if idle else "")


def _check_snoozed(entry: TimelineEntry, zone: ZoneInfo) -> str:
    until = entry.facts.get("until")
    return f"Check prompt snoozed{by_line(entry)}" + (
        f" until {_time(until, zone)}" if until else ""
    )


def _ladder(head: str, then: str) -> Wording:
    """A rung of the missed-check ladder; the physician's rung may open an alert instead of
    naming recipients, so both shapes read well."""

    def wording(entry: TimelineEntry, _zone: ZoneInfo) -> str:
        facts = entry.facts
        late = " (late)" if facts.get("late") else ""
        if "recipients" in facts:
            told = f"{then} {people(facts['recipients'])}"
        else:
            told = then.rstrip(":")
        return _joined(f"{head}{late}{told}", urgency_text(facts))

    return wording


def _event_reported(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    finding = entry.facts.get("finding")
    try:
        what = finding_label(str(finding)).lower()
    except (KeyError, ValueError):
        what = _words(finding)
    # An event has no ICE: its grade is a floor unless the row says otherwise.
    summary = _joined(
        what, grade_text({"complete": False, **entry.facts}), urgency_text(entry.facts)
    )
    return f"Event reported{by_line(entry)}: {summary}"


def _admitted(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    via = " (command line)" if entry.facts.get("via") == "cli" else ""
    return f"Admitted{by_line(entry)}{via}"


def _discharged(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"Discharged{by_line(entry)}"


def _plan_created(entry: TimelineEntry, zone: ZoneInfo) -> str:
    facts = entry.facts
    start = facts.get("starts_at")
    summary = _joined(
        f"{facts.get('protocol', '?')} cycle {facts.get('cycle', '?')}",
        f"start {_time(start, zone)}" if start else "",
        str(facts.get("status") or ""),
    )
    return f"Plan created{by_line(entry)}: {summary}"


def _plan_event(entry: TimelineEntry, zone: ZoneInfo) -> str:
    facts = entry.facts
    kind = str(facts.get("kind") or "")
    words = texts.EVENT_WORDS.get(kind, _words(kind))
    reason = f" ({facts['reason']})" if facts.get("reason") else ""
    at = f", at {_time(facts['event_at'], zone)}" if facts.get("event_at") else ""
    return f"Infusion {words}{reason}{by_line(entry)}{at}"


def _plan_superseded(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"Planned cycle replaced by a new plan{by_line(entry)} (never started)"


# -- escalations --------------------------------------------------------------------------

SOURCES: Final[Mapping[str, str]] = {
    "check": "after a check",
    "event": "after a reported event",
    "missed_check": "for a missed check",
}
CLOSE_REASONS: Final[Mapping[str, str]] = {
    "superseded": "superseded by a newer alert",
    "check_recorded": "a check was recorded",
    "discharged": "the patient was discharged",
    "information": "information only",
}
DECISIONS: Final[Mapping[str, str]] = {
    "continue": "continue the infusion",
    "hold": "hold the infusion",
    "restart": "restart the infusion",
    "discontinue": "discontinue blinatumomab",
    "dexamethasone": "dexamethasone",
    "levetiracetam": "levetiracetam",
    "tocilizumab": "tocilizumab",
    "icu": "ICU",
    "other": "other",
}


def _opened(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts, source = entry.facts, entry.facts.get("source")
    # A missed check is both the source and the reason: say it once.
    reasons = [r for r in facts.get("reasons") or [] if r != source]
    urgency = urgency_text({**facts, "reasons": reasons})
    summary = _joined(urgency, SOURCES.get(str(source), _words(source)) if source else "")
    return f"{_alert(entry.facts)} opened" + (f": {summary}" if summary else "")


def _paged(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    roles = _words(facts.get("roles") or [])
    step = _joined(_step(facts), roles)
    return f"{_alert(facts)} sent to {people(facts.get('recipients'))}" + (
        f" ({step})" if step else ""
    )


def _nobody(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    roles = _words(facts.get("roles") or []) or "that step"
    step = _step(facts)
    return f"{_alert(facts)}{' ' + step if step else ''}: nobody on call as {roles}"


def _delivered(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"{_alert(entry.facts)} delivered to {_who(entry.facts.get('staff_id'))}"


def _delivery_failed(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    error = entry.facts.get("error")
    who = _who(entry.facts.get("staff_id"))
    return f"{_alert(entry.facts)} NOT delivered to {who}" + (f": {short(error)}" if error else "")


def _acknowledged(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    by = entry.facts.get("by")
    who = _who(by) if by is not None else (entry.actor or "someone")
    if entry.facts.get("kind") == "coming":
        return f"{_alert(entry.facts)}: {who} is coming"
    return f"{_alert(entry.facts)} acknowledged by {who}"


def _exhausted(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    told = entry.facts.get("told")
    who = f": {people(told)}" if isinstance(told, list) else ""
    return f"{_alert(entry.facts)}: nobody acknowledged; admins and charge nurses told{who}"


def _closed(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    reason = entry.facts.get("reason")
    why = CLOSE_REASONS.get(str(reason), _words(reason)) if reason else ""
    return f"{_alert(entry.facts)} closed{by_line(entry)}" + (f": {why}" if why else "")


def _decision(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    decision = entry.facts.get("decision")
    what = DECISIONS.get(str(decision), _words(decision))
    return f"Decision on {_alert(entry.facts).lower()}{by_line(entry)}: {what}"


def _attributed(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    before, after = facts.get("icans_grade_before"), facts.get("icans_grade_after")
    domains = _words(facts.get("domains") or [])
    elsewhere = f" ({domains} attributed to another cause)" if domains else ""
    return f"Grade re-attributed{by_line(entry)}: ICANS {before} → {after}{elsewhere}"


def _follow_up(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"{_alert(entry.facts)}: follow-up reminder sent"


CHANNELS: Final[Mapping[str, str]] = {"email": "e-mail", "webhook": "the ward's webhook"}


def _second_channel(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    """Left Telegram: who by which way, and who has no second channel."""
    facts, alert = entry.facts, _alert(entry.facts)
    if facts.get("event") == "acknowledged":
        return f"{alert}: the ward's webhook is told of the acknowledgement"
    why = "nobody acknowledged" if facts.get("event") == "exhausted" else "not acknowledged"
    to = people(facts.get("recipients"))
    line = f"{alert} {why} for {facts.get('minutes')} min: off Telegram to {to}"
    line += ", and the ward's webhook" if facts.get("webhook") else ", no ward webhook"
    without = facts.get("without")
    return line + (f" ({people(without)}: no second channel)" if without else "")


def _second_channel_result(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    way = CHANNELS.get(str(facts.get("channel")), str(facts.get("channel")))
    staff = facts.get("staff_id")
    to = f"{way} of {_who(staff)}" if staff is not None else way
    if entry.action.endswith("_delivered"):
        return f"{_alert(facts)}: delivered by {to}"
    return f"{_alert(facts)}: NOT delivered by {to}: {short(facts.get('error'))}"


def _second_channel_withdrawn(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"{_alert(entry.facts)}: {entry.facts.get('count')} message(s) off Telegram withdrawn"


WORDINGS: Final[Mapping[str, Wording]] = {
    "check.started": _check_started,
    "check.submitted": _check_submitted,
    "check.taken_over": _check_taken_over,
    "check.cancelled": _check_cancelled,
    "check.abandoned": _check_abandoned,
    "check.snoozed": _check_snoozed,
    "check.ladder.prompt": _ladder("Check prompt", " sent to"),
    "check.ladder.remind": _ladder("Check reminder", " sent to"),
    "check.ladder.charge": _ladder("Check not started", ", charge nurse told:"),
    "check.ladder.physician": _ladder("Check not started", ", escalated to the physician:"),
    "event.reported": _event_reported,
    "lab.recorded": _lab_recorded,
    "patient.admitted": _admitted,
    "patient.discharged": _discharged,
    "plan.created": _plan_created,
    "plan.event": _plan_event,
    "plan.superseded": _plan_superseded,
    "escalation.opened": _opened,
    "escalation.paged": _paged,
    "escalation.nobody": _nobody,
    "escalation.delivered": _delivered,
    "escalation.delivery_failed": _delivery_failed,
    "escalation.acknowledged": _acknowledged,
    "escalation.exhausted": _exhausted,
    "escalation.closed": _closed,
    "escalation.decision": _decision,
    "grade.attributed": _attributed,
    "escalation.follow_up_reminder": _follow_up,
    "escalation.second_channel": _second_channel,
    "escalation.second_channel_delivered": _second_channel_result,
    "escalation.second_channel_failed": _second_channel_result,
    "escalation.second_channel_withdrawn": _second_channel_withdrawn,
}


def short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"
