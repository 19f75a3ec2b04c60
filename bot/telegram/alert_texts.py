"""Alerts to physicians: their words and their buttons.

An alert names the patient by ward label only. It shows the grade and its change, the ICE
breakdown and other findings, the nurse's note and the time of the check, and the
blinatumomab label's rules for neurological toxicity as reference text: reference, never an
automatic action (bot/clinical/README.md section 9). Buttons: ``al:<escalation>:0:<action>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clinical import TriggerReason, Urgency
from bot.services.alerts import DECISIONS, Acknowledged, AlertView
from bot.services.escalations import MISSED_CHECK
from bot.telegram import i18n
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

HEADLINE: Final[Mapping[Urgency, str]] = {
    Urgency.CRITICAL: "🔴 CRITICAL",
    Urgency.HIGH: "🟠 HIGH",
    Urgency.NORMAL: "🟡 Neuro check alert",
    Urgency.INFO: "🟢 For information",
}
REASONS: Final[Mapping[str, str]] = {
    TriggerReason.GRADE_3_OR_4: "ICANS grade 3 or 4",
    TriggerReason.SEIZURE: "seizure",
    TriggerReason.HEMORRHAGE: "intracranial haemorrhage",
    TriggerReason.ROSE_TWO_OR_MORE: "grade rose by two or more",
    TriggerReason.GRADE_ROSE: "ICANS grade rose",
    TriggerReason.INCOMPLETE_WITH_GRADE: "incomplete check with a grade of 1 or more",
    TriggerReason.ABNORMAL_WITHOUT_REFERENCE: "abnormal, no earlier check to compare",
    TriggerReason.SCORE_WORSE: "ICE (CAPD) worse than at the previous check",
    TriggerReason.NEW_TREMOR: "new tremor",
    TriggerReason.NEW_MYOCLONUS: "new myoclonus",
    TriggerReason.INCOMPLETE: "check could not be completed",
    TriggerReason.GRADE_FELL: "grade fell",
    TriggerReason.CRS_3_OR_4: "CRS grade 3 or 4",
    TriggerReason.CRS_ROSE: "CRS grade rose",
    TriggerReason.FIRST_FEVER: "first fever (38.0 °C or more) this cycle",
    TriggerReason.ORGAN_SUPPORT_WITHOUT_FEVER: "BP or oxygen support without fever",
    MISSED_CHECK: "scheduled check not started for an hour",
}
DECISION_WORDS: Final[Mapping[str, str]] = {
    "continue": "Continue",
    "hold": "Hold infusion",
    "restart": "Restart",
    "discontinue": "Discontinue",
    "dexamethasone": "Dexamethasone",
    "levetiracetam": "Levetiracetam",
    "tocilizumab": "Tocilizumab",
    "icu": "ICU transfer",
    "other": "Other",
}
DOMAIN_WORDS: Final[Mapping[str, str]] = {
    "ice": "ICE / CAPD score",
    "consciousness": "consciousness",
    "seizure": "seizure",
    "motor": "motor findings",
    "icp": "raised ICP / oedema",
}
LABEL_REFERENCE: Final = (
    "Label reference (blinatumomab; CTCAE grades, not ICANS - for reference only, the "
    "decision is yours): neurological toxicity grade 3: withhold until grade 1 or less for at "
    "least 3 days, then restart at 9 mcg/day (28 after 7 days if it does not recur); "
    "discontinue if it occurred at 9 mcg/day or took more than 7 days to resolve. Grade 4: "
    "discontinue permanently. More than one seizure: discontinue permanently."
)


def render_alert(view: AlertView, zone: ZoneInfo, *, repeat: bool = False) -> str:
    """The alert as every recipient sees it, current state included."""
    # The first three lines are what a lock screen shows: who and how urgent, the grade and
    # its change, why.
    lines = [_headline(view, repeat), grade_change(view)]
    if view.reasons:
        lines.append("Why: " + "; ".join(REASONS.get(r, r) for r in view.reasons))
    lines += [_course(view), *_source(view, zone)]
    if view.seizures:
        lines.append(f"Seizure events recorded: {view.seizures}")
    lines += labs_lines(view.labs, zone)
    if view.regraded is not None:
        lines.append(f"Re-graded by a physician: ICANS {grade_words(view.regraded)}")
    lines += ["", *_state(view, zone)]
    if view.urgency is not Urgency.INFO:
        lines += ["", LABEL_REFERENCE]
    return "\n".join(lines)[:MAX_TEXT]


def grade_change(view: AlertView) -> str:
    """ "ICANS grade 3 (was grade 1)": the grade that raised the alert against the last one."""
    check = view.check
    result = check.grade if check is not None and check.grade is not None else view.result
    previous = check.previous if check is not None else view.previous
    before = f"was {grade_words(previous.result)}" if previous else "no earlier check"
    if result is None:  # a missed check: no new grade
        return f"No new grade: the check was not done ({before.replace('was', 'last')})"
    return f"ICANS {grade_words(result)} ({before})"


def _headline(view: AlertView, repeat: bool) -> str:
    again = " (repeat: not yet acknowledged)" if repeat else ""
    return f"{HEADLINE[view.urgency]}: {view.label} (ward {view.ward_code}){again}"


def _course(view: AlertView) -> str:
    info = view.info
    if info.cycle is None:
        return "No infusion plan recorded."
    parts = [f"Cycle {info.cycle}"]
    if info.day is not None:
        parts.append(f"day {info.day}")
    if info.held:
        parts.append("infusion on hold")
    elif info.dose:
        parts.append(f"blinatumomab {info.dose}")
    return ", ".join(parts)


def _source(view: AlertView, zone: ZoneInfo) -> list[str]:
    if view.source == MISSED_CHECK:
        due = _time(view.missed_due_at, zone) if view.missed_due_at else "?"
        return [
            f"The neuro check due at {due} has not been started (over an hour).",
            *_references(view, zone),
        ]
    when = _time(view.reported_at, zone) if view.reported_at else "?"
    if view.event_finding is not None:
        lines = [
            f"Event reported by {view.reported_by} at {when}: {finding_label(view.event_finding)}"
        ]
        if view.result is not None:
            lines.append(grade_line(view.result))
        return [*lines, *_references(view, zone)]
    if view.check is not None:
        return [f"Check by {view.check.holder_name} at {when}", summary_text(view.check, zone)]
    return [grade_line(view.result)] if view.result is not None else []


def _references(view: AlertView, zone: ZoneInfo) -> list[str]:
    """The last check and the baseline, for alerts that carry no check of their own."""
    lines = [reference_line("Last check", view.previous, zone)] if view.previous else []
    if view.baseline is not None:
        lines.append(reference_line("Baseline", view.baseline, zone))
    return lines or ["No check recorded yet."]


def _state(view: AlertView, zone: ZoneInfo) -> list[str]:
    if view.acknowledged_by is not None and view.acknowledged_at is not None:
        coming = ", coming to the bedside" if view.ack_kind == "coming" else ""
        lines = [
            f"✅ Acknowledged by {view.acknowledged_by} at "
            f"{_time(view.acknowledged_at, zone)}{coming}."
        ]
        lines += [
            f"Decision: {DECISION_WORDS.get(d, d)} ({by}, {_time(at, zone)})"
            for at, d, by in view.decisions
        ]
        return lines
    if view.closed_reason == "superseded":
        return ["Replaced by a newer alert for this patient."]
    if view.closed_reason == "check_recorded":
        return ["Closed: the check has since been recorded."]
    if view.closed_reason == "discharged":
        return ["Closed: the patient was discharged, so no check is due."]
    if view.urgency is Urgency.INFO:
        return ["No acknowledgement needed."]
    if view.status.value == "exhausted":
        return ["⚠️ Nobody has acknowledged this alert."]
    return ["Please acknowledge."]


def _time(at: dt.datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%d %b %H:%M")


def keyboard(view: AlertView, *, decide: bool) -> InlineKeyboardMarkup | None:
    """Acknowledge buttons while it is open; the decisions for whoever acknowledged."""
    live = view.status.value in ("open", "exhausted") and view.urgency is not Urgency.INFO
    if live:
        return InlineKeyboardMarkup(
            [
                [_button(view, "Acknowledge", "ack")],
                [_button(view, "Acknowledge, coming to the bedside", "coming")],
            ]
        )
    if not decide or view.status.value != "acknowledged":
        return None
    names = list(DECISIONS)
    rows = [  # two to a row: the words must be readable on a phone, not cut off
        [_button(view, DECISION_WORDS[d], f"d-{d}") for d in names[i : i + 2]]
        for i in range(0, len(names), 2)
    ]
    if view.attributable:
        rows.append([_button(view, "A finding has another cause…", "attr")])
    return InlineKeyboardMarkup(rows)


def attribution_keyboard(view: AlertView) -> InlineKeyboardMarkup:
    rows = [
        [_button(view, f"{DOMAIN_WORDS.get(d.value, d.value)}: another cause", f"a-{d.value}")]
        for d in view.attributable
    ]
    rows.append([_button(view, "Back", "back")])
    return InlineKeyboardMarkup(rows)


def _button(view: AlertView, text: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text, callback_data=Callback("al", view.escalation_id, 0, action).encode()
    )


def exhausted_text(view: AlertView, zone: ZoneInfo) -> str:
    """To the charge nurse and admins when the chain ran out."""
    raised = f"{view.label} (ward {view.ward_code}) raised at {_time(view.created_at, zone)}"
    if view.reached:
        head = f"⚠️ Nobody acknowledged the alert for {raised}. Call the physicians directly"
    else:
        head = (
            f"⚠️ No physician could be paged for the alert for {raised}: nobody is on call "
            "(/oncall), or they cannot be reached. Call a physician directly"
        )
    tail = "; acknowledge here once one of them has it.\n\n"
    return (head + tail + render_alert(view, zone))[:MAX_TEXT]


def follow_up_text(view: AlertView, zone: ZoneInfo) -> str:
    return (
        f"Reminder: you acknowledged the critical alert for {view.label} at "
        f"{_time(view.acknowledged_at or view.created_at, zone)}; no neuro check has been "
        "recorded since. Ask for a check now (/check in the nurse's chat)."
    )


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
    when = _time(at, zone) if language == ENGLISH else i18n.format_datetime(at, language, zone)
    return gettext(language, words).format(name=view.acknowledged_by, label=view.label, when=when)


def alerts_text(views: list[AlertView], zone: ZoneInfo) -> str:
    """/alerts: the open ones, one line each."""
    if not views:
        return "No open alerts on your wards."
    lines = ["Open alerts:"]
    for view in views:
        state = "NOBODY ACKNOWLEDGED" if view.status.value == "exhausted" else "waiting"
        reasons = "; ".join(REASONS.get(r, r) for r in view.reasons[:2])
        lines.append(
            f"• {view.label} ({view.ward_code}) {view.urgency.value.upper()} since "
            f"{_time(view.created_at, zone)}: {reasons} - {state}"
        )
    return "\n".join(lines)


def answer_text(result: Acknowledged | AlertView, action: str) -> str:
    """The pop-up after a press that changed something."""
    if isinstance(result, Acknowledged):
        if result.first:
            return "Acknowledged. The nurse is told."
        view = result.view
        return f"Already acknowledged by {view.acknowledged_by}."
    if action.startswith("a-"):
        return "Re-graded: the check's grade is recorded again; both stay in the audit trail."
    return f"Recorded: {DECISION_WORDS.get(action[2:], action[2:])}."
