"""The ``/timeline`` lines of an alert's rows (escalations): opened, paged, delivered,
acknowledged, decided, closed, and the second channel, in the reader's language.

Every escalation row carries its ``escalation_id`` (``audit_escalation`` writes it); a row
without one does not fit these wordings and is shown plainly (``timeline_lines.generic``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.services.timeline import TimelineEntry
from bot.telegram.i18n import N_, gettext
from bot.telegram.timeline_pieces import DOMAINS, ROLES, Facts, Say, Wording, short

SOURCES: Final[Mapping[str, str]] = {
    "check": N_("after a check"),
    "event": N_("after a reported event"),
    "missed_check": N_("for a missed check"),
}
CLOSE_REASONS: Final[Mapping[str, str]] = {
    "superseded": N_("superseded by a newer alert"),
    "check_recorded": N_("a check was recorded"),
    "discharged": N_("the patient was discharged"),
    "information": N_("information only"),
}
DECISIONS: Final[Mapping[str, str]] = {
    "continue": N_("continue the infusion"),
    "hold": N_("hold the infusion"),
    "restart": N_("restart the infusion"),
    "discontinue": N_("discontinue blinatumomab"),
    "dexamethasone": N_("dexamethasone"),
    "levetiracetam": N_("levetiracetam"),
    "tocilizumab": N_("tocilizumab"),
    "icu": N_("ICU"),
    "other": N_("other"),
}
CHANNELS: Final[Mapping[str, str]] = {"email": N_("e-mail"), "webhook": N_("the ward's webhook")}


def _alert(facts: Facts, say: Say) -> str:
    """``Alert #12``: every escalation row names its alert (KeyError otherwise)."""
    return say(N_("Alert #{number}"), number=facts["escalation_id"])


def _step(facts: Facts, say: Say) -> str:
    """Steps are stored from 0; people count from 1."""
    index = facts.get("step_index")
    return say(N_("step {number}"), number=index + 1) if isinstance(index, int) else ""


def _opened(entry: TimelineEntry, say: Say) -> str:
    facts, source = entry.facts, entry.facts.get("source")
    # A missed check is both the source and the reason: say it once.
    reasons = [r for r in facts.get("reasons") or [] if r != source]
    urgency = say.urgency({**facts, "reasons": reasons})
    summary = say.join([urgency, say.code(SOURCES, source) if source else ""])
    alert = _alert(facts, say)
    if summary:
        return say(N_("{alert} opened: {summary}"), alert=alert, summary=summary)
    return say(N_("{alert} opened"), alert=alert)


