"""How a check looks on a phone: one message per check, edited in place as it goes on.

Every button label is unique within its message and names its item, so a nurse scrolling
back knows what a tap means, and every callback carries the check's version (stale presses
are recognised by the service).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clinical import (
    CapdAnswer,
    CapdQuestion,
    Consciousness,
    IcansResult,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    NotAssessableReason,
    Seizure,
    Tool,
    Urgency,
)
from bot.services import flow, flow_crs
from bot.services.checks import CheckView, Held
from bot.services.grades import GradeSummary
from bot.telegram import crs_views
from bot.telegram.callbacks import Callback
from storage.models import AssessmentStatus

CONSCIOUSNESS_LABELS: Final[Mapping[Consciousness, str]] = {
    Consciousness.ALERT: "Alert",
    Consciousness.DROWSY: "Drowsy, wakes by itself",
    Consciousness.VOICE: "Wakes to voice",
    Consciousness.TOUCH: "Wakes only to touch",
    Consciousness.UNAROUSABLE: "Unarousable",
}
ITEM_LABELS: Final[Mapping[IceItem, str]] = {
    IceItem.YEAR: "Year",
    IceItem.MONTH: "Month",
    IceItem.CITY: "City",
    IceItem.HOSPITAL: "Hospital",
    IceItem.COMMAND: "Command",
    IceItem.WRITING: "Writing",
    IceItem.ATTENTION: "Attention",
}
ANSWER_MARKS: Final[Mapping[str, str]] = {"c": "✓", "w": "✗", "na": "n/a"}
CAPD_LABELS: Final[Mapping[CapdQuestion, str]] = {
    CapdQuestion.EYE_CONTACT: "Does the child make eye contact with the caregiver?",
    CapdQuestion.PURPOSEFUL_ACTIONS: "Are the child's actions purposeful?",
    CapdQuestion.AWARE_OF_SURROUNDINGS: "Is the child aware of their surroundings?",
    CapdQuestion.COMMUNICATES_NEEDS: "Does the child communicate needs and wants?",
    CapdQuestion.RESTLESS: "Is the child restless?",
    CapdQuestion.INCONSOLABLE: "Is the child inconsolable?",
    CapdQuestion.UNDERACTIVE: "Is the child underactive (very little movement while awake)?",
    CapdQuestion.SLOW_TO_RESPOND: "Does the child take a long time to respond to interactions?",
}
REASON_LABELS: Final[Mapping[NotAssessableReason, str]] = {
    NotAssessableReason.INTUBATED: "Intubated",
    NotAssessableReason.SEDATED: "Sedated",
    NotAssessableReason.LANGUAGE_BARRIER: "Language barrier",
    NotAssessableReason.VISUAL_IMPAIRMENT: "Cannot see",
    NotAssessableReason.HAND_INJURY: "Cannot write",
    NotAssessableReason.REFUSED: "Refused",
    NotAssessableReason.OTHER: "Other reason",
}
SEIZURE_LABELS: Final[Mapping[Seizure, str]] = {
    Seizure.NONE: "No seizure",
    Seizure.RESOLVED_RAPIDLY: "Seizure, resolved rapidly",
    Seizure.EEG_RESOLVED_WITH_INTERVENTION: "EEG seizure, resolved with treatment",
    Seizure.PROLONGED: "Seizure over 5 minutes",
    Seizure.REPETITIVE: "Repeated, no recovery between",
}
FINDING_LABELS: Final[Mapping[str, str]] = {
    MotorFinding.TREMOR: "Tremor",
    MotorFinding.MYOCLONUS: "Myoclonus",
    MotorFinding.FOCAL_WEAKNESS: "New focal weakness",
    IcpFinding.FOCAL_EDEMA: "Focal oedema (imaging)",
    IcpFinding.DIFFUSE_EDEMA: "Diffuse oedema (imaging)",
    IcpFinding.POSTURING: "Decerebrate/decorticate posturing",
    IcpFinding.CN6_PALSY: "Sixth nerve palsy",
    IcpFinding.PAPILLEDEMA: "Papilloedema",
    IcpFinding.CUSHING_TRIAD: "Cushing's triad",
    IcpFinding.HEMORRHAGE: "Haemorrhage (imaging)",
}
STEP_TITLES: Final[Mapping[str, str]] = {
    flow.CONSCIOUSNESS: "Consciousness",
    flow.ORIENTATION: "Orientation",
    flow.NAMING: "Naming",
    flow.TASKS: "Command, writing, attention",
    flow.SEIZURE: "Seizure",
    flow.MOTOR: "Motor findings",
    flow.ICP: "Intracranial pressure / imaging",
    flow.NOTE: "Note and photo",
    flow.CAPD_STEPS[0]: "CAPD",
    **crs_views.TITLES,
}
URGENCY_ADVICE: Final[Mapping[Urgency, str]] = {
    # The bot pages on Submit; the line is replaced by who was paged as soon as a page is out.
    Urgency.CRITICAL: "CRITICAL: paging the physician on call now; stay with the patient.",
    Urgency.HIGH: "HIGH: paging the physician on call now.",
    Urgency.NORMAL: "The physician on call is being told (not urgent).",
    Urgency.INFO: "Improvement: for the physician's information.",
}

# One tap for what a normal check finds; each item is still recorded (and editable).
ALL_CORRECT_LABEL: Final = "✓ All correct"
OTHERS_CORRECT_LABEL: Final = "✓ The others correct"
NO_FINDINGS_LABEL: Final = "No seizure, no motor or ICP findings"
# Pressing Cancel asks first; the answer is a real flow action (cancel or stay).
CANCEL_ASK: Final = "cancel.ask"
CANCEL_QUESTION: Final = (
    "Cancel this check? Nothing of it will be recorded, and the scheduled check stays due."
)
CANCELLED_WORDS: Final = "nothing was recorded; a scheduled check is due again."

Markup = InlineKeyboardMarkup | None
Rendered = tuple[str, Markup]


def render(view: CheckView, zone: ZoneInfo) -> Rendered:
    """The text and buttons for the check's current state."""
    header = _header(view)
    if view.status is AssessmentStatus.SUBMITTED:
        return f"{header}\nSubmitted.\n\n{summary_text(view, zone)}", None
    if view.status is AssessmentStatus.CANCELLED:
        return f"{header}\nCancelled: {CANCELLED_WORDS}", None
    if view.status is AssessmentStatus.ABANDONED:
        return f"{header}\nClosed after a long pause: nothing was recorded.", None
    body, rows = _step(view, zone)
    if view.step not in (flow.CONSCIOUSNESS, flow.SUMMARY):
        rows.append([_button(view, "◀ Back", flow.BACK), _button(view, "✖ Cancel", CANCEL_ASK)])
    elif view.step == flow.CONSCIOUSNESS:
        rows.append([_button(view, "✖ Cancel", CANCEL_ASK)])
    return f"{header}\n\n{body}", InlineKeyboardMarkup(rows)


