"""Alerts to physicians: their words and their buttons.

An alert names the patient by ward label only. It shows the grade and its change, the ICE
breakdown and other findings, the nurse's note and the time of the check, and the
blinatumomab label's rules for neurological toxicity as reference text: reference, never an
automatic action (bot/clinical/README.md section 9). Buttons: ``al:<escalation>:0:<action>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clinical import Urgency
from bot.services.alerts import DECISIONS, Acknowledged, AlertView
from bot.services.escalations import MISSED_CHECK
from bot.telegram import i18n
from bot.telegram.alert_words import (
    CLOSED_WORDS,
    DECISION_WORDS,
    DOMAIN_WORDS,
    HEADLINE,
    LABEL_REFERENCE,
    REASONS,
    URGENCY_WORDS,
    decision_name,
)
from bot.telegram.callbacks import Callback
from bot.telegram.check_views import (
    URGENCY_ADVICE,
    grade_line,
    grade_words,
    reference_line,
    summary_text,
)
from bot.telegram.check_views import render as render_check
from bot.telegram.events import finding_label
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.labs import labs_lines

MAX_TEXT: Final = 4096
__all__ = ["DECISION_WORDS", "DOMAIN_WORDS", "HEADLINE", "LABEL_REFERENCE", "REASONS"]


def render_alert(
    view: AlertView, zone: ZoneInfo, *, repeat: bool = False, language: str = ENGLISH
) -> str:
    """The alert as one recipient sees it, current state included, in their language."""
    # The first three lines are what a lock screen shows: who and how urgent, the grade and
    # its change, why.
    lines = [_headline(view, repeat, language), grade_change(view, language)]
    if view.reasons:
        why = gettext(language, "Why: {reasons}")
        lines.append(why.format(reasons=reasons_text(view.reasons, language)))
    lines += [_course(view, language), *_source(view, zone, language)]
    if view.seizures:
        seizures = gettext(language, "Seizure events recorded: {count}")
        lines.append(seizures.format(count=view.seizures))
    lines += labs_lines(view.labs, zone, language)
    if view.regraded is not None:
        regraded = gettext(language, "Re-graded by a physician: ICANS {grade}")
        lines.append(regraded.format(grade=grade_words(view.regraded, language)))
    lines += ["", *_state(view, zone, language)]
    if view.urgency is not Urgency.INFO:
        lines += ["", gettext(language, LABEL_REFERENCE)]
    return "\n".join(lines)[:MAX_TEXT]


def reasons_text(reasons: list[str] | tuple[str, ...], language: str = ENGLISH) -> str:
    """The reasons, each in the reader's language ("; " between them)."""
    return "; ".join(gettext(language, REASONS[r]) if r in REASONS else r for r in reasons)


def grade_change(view: AlertView, language: str = ENGLISH) -> str:
    """ "ICANS grade 3 (was grade 1)": the grade that raised the alert against the last one."""
    check = view.check
    result = check.grade if check is not None and check.grade is not None else view.result
    previous = check.previous if check is not None else view.previous
    if result is None:  # a missed check: no new grade
        if previous:
            words = gettext(language, "No new grade: the check was not done (last {grade})")
            return words.format(grade=grade_words(previous.result, language))
        return gettext(language, "No new grade: the check was not done (no earlier check)")
    if previous:
        words = gettext(language, "ICANS {grade} (was {before})")
        before = grade_words(previous.result, language)
        return words.format(grade=grade_words(result, language), before=before)
    words = gettext(language, "ICANS {grade} (no earlier check)")
    return words.format(grade=grade_words(result, language))


def _headline(view: AlertView, repeat: bool, language: str) -> str:
    again = gettext(language, " (repeat: not yet acknowledged)") if repeat else ""
    words = gettext(language, "{urgency}: {label} (ward {ward}){again}")
    urgency = gettext(language, HEADLINE[view.urgency])
    return words.format(urgency=urgency, label=view.label, ward=view.ward_code, again=again)


def _course(view: AlertView, language: str) -> str:
    info = view.info
    if info.cycle is None:
        return gettext(language, "No infusion plan recorded.")
    parts = [gettext(language, "Cycle {cycle}").format(cycle=info.cycle)]
    if info.day is not None:
        parts.append(gettext(language, "day {day}").format(day=info.day))
    if info.held:
        parts.append(gettext(language, "infusion on hold"))
    elif info.dose:
        parts.append(gettext(language, "blinatumomab {dose}").format(dose=info.dose))
    return gettext(language, ", ").join(parts)