def _paged(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    step = say.join([_step(facts, say), say.code(ROLES, facts.get("roles") or [])])
    line = say(
        N_("{alert} sent to {people}"),
        alert=_alert(facts, say),
        people=say.people(facts.get("recipients")),
    )
    return say.aside(line, step)


def _nobody(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    roles = say.code(ROLES, facts.get("roles") or []) or say(N_("that step"))
    alert, step = _alert(facts, say), _step(facts, say)
    if step:
        return say(
            N_("{alert} {step}: nobody on call as {roles}"), alert=alert, step=step, roles=roles
        )
    return say(N_("{alert}: nobody on call as {roles}"), alert=alert, roles=roles)


def _delivered(entry: TimelineEntry, say: Say) -> str:
    who = say.who(entry.facts.get("staff_id"))
    return say(N_("{alert} delivered to {name}"), alert=_alert(entry.facts, say), name=who)


def _delivery_failed(entry: TimelineEntry, say: Say) -> str:
    error, alert = entry.facts.get("error"), _alert(entry.facts, say)
    who = say.who(entry.facts.get("staff_id"))
    if error:
        return say(
            N_("{alert} NOT delivered to {name}: {error}"),
            alert=alert,
            name=who,
            error=short(error),
        )
    return say(N_("{alert} NOT delivered to {name}"), alert=alert, name=who)


def _acknowledged(entry: TimelineEntry, say: Say) -> str:
    by = entry.facts.get("by")
    who = say.who(by) if by is not None else (entry.actor or say.who(None))
    alert = _alert(entry.facts, say)
    if entry.facts.get("kind") == "coming":
        return say(N_("{alert}: {name} is coming"), alert=alert, name=who)
    return say(N_("{alert} acknowledged by {name}"), alert=alert, name=who)


def _exhausted(entry: TimelineEntry, say: Say) -> str:
    told, alert = entry.facts.get("told"), _alert(entry.facts, say)
    if isinstance(told, list):
        return say(
            N_("{alert}: nobody acknowledged; admins and charge nurses told: {people}"),
            alert=alert,
            people=say.people(told),
        )
    return say(N_("{alert}: nobody acknowledged; admins and charge nurses told"), alert=alert)


def _closed(entry: TimelineEntry, say: Say) -> str:
    reason = entry.facts.get("reason")
    why = say.code(CLOSE_REASONS, reason) if reason else ""
    alert = _alert(entry.facts, say)
    if why:
        return say.by(
            entry,
            N_("{alert} closed by {name}: {why}"),
            N_("{alert} closed: {why}"),
            alert=alert,
            why=why,
        )
    return say.by(entry, N_("{alert} closed by {name}"), N_("{alert} closed"), alert=alert)


def _decision(entry: TimelineEntry, say: Say) -> str:
    decision = entry.facts.get("decision")
    what = say.code(DECISIONS, decision)
    return say.by(
        entry,
        N_("Decision on {alert} by {name}: {decision}"),
        N_("Decision on {alert}: {decision}"),
        alert=_alert(entry.facts, say).lower(),
        decision=what,
    )


def _attributed(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    before, after = facts.get("icans_grade_before"), facts.get("icans_grade_after")
    line = say.by(
        entry,
        N_("Grade re-attributed by {name}: ICANS {before} → {after}"),
        N_("Grade re-attributed: ICANS {before} → {after}"),
        before=before,
        after=after,
    )
    domains = say.code(DOMAINS, facts.get("domains") or [])
    if not domains:
        return line
    return line + say(N_(" ({domains} attributed to another cause)"), domains=domains)


def _follow_up(entry: TimelineEntry, say: Say) -> str:
    return say(N_("{alert}: follow-up reminder sent"), alert=_alert(entry.facts, say))


def _second_channel(entry: TimelineEntry, say: Say) -> str:
    """Left Telegram: who by which way, and who has no second channel."""
    facts, alert = entry.facts, _alert(entry.facts, say)
    if facts.get("event") == "acknowledged":
        return say(N_("{alert}: the ward's webhook is told of the acknowledgement"), alert=alert)
    if facts.get("event") == "exhausted":
        template = N_("{alert} nobody acknowledged for {minutes} min: off Telegram to {people}")
    else:
        template = N_("{alert} not acknowledged for {minutes} min: off Telegram to {people}")
    to = say.people(facts.get("recipients"))
    line = say(template, alert=alert, minutes=facts.get("minutes"), people=to)
    line += say(N_(", and the ward's webhook") if facts.get("webhook") else N_(", no ward webhook"))
    without = facts.get("without")
    if without:
        line += say(N_(" ({people}: no second channel)"), people=say.people(without))
    return line


def _second_channel_result(entry: TimelineEntry, say: Say) -> str:
    facts = entry.facts
    channel = str(facts.get("channel"))
    way = gettext(say.language, CHANNELS[channel]) if channel in CHANNELS else channel
    staff = facts.get("staff_id")
    to = say(N_("{way} of {name}"), way=way, name=say.who(staff)) if staff is not None else way
    alert = _alert(facts, say)
    if entry.action.endswith("_delivered"):
        return say(N_("{alert}: delivered by {to}"), alert=alert, to=to)
    return say(
        N_("{alert}: NOT delivered by {to}: {error}"),
        alert=alert,
        to=to,
        error=short(facts.get("error")),
    )


def _second_channel_withdrawn(entry: TimelineEntry, say: Say) -> str:
    return say(
        N_("{alert}: {count} message(s) off Telegram withdrawn"),
        alert=_alert(entry.facts, say),
        count=entry.facts.get("count"),
    )


ALERT_WORDINGS: Final[Mapping[str, Wording]] = {
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