def confirm_cancel(view: CheckView) -> Rendered:
    """Cancel asks first: a mis-tap at 3 a.m. must not throw away a half-done check."""
    return f"{_header(view)}\n\n{CANCEL_QUESTION}", InlineKeyboardMarkup(
        [
            [_button(view, "Yes, cancel the check", flow.CANCEL)],
            [_button(view, "No, go on", flow.STAY)],
        ]
    )


def cancel_reply(view: CheckView) -> str:
    """What the confirmation sent by /cancel says once answered."""
    if view.status is AssessmentStatus.CANCELLED:
        return f"The check on {view.label} was cancelled: {CANCELLED_WORDS}"
    return f"The check on {view.label} goes on: carry on in the question above."


def _header(view: CheckView) -> str:
    kind = "Baseline check" if view.is_baseline else "Neuro check"
    tool = "ICE" if view.tool is Tool.ICE else "CAPD (child)"
    return f"{kind} · {view.label} · {tool} · {view.holder_name}"


def _button(view: CheckView, text: str, action: str) -> InlineKeyboardButton:
    data = Callback("a", view.assessment_id, view.version, action).encode()
    return InlineKeyboardButton(text, callback_data=data)


def _step(view: CheckView, zone: ZoneInfo) -> tuple[str, list[list[InlineKeyboardButton]]]:
    step = view.step
    if step == flow.CONSCIOUSNESS:
        return "Level of consciousness?", [
            [_button(view, text, c.value)] for c, text in CONSCIOUSNESS_LABELS.items()
        ]
    if step in flow.ROW_STEPS:
        return _rows(view, step)
    if step == flow.NAMING:
        counts = [_button(view, f"{n} named", f"n{n}") for n in range(4)]
        return (
            "Naming: show three objects (e.g. clock, pen, button). How many did the patient name?",
            [counts[:2], counts[2:], [_button(view, "Naming not assessable", "na")]],
        )
    if step == flow.REASON:
        return _reason(view)
    if step in flow.CAPD_STEPS:
        return _capd(view, step)
    if step == flow.SEIZURE:
        return "Seizure since the last check?", [
            [_button(view, NO_FINDINGS_LABEL, flow.NO_FINDINGS)],
            *([_button(view, text, s.value)] for s, text in SEIZURE_LABELS.items()),
        ]
    if step in flow.TOGGLE_STEPS:
        return _toggles(view, step)
    if step in flow_crs.STEPS:
        return crs_views.step(step, view.answers, lambda text, a: _button(view, text, a))
    if step == flow.NOTE:
        return _note(view)
    if step == flow.EDIT:
        return "Which part do you want to change?", [
            [_button(view, STEP_TITLES.get(s, s), f"go.{s}")]
            for s in flow.editable_steps(view.answers, view.tool)
        ] + [[_button(view, "Back to summary", "summary")]]
    return summary_text(view, zone) + "\n\nSubmit this check?", [
        [_button(view, "Submit", flow.SUBMIT)],
        [_button(view, "Edit", "edit"), _button(view, "Cancel check", CANCEL_ASK)],
    ]