def _source(view: AlertView, zone: ZoneInfo, language: str) -> list[str]:
    if view.source == MISSED_CHECK:
        due = _time(view.missed_due_at, zone, language) if view.missed_due_at else "?"
        words = gettext(
            language, "The neuro check due at {due} has not been started (over an hour)."
        )
        return [words.format(due=due), *_references(view, zone, language)]
    when = _time(view.reported_at, zone, language) if view.reported_at else "?"
    if view.event_finding is not None:
        words = gettext(language, "Event reported by {name} at {when}: {finding}")
        finding = finding_label(view.event_finding, language)
        lines = [words.format(name=view.reported_by, when=when, finding=finding)]
        if view.result is not None:
            lines.append(grade_line(view.result, language))
        return [*lines, *_references(view, zone, language)]
    if view.check is not None:
        words = gettext(language, "Check by {name} at {when}")
        return [
            words.format(name=view.check.holder_name, when=when),
            summary_text(view.check, zone, language),
        ]
    return [grade_line(view.result, language)] if view.result is not None else []


def _references(view: AlertView, zone: ZoneInfo, language: str) -> list[str]:
    """The last check and the baseline, for alerts that carry no check of their own."""
    lines = []
    if view.previous:
        last = gettext(language, "Last check")
        lines.append(reference_line(last, view.previous, zone, language))
    if view.baseline is not None:
        baseline = gettext(language, "Baseline")
        lines.append(reference_line(baseline, view.baseline, zone, language))
    return lines or [gettext(language, "No check recorded yet.")]


def _state(view: AlertView, zone: ZoneInfo, language: str) -> list[str]:
    if view.acknowledged_by is not None and view.acknowledged_at is not None:
        if view.ack_kind == "coming":
            words = gettext(language, "✅ Acknowledged by {name} at {when}, coming to the bedside.")
        else:
            words = gettext(language, "✅ Acknowledged by {name} at {when}.")
        when = _time(view.acknowledged_at, zone, language)
        lines = [words.format(name=view.acknowledged_by, when=when)]
        decision = gettext(language, "Decision: {decision} ({name}, {when})")
        lines += [
            decision.format(
                decision=decision_name(d, language), name=by, when=_time(at, zone, language)
            )
            for at, d, by in view.decisions
        ]
        return lines
    closed = CLOSED_WORDS.get(view.closed_reason or "")
    if closed is not None:
        return [gettext(language, closed)]
    if view.urgency is Urgency.INFO:
        return [gettext(language, "No acknowledgement needed.")]
    if view.status.value == "exhausted":
        return [gettext(language, "⚠️ Nobody has acknowledged this alert.")]
    return [gettext(language, "Please acknowledge.")]


