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
from bot.telegram import crs_views, i18n
from bot.telegram.callbacks import Callback
from bot.telegram.check_labels import (
    ALL_CORRECT_LABEL,
    ANSWER_MARKS,
    CANCEL_ASK,
    CANCEL_QUESTION,
    CANCELLED_WORDS,
    CAPD_ANSWER_LABELS,
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
from bot.telegram.i18n import ENGLISH, gettext
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
Rows = list[list[InlineKeyboardButton]]


def render(view: CheckView, zone: ZoneInfo, language: str = ENGLISH) -> Rendered:
    """The text and buttons for the check's current state, in the reader's language."""
    header = _header(view, language)
    if view.status is AssessmentStatus.SUBMITTED:
        submitted = gettext(language, "Submitted.")
        return f"{header}\n{submitted}\n\n{summary_text(view, zone, language)}", None
    if view.status is AssessmentStatus.CANCELLED:
        cancelled = gettext(language, "Cancelled: {what}")
        return f"{header}\n{cancelled.format(what=gettext(language, CANCELLED_WORDS))}", None
    if view.status is AssessmentStatus.ABANDONED:
        closed = gettext(language, "Closed after a long pause: nothing was recorded.")
        return f"{header}\n{closed}", None
    body, rows = _step(view, zone, language)
    cancel = _button(view, gettext(language, "✖ Cancel"), CANCEL_ASK)
    if view.step not in (check_flow.CONSCIOUSNESS, check_flow.SUMMARY):
        rows.append([_button(view, gettext(language, "◀ Back"), check_flow.BACK), cancel])
    elif view.step == check_flow.CONSCIOUSNESS:
        rows.append([cancel])
    return f"{header}\n\n{body}", InlineKeyboardMarkup(rows)


def confirm_cancel(view: CheckView, language: str = ENGLISH) -> Rendered:
    """Cancel asks first: a mis-tap at 3 a.m. must not throw away a half-done check."""
    question = gettext(language, CANCEL_QUESTION)
    return f"{_header(view, language)}\n\n{question}", InlineKeyboardMarkup(
        [
            [_button(view, gettext(language, "Yes, cancel the check"), check_flow.CANCEL)],
            [_button(view, gettext(language, "No, go on"), check_flow.STAY)],
        ]
    )


def cancel_reply(view: CheckView, language: str = ENGLISH) -> str:
    """What the confirmation sent by /cancel says once answered."""
    if view.status is AssessmentStatus.CANCELLED:
        return gettext(language, "The check on {label} was cancelled: {what}").format(
            label=view.label, what=gettext(language, CANCELLED_WORDS)
        )
    return gettext(
        language, "The check on {label} goes on: carry on in the question above."
    ).format(label=view.label)


def _header(view: CheckView, language: str) -> str:
    baseline, neuro = gettext(language, "Baseline check"), gettext(language, "Neuro check")
    kind = baseline if view.is_baseline else neuro
    tool = "ICE" if view.tool is Tool.ICE else gettext(language, "CAPD (child)")
    return f"{kind} · {view.label} · {tool} · {view.holder_name}"


def _button(view: CheckView, text: str, action: str) -> InlineKeyboardButton:
    data = Callback("a", view.assessment_id, view.version, action).encode()
    return InlineKeyboardButton(text, callback_data=data)


def _step(view: CheckView, zone: ZoneInfo, language: str) -> tuple[str, Rows]:
    step = view.step
    _ = i18n.translations(language).gettext  # labels marked where they are defined
    if step == check_flow.CONSCIOUSNESS:
        return gettext(language, "Level of consciousness?"), [
            [_button(view, _(text), c.value)] for c, text in CONSCIOUSNESS_LABELS.items()
        ]
    if step in check_flow.ROW_STEPS:
        return _rows(view, step, language)
    if step == check_flow.NAMING:
        named = gettext(language, "{count} named")
        counts = [_button(view, named.format(count=n), f"n{n}") for n in range(4)]
        return (
            gettext(
                language,
                "Naming: show three objects (e.g. clock, pen, button). "
                "How many did the patient name?",
            ),
            [
                counts[:2],
                counts[2:],
                [_button(view, gettext(language, "Naming not assessable"), "na")],
            ],
        )
    if step == check_flow.REASON:
        return _reason(view, language)
    if step in check_flow.CAPD_STEPS:
        return _capd(view, step, language)
    if step == check_flow.SEIZURE:
        return gettext(language, "Seizure since the last check?"), [
            [_button(view, _(NO_FINDINGS_LABEL), check_flow.NO_FINDINGS)],
            *([_button(view, _(text), s.value)] for s, text in SEIZURE_LABELS.items()),
        ]
    if step in check_flow.TOGGLE_STEPS:
        return _toggles(view, step, language)
    if step in check_crs.STEPS:
        return crs_views.step(step, view.answers, lambda text, a: _button(view, text, a), language)
    if step == check_flow.NOTE:
        return _note(view, language)
    if step == check_flow.EDIT:
        return gettext(language, "Which part do you want to change?"), [
            [_button(view, _(STEP_TITLES.get(s, s)), f"go.{s}")]
            for s in check_flow.editable_steps(view.answers, view.tool)
        ] + [[_button(view, gettext(language, "Back to summary"), "summary")]]
    submit = gettext(language, "Submit this check?")
    return f"{summary_text(view, zone, language)}\n\n{submit}", [
        [_button(view, gettext(language, "Submit"), check_flow.SUBMIT)],
        [
            _button(view, gettext(language, "Edit"), "edit"),
            _button(view, gettext(language, "Cancel check"), CANCEL_ASK),
        ],
    ]


def _rows(view: CheckView, step: str, language: str) -> tuple[str, Rows]:
    given: Mapping[str, str] = view.answers.get("ice", {})
    rows = []
    for item in check_flow.ROW_STEPS[step]:
        row = []
        for code, mark in ANSWER_MARKS.items():
            chosen = given.get(item.value) == check_flow.ITEM_CODES[code]
            text = f"{'● ' if chosen else ''}{gettext(language, ITEM_LABELS[item])} {mark}"
            row.append(_button(view, text, f"{item.value}.{code}"))
        rows.append(row)
    marked = [i for i in check_flow.ROW_STEPS[step] if i.value in given]
    all_correct, others = (
        gettext(language, ALL_CORRECT_LABEL),
        gettext(language, OTHERS_CORRECT_LABEL),
    )
    if len(marked) < len(check_flow.ROW_STEPS[step]):
        rows.insert(0, [_button(view, others if marked else all_correct, check_flow.ALL_CORRECT)])
    rows.append([_button(view, gettext(language, "Done"), check_flow.DONE)])
    if step == check_flow.ORIENTATION:
        prompt = gettext(
            language, "Orientation: ask the year, the month, the city and the hospital."
        )
    else:
        prompt = gettext(
            language,
            'Command: e.g. "show me two fingers". Writing: the standard sentence. '
            "Attention: count backwards from 100 in tens.",
        )
    how = gettext(
        language,
        "Mark each answer ✓ right, ✗ wrong or n/a (not assessable), then Done; "
        "or {all_correct} (after marking any wrong: {others}).",
    )
    return f"{prompt}\n{how.format(all_correct=all_correct, others=others)}", rows


def _reason(view: CheckView, language: str) -> tuple[str, Rows]:
    pending = view.answers.get("reason_for", {}).get("items", [])
    names = gettext(language, ", ").join(dict.fromkeys(_item_name(i, language) for i in pending))
    buttons = [_button(view, gettext(language, text), r.value) for r, text in REASON_LABELS.items()]
    why = gettext(
        language,
        "Why could {names} not be assessed? (It will not count as wrong or right; the check "
        "will be incomplete and go to the physician for review.)",
    )
    return why.format(names=names), [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _capd(view: CheckView, step: str, language: str) -> tuple[str, Rows]:
    question = CapdQuestion(step.removeprefix("capd_"))
    number = check_flow.CAPD_STEPS.index(step) + 1
    answers = [_button(view, gettext(language, CAPD_ANSWER_LABELS[a]), a.value) for a in CapdAnswer]
    rows = [answers[:3], answers[3:]]
    if number == 1:
        rows.append([_button(view, gettext(language, "CAPD not assessable"), "na")])
    asked = gettext(language, "CAPD {number}/8 (over this shift): {question}")
    return asked.format(number=number, question=gettext(language, CAPD_LABELS[question])), rows


def _toggles(view: CheckView, step: str, language: str) -> tuple[str, Rows]:
    chosen = set(view.answers.get(step, []))
    rows = [
        [_button(view, f"{'● ' if f in chosen else ''}{gettext(language, FINDING_LABELS[f])}", f)]
        for f in check_flow.TOGGLE_STEPS[step]
    ]
    done = gettext(language, "Done") if chosen else gettext(language, "None of these")
    rows.append([_button(view, done, check_flow.DONE)])
    if step == check_flow.MOTOR:
        what = gettext(language, "Motor findings: tap every one present, then {done}.")
    else:
        what = gettext(
            language, "Raised intracranial pressure or imaging: tap every one present, then {done}."
        )
    return what.format(done=done), rows


def _note(view: CheckView, language: str) -> tuple[str, Rows]:
    status = []
    if view.note:
        status.append(gettext(language, "Note: {note}").format(note=view.note))
    if view.has_photo:
        status.append(gettext(language, "Handwriting photo: attached"))
    text = gettext(language, "Optional: type a note, or send a photo of the handwriting sample.")
    text += "\n" + "\n".join(status) if status else ""
    done, skip = gettext(language, "Continue"), gettext(language, "Skip")
    action, label = (check_flow.DONE, done) if status else (check_flow.SKIP, skip)
    return text, [[_button(view, label, action)]]


def _item_name(item: str, language: str) -> str:
    if item == "capd":
        return gettext(language, "the CAPD")
    if item.startswith("naming"):
        return gettext(language, "naming")
    label = ITEM_LABELS.get(IceItem(item))
    return gettext(language, label).lower() if label else item


def held_text(held: Held, zone: ZoneInfo, language: str = ENGLISH) -> Rendered:
    since = held.since.astimezone(zone).strftime("%H:%M")
    if held.released:
        text = gettext(
            language,
            "{holder} started the check on {label} (last answer {since}) and "
            "no longer has access to this ward: take it over to finish it.",
        )
    else:
        text = gettext(
            language,
            "{holder} is doing a check on {label} (last answer {since}). "
            "Take it over only if they cannot finish it.",
        )
    data = Callback("to", held.assessment_id, held.version, "takeover").encode()
    take = gettext(language, "Take over the check on {label}").format(label=held.label)
    button = InlineKeyboardButton(take, callback_data=data)
    words = text.format(holder=held.holder_name, label=held.label, since=since)
    return words, InlineKeyboardMarkup([[button]])


def open_already(view: CheckView, language: str = ENGLISH) -> str:
    """The answer to a second Start of one's own open check (sent as a reply to it)."""
    return gettext(
        language, "Your check on {label} is already open: carry on in the question above."
    ).format(label=view.label)