def _rows(view: CheckView, step: str) -> tuple[str, list[list[InlineKeyboardButton]]]:
    given: Mapping[str, str] = view.answers.get("ice", {})
    rows = []
    for item in flow.ROW_STEPS[step]:
        row = []
        for code, mark in ANSWER_MARKS.items():
            chosen = given.get(item.value) == flow.ITEM_CODES[code]
            text = f"{'● ' if chosen else ''}{ITEM_LABELS[item]} {mark}"
            row.append(_button(view, text, f"{item.value}.{code}"))
        rows.append(row)
    marked = [i for i in flow.ROW_STEPS[step] if i.value in given]
    shortcut = ALL_CORRECT_LABEL if not marked else OTHERS_CORRECT_LABEL
    if len(marked) < len(flow.ROW_STEPS[step]):
        rows.insert(0, [_button(view, shortcut, flow.ALL_CORRECT)])
    rows.append([_button(view, "Done", flow.DONE)])
    if step == flow.ORIENTATION:
        prompt = "Orientation: ask the year, the month, the city and the hospital."
    else:
        prompt = (
            'Command: e.g. "show me two fingers". Writing: the standard sentence. '
            "Attention: count backwards from 100 in tens."
        )
    return (
        f"{prompt}\nMark each answer ✓ right, ✗ wrong or n/a (not assessable), then Done; "
        f"or {ALL_CORRECT_LABEL} (after marking any wrong: {OTHERS_CORRECT_LABEL}).",
        rows,
    )


def _reason(view: CheckView) -> tuple[str, list[list[InlineKeyboardButton]]]:
    pending = view.answers.get("reason_for", {}).get("items", [])
    names = ", ".join(dict.fromkeys(_item_name(i) for i in pending))
    buttons = [_button(view, text, r.value) for r, text in REASON_LABELS.items()]
    return (
        f"Why could {names} not be assessed? (It will not count as wrong or right; the check "
        "will be incomplete and go to the physician for review.)",
        [buttons[i : i + 2] for i in range(0, len(buttons), 2)],
    )


