"""How a check looks on a phone: one message per check, edited in place as it goes on.

Every button label is unique within its message and names its item, so a nurse scrolling
back knows what a tap means, and every callback carries the check's version (stale presses
are recognised by the service).
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.clinical import (
    CapdAnswer,
    CapdQuestion,
    IceItem,
    Tool,
    check_crs,
    check_flow,
)
from bot.services.checks import CheckView, Held
from bot.telegram import crs_views
from bot.telegram.callbacks import Callback
from bot.telegram.check_labels import (
    ALL_CORRECT_LABEL,
    ANSWER_MARKS,
    CANCEL_ASK,
    CANCEL_QUESTION,
    CANCELLED_WORDS,
    CAPD_LABELS,
    CONSCIOUSNESS_LABELS,
    FINDING_LABELS,
    ITEM_LABELS,
    NO_FINDINGS_LABEL,
    OTHERS_CORRECT_LABEL,
    REASON_LABELS,
    SEIZURE_LABELS,
    STEP_TITLES,
    URGENCY_ADVICE,
)
from bot.telegram.check_summary import grade_line, grade_words, reference_line, summary_text
from storage.models import AssessmentStatus

__all__ = [  # the labels and the summary live beside this module; imported from here too
    "CANCEL_ASK",
    "CANCEL_QUESTION",
    "FINDING_LABELS",
    "SEIZURE_LABELS",
    "URGENCY_ADVICE",
    "cancel_reply",
    "confirm_cancel",
    "grade_line",
    "grade_words",
    "held_text",
    "open_already",
    "reference_line",
    "render",
    "summary_text",
]

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
    if view.step not in (check_flow.CONSCIOUSNESS, check_flow.SUMMARY):
        rows.append(
            [_button(view, "◀ Back", check_flow.BACK), _button(view, "✖ Cancel", CANCEL_ASK)]
        )
    elif view.step == check_flow.CONSCIOUSNESS:
        rows.append([_button(view, "✖ Cancel", CANCEL_ASK)])
    return f"{header}\n\n{body}", InlineKeyboardMarkup(rows)


def confirm_cancel(view: CheckView) -> Rendered:
    """Cancel asks first: a mis-tap at 3 a.m. must not throw away a half-done check."""
    return f"{_header(view)}\n\n{CANCEL_QUESTION}", InlineKeyboardMarkup(
        [
            [_button(view, "Yes, cancel the check", check_flow.CANCEL)],
            [_button(view, "No, go on", check_flow.STAY)],
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
    if step == check_flow.CONSCIOUSNESS:
        return "Level of consciousness?", [
            [_button(view, text, c.value)] for c, text in CONSCIOUSNESS_LABELS.items()
        ]
    if step in check_flow.ROW_STEPS:
        return _rows(view, step)
    if step == check_flow.NAMING:
        counts = [_button(view, f"{n} named", f"n{n}") for n in range(4)]
        return (
            "Naming: show three objects (e.g. clock, pen, button). How many did the patient name?",
            [counts[:2], counts[2:], [_button(view, "Naming not assessable", "na")]],
        )
    if step == check_flow.REASON:
        return _reason(view)
    if step in check_flow.CAPD_STEPS:
        return _capd(view, step)
    if step == check_flow.SEIZURE:
        return "Seizure since the last check?", [
            [_button(view, NO_FINDINGS_LABEL, check_flow.NO_FINDINGS)],
            *([_button(view, text, s.value)] for s, text in SEIZURE_LABELS.items()),
        ]
    if step in check_flow.TOGGLE_STEPS:
        return _toggles(view, step)
    if step in check_crs.STEPS:
        return crs_views.step(step, view.answers, lambda text, a: _button(view, text, a))
    if step == check_flow.NOTE:
        return _note(view)
    if step == check_flow.EDIT:
        return "Which part do you want to change?", [
            [_button(view, STEP_TITLES.get(s, s), f"go.{s}")]
            for s in check_flow.editable_steps(view.answers, view.tool)
        ] + [[_button(view, "Back to summary", "summary")]]
    return summary_text(view, zone) + "\n\nSubmit this check?", [
        [_button(view, "Submit", check_flow.SUBMIT)],
        [_button(view, "Edit", "edit"), _button(view, "Cancel check", CANCEL_ASK)],
    ]


def _rows(view: CheckView, step: str) -> tuple[str, list[list[InlineKeyboardButton]]]:
    given: Mapping[str, str] = view.answers.get("ice", {})
    rows = []
    for item in check_flow.ROW_STEPS[step]:
        row = []
        for code, mark in ANSWER_MARKS.items():
            chosen = given.get(item.value) == check_flow.ITEM_CODES[code]
            text = f"{'● ' if chosen else ''}{ITEM_LABELS[item]} {mark}"
            row.append(_button(view, text, f"{item.value}.{code}"))
        rows.append(row)
    marked = [i for i in check_flow.ROW_STEPS[step] if i.value in given]
    shortcut = ALL_CORRECT_LABEL if not marked else OTHERS_CORRECT_LABEL
    if len(marked) < len(check_flow.ROW_STEPS[step]):
        rows.insert(0, [_button(view, shortcut, check_flow.ALL_CORRECT)])
    rows.append([_button(view, "Done", check_flow.DONE)])
    if step == check_flow.ORIENTATION:
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
    number = check_flow.CAPD_STEPS.index(step) + 1
    answers = [_button(view, a.value.capitalize(), a.value) for a in CapdAnswer]
    rows = [answers[:3], answers[3:]]
    if number == 1:
        rows.append([_button(view, "CAPD not assessable", "na")])
    return f"CAPD {number}/8 (over this shift): {CAPD_LABELS[question]}", rows


def _toggles(view: CheckView, step: str) -> tuple[str, list[list[InlineKeyboardButton]]]:
    chosen = set(view.answers.get(step, []))
    rows = [
        [_button(view, f"{'● ' if f in chosen else ''}{FINDING_LABELS[f]}", f)]
        for f in check_flow.TOGGLE_STEPS[step]
    ]
    done = "Done" if chosen else "None of these"
    rows.append([_button(view, done, check_flow.DONE)])
    what = (
        "Motor findings" if step == check_flow.MOTOR else "Raised intracranial pressure or imaging"
    )
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
    action, label = (check_flow.DONE, "Continue") if status else (check_flow.SKIP, "Skip")
    return text, [[_button(view, label, action)]]


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