def _time(at: dt.datetime, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """ "27 Nov 21:00" in English (as always), as the language writes it otherwise."""
    return i18n.moment(at, zone, language)


def keyboard(
    view: AlertView, *, decide: bool, language: str = ENGLISH
) -> InlineKeyboardMarkup | None:
    """Acknowledge buttons while it is open; the decisions for whoever acknowledged."""
    live = view.status.value in ("open", "exhausted") and view.urgency is not Urgency.INFO
    if live:
        coming = gettext(language, "Acknowledge, coming to the bedside")
        return InlineKeyboardMarkup(
            [
                [_button(view, gettext(language, "Acknowledge"), "ack")],
                [_button(view, coming, "coming")],
            ]
        )
    if not decide or view.status.value != "acknowledged":
        return None
    names = list(DECISIONS)
    rows = [  # two to a row: the words must be readable on a phone, not cut off
        [_button(view, decision_name(d, language), f"d-{d}") for d in names[i : i + 2]]
        for i in range(0, len(names), 2)
    ]
    if view.attributable:
        another = gettext(language, "A finding has another cause…")
        rows.append([_button(view, another, "attr")])
    return InlineKeyboardMarkup(rows)


def attribution_keyboard(view: AlertView, language: str = ENGLISH) -> InlineKeyboardMarkup:
    words = gettext(language, "{finding}: another cause")
    rows = [
        [_button(view, words.format(finding=_domain(d.value, language)), f"a-{d.value}")]
        for d in view.attributable
    ]
    rows.append([_button(view, gettext(language, "Back"), "back")])
    return InlineKeyboardMarkup(rows)


def _domain(domain: str, language: str) -> str:
    words = DOMAIN_WORDS.get(domain)
    return gettext(language, words) if words is not None else domain


def _button(view: AlertView, text: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text, callback_data=Callback("al", view.escalation_id, 0, action).encode()
    )


def exhausted_text(view: AlertView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """To the charge nurse and admins when the chain ran out."""
    facts = {
        "label": view.label,
        "ward": view.ward_code,
        "when": _time(view.created_at, zone, language),
    }
    if view.reached:
        head = N_(
            "⚠️ Nobody acknowledged the alert for {label} (ward {ward}) raised at {when}. "
            "Call the physicians directly; acknowledge here once one of them has it."
        )
    else:
        head = N_(
            "⚠️ No physician could be paged for the alert for {label} (ward {ward}) raised at "
            "{when}: nobody is on call (/oncall), or they cannot be reached. Call a physician "
            "directly; acknowledge here once one of them has it."
        )
    text = gettext(language, head).format(**facts)
    return (text + "\n\n" + render_alert(view, zone, language=language))[:MAX_TEXT]


def follow_up_text(view: AlertView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    words = gettext(
        language,
        "Reminder: you acknowledged the critical alert for {label} at {when}; no neuro check "
        "has been recorded since. Ask for a check now (/check in the nurse's chat).",
    )
    when = _time(view.acknowledged_at or view.created_at, zone, language)
    return words.format(label=view.label, when=when)


def reach_lines(view: AlertView, zone: ZoneInfo, language: str = ENGLISH) -> list[str]:
    """Who has been paged and who has it: what the nurse needs instead of "call now"."""
    lines = []
    if view.paged:
        at = gettext(language, "{name} at {time}")
        names = gettext(language, ", ").join(
            at.format(name=name, time=_clock(when, zone)) for name, when in view.paged
        )
        lines.append(gettext(language, "📟 Paged: {names}.").format(names=names))
    if view.acknowledged_by is not None and view.acknowledged_at is not None:
        if view.ack_kind == "coming":
            acked = gettext(language, "✅ Acknowledged by {name} at {time}, coming to the bedside.")
        else:
            acked = gettext(language, "✅ Acknowledged by {name} at {time}.")
        time = _clock(view.acknowledged_at, zone)
        lines.append(acked.format(name=view.acknowledged_by, time=time))
    elif view.status.value == "exhausted":
        lines.append(gettext(language, "⚠️ Nobody has acknowledged: call the physicians directly."))
    elif view.paged:
        lines.append(gettext(language, "Waiting for an acknowledgement."))
    return lines


def followup_text(view: AlertView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """The nurse's submitted check, its advice replaced by the alert's reach."""
    assert view.check is not None
    text, _ = render_check(view.check, zone, language)
    advice = [a for a in (gettext(language, w) for w in URGENCY_ADVICE.values()) if a in text]
    reach = "\n".join(reach_lines(view, zone, language))
    if not reach:
        return text
    for line in advice:
        text = text.replace(line, reach)
    return text if advice else f"{text}\n\n{reach}"


def _clock(at: dt.datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M")


def nurse_text(view: AlertView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """The nurse who raised it learns who has the alert (in her language)."""
    if view.ack_kind == "coming":
        words = N_(
            "{name} acknowledged the alert for {label} at {when}, and is coming to the bedside."
        )
    else:
        words = N_("{name} acknowledged the alert for {label} at {when}.")
    at = view.acknowledged_at or view.created_at
    when = _time(at, zone, language)
    return gettext(language, words).format(name=view.acknowledged_by, label=view.label, when=when)


def alerts_text(views: list[AlertView], zone: ZoneInfo, language: str = ENGLISH) -> str:
    """/alerts: the open ones, one line each."""
    if not views:
        return gettext(language, "No open alerts on your wards.")
    lines = [gettext(language, "Open alerts:")]
    line = gettext(language, "• {label} ({ward}) {urgency} since {when}: {reasons} - {state}")
    for view in views:
        if view.status.value == "exhausted":
            state = gettext(language, "NOBODY ACKNOWLEDGED")
        else:
            state = gettext(language, "waiting")
        words = URGENCY_WORDS.get(view.urgency)
        urgency = gettext(language, words) if words else view.urgency.value.upper()
        facts = {"label": view.label, "ward": view.ward_code, "urgency": urgency}
        when = _time(view.created_at, zone, language)
        reasons = reasons_text(view.reasons[:2], language)
        lines.append(line.format(**facts, when=when, reasons=reasons, state=state))
    return "\n".join(lines)


def answer_text(result: Acknowledged | AlertView, action: str, language: str = ENGLISH) -> str:
    """The pop-up after a press that changed something, in the presser's language."""
    if isinstance(result, Acknowledged):
        if result.first:
            return gettext(language, "Acknowledged. The nurse is told.")
        already = gettext(language, "Already acknowledged by {name}.")
        return already.format(name=result.view.acknowledged_by)
    if action.startswith("a-"):
        return gettext(
            language,
            "Re-graded: the check's grade is recorded again; both stay in the audit trail.",
        )
    recorded = gettext(language, "Recorded: {decision}.")
    return recorded.format(decision=decision_name(action[2:], language))