def _capd(view: CheckView, step: str) -> tuple[str, list[list[InlineKeyboardButton]]]:
    question = CapdQuestion(step.removeprefix("capd_"))
    number = flow.CAPD_STEPS.index(step) + 1
    answers = [_button(view, a.value.capitalize(), a.value) for a in CapdAnswer]
    rows = [answers[:3], answers[3:]]
    if number == 1:
        rows.append([_button(view, "CAPD not assessable", "na")])
    return f"CAPD {number}/8 (over this shift): {CAPD_LABELS[question]}", rows


def _toggles(view: CheckView, step: str) -> tuple[str, list[list[InlineKeyboardButton]]]:
    chosen = set(view.answers.get(step, []))
    rows = [
        [_button(view, f"{'● ' if f in chosen else ''}{FINDING_LABELS[f]}", f)]
        for f in flow.TOGGLE_STEPS[step]
    ]
    done = "Done" if chosen else "None of these"
    rows.append([_button(view, done, flow.DONE)])
    what = "Motor findings" if step == flow.MOTOR else "Raised intracranial pressure or imaging"
    return f"{what}: tap every one present, then {done}.", rows


def _note(view: CheckView) -> tuple[str, list[list[InlineKeyboardButton]]]:
    status = []
    if view.note:
        status.append(f"Note: {view.note}")
    if view.has_photo:
        status.append("Handwriting photo: attached")
    text = "Optional: type a note, or send a photo of the handwriting sample." + (
        "\n" + "\n".join(status) if status else ""
    )
    action, label = (flow.DONE, "Continue") if status else (flow.SKIP, "Skip")
    return text, [[_button(view, label, action)]]


def summary_text(view: CheckView, zone: ZoneInfo) -> str:
    """The result as the nurse reviews it before Submit, and as it stays afterwards."""
    answers = view.answers
    lines = [f"Consciousness: {_consciousness(answers)}"]
    if view.grade is not None:
        lines.append(_cognitive(view, view.grade))
    lines.append(f"Seizure: {SEIZURE_LABELS[Seizure(answers.get('seizure', 'none'))].lower()}")
    lines.append(f"Motor: {_findings(answers.get(flow.MOTOR, []))}")
    lines.append(f"ICP / imaging: {_findings(answers.get(flow.ICP, []))}")
    lines += crs_views.summary_lines(answers, view.crs)
    if view.note:
        lines.append(f"Note: {view.note}")
    if view.has_photo:
        lines.append("Handwriting photo: attached")
    if view.grade is not None:
        grades = grade_line(view.grade)
        if view.crs is not None:
            grades += f" · {crs_views.grade_text(view.crs)}"
        lines += ["", grades, *_changes(view, zone)]
    if view.triggers is not None and view.triggers.urgency in URGENCY_ADVICE:
        lines += ["", URGENCY_ADVICE[view.triggers.urgency]]
    return "\n".join(lines)


def grade_line(result: IcansResult) -> str:
    """ "ICANS grade 2", or "ICANS: at least grade 2 (incomplete)" / "not gradable"."""
    return f"ICANS {grade_words(result)}"


def reference_line(name: str, summary: GradeSummary, zone: ZoneInfo) -> str:
    """ "Baseline (24 Nov 09:00): grade 1, ICE 9/10": an earlier grade an alert is read
    against (a baseline deficit is shown, so that nobody mistakes it for a new one)."""
    result = summary.result
    score = result.score()
    scale = "CAPD" if result.tool is Tool.CAPD else "ICE"
    most = 32 if result.tool is Tool.CAPD else 10
    scored = f", {scale} {score}/{most}" if score is not None else ""
    return f"{name} ({_when(summary, zone)}): {grade_words(result)}{scored}"


def grade_words(result: IcansResult) -> str:
    if result.complete:
        return f"grade {result.icans_grade}"
    if result.icans_grade is None:
        return "not gradable (incomplete)"
    return f"at least grade {result.icans_grade} (incomplete)"


def _consciousness(answers: Mapping[str, Any]) -> str:
    value = answers.get("consciousness")
    return CONSCIOUSNESS_LABELS[Consciousness(value)].lower() if value else "-"


def _cognitive(view: CheckView, grade: IcansResult) -> str:
    if view.tool is Tool.CAPD:
        score = "not assessable" if grade.capd_score is None else f"{grade.capd_score}/32"
        return f"CAPD: {score}"
    if view.answers.get("consciousness") == Consciousness.UNAROUSABLE:
        return "ICE: 0/10 (unarousable, not performed)"
    ice: Mapping[str, str] = view.answers.get("ice", {})
    score = "incomplete" if grade.ice_score is None else f"{grade.ice_score}/10"
    parts = [
        f"orientation {_points(ice, flow.ORIENTATION_ITEMS)}",
        f"naming {_points(ice, flow.NAMING_ITEMS)}",
        *(f"{ITEM_LABELS[i].lower()} {_mark(ice.get(i.value))}" for i in flow.TASK_ITEMS),
    ]
    return f"ICE: {score} ({', '.join(parts)})"


def _points(ice: Mapping[str, str], items: Sequence[IceItem]) -> str:
    if any(ice.get(i.value) == ItemAnswer.NOT_ASSESSABLE for i in items):
        return "n/a"
    return f"{sum(ice.get(i.value) == ItemAnswer.CORRECT for i in items)}/{len(items)}"


def _mark(answer: str | None) -> str:
    return {"correct": "✓", "wrong": "✗", "not_assessable": "n/a"}.get(answer or "", "-")


def _findings(values: Sequence[str]) -> str:
    return ", ".join(FINDING_LABELS[v].lower() for v in values) if values else "none"


def _changes(view: CheckView, zone: ZoneInfo) -> list[str]:
    lines = []
    for name, summary in (("previous check", view.previous), ("baseline", view.baseline)):
        if summary is not None:
            lines.append(f"vs {name} ({_when(summary, zone)}): {_compare(summary.result, view)}")
    return lines or ["No earlier check to compare with."]


def _compare(before: IcansResult, view: CheckView) -> str:
    assert view.grade is not None
    old, new = before.known_grade, view.grade.known_grade
    arrow = "▲ worse" if new > old else "▼ better" if new < old else "same grade"
    score_before = before.score()
    score = f"score {score_before}" if score_before is not None else "score n/a"
    return f"was {grade_words(before)}, {score}: {arrow}"


def _when(summary: GradeSummary, zone: ZoneInfo) -> str:
    return summary.at.astimezone(zone).strftime("%d %b %H:%M")


def _item_name(item: str) -> str:
    if item == "capd":
        return "the CAPD"
    if item.startswith("naming"):
        return "naming"
    return ITEM_LABELS.get(IceItem(item), item).lower()


def held_text(held: Held, zone: ZoneInfo) -> Rendered:
    since = held.since.astimezone(zone).strftime("%H:%M")
    text = (
        f"{held.holder_name} is doing a check on {held.label} (last answer {since}). "
        "Take it over only if they cannot finish it."
    )
    if held.released:
        text = (
            f"{held.holder_name} started the check on {held.label} (last answer {since}) and "
            "no longer has access to this ward: take it over to finish it."
        )
    data = Callback("to", held.assessment_id, held.version, "takeover").encode()
    button = InlineKeyboardButton(f"Take over the check on {held.label}", callback_data=data)
    return text, InlineKeyboardMarkup([[button]])


def open_already(view: CheckView) -> str:
    """The answer to a second Start of one's own open check (sent as a reply to it)."""
    return f"Your check on {view.label} is already open: carry on in the question above."
