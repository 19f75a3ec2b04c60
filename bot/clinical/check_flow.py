"""The neuro-check conversation as a pure state machine (no I/O, no clock, no Telegram).

The state is ``(step, answers)``, stored in the ``assessment`` row, so any process can take
the next button press. ``answers`` is plain JSON:

    consciousness: "alert" ...            ice: {IceItem: ItemAnswer}
    capd: {CapdQuestion: CapdAnswer} or "not_assessable"
    reasons: {item or "capd": NotAssessableReason}
    seizure: Seizure                       motor / icp: [finding, ...]
    done: [step, ...]                      (steps the nurse has completed)
    reason_for: {"items": [...], "after": step}   (while asking why items were not assessable)
    crs_ask: bool, crs_last_c: float | None, crs: {...}   (CRS questions: see check_crs.py)

The next step is always the first step of the applicable sequence, after the current one,
that is not done; when none is left, the summary. The same rule drives the first pass and
editing (an edited step returns straight to the summary), and it adapts when an edit changes
the path (a patient changed from unarousable to alert must now do the ICE).

See ``check_flow.md`` beside this file for the diagram. No words here: a hint for the nurse
is a code (``FlowHint``) that the Telegram layer words; the grading input and the rows stored
on submit are built in ``check_answers.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, TypeVar

from bot.clinical import check_crs
from bot.clinical.vocabulary import (
    CapdAnswer,
    CapdQuestion,
    Consciousness,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    NotAssessableReason,
    Seizure,
    Tool,
)

Answers = dict[str, Any]
_E = TypeVar("_E", bound=StrEnum)

CONSCIOUSNESS: Final = "consciousness"
ORIENTATION: Final = "orientation"
NAMING: Final = "naming"
TASKS: Final = "tasks"
REASON: Final = "reason"
SEIZURE: Final = "seizure"
MOTOR: Final = "motor"
ICP: Final = "icp"
NOTE: Final = "note"
SUMMARY: Final = "summary"
EDIT: Final = "edit"
CAPD_STEPS: Final = tuple(f"capd_{q.value}" for q in CapdQuestion)
CAPD_FIRST: Final = next(iter(CapdQuestion))

ORIENTATION_ITEMS: Final = (IceItem.YEAR, IceItem.MONTH, IceItem.CITY, IceItem.HOSPITAL)
NAMING_ITEMS: Final = (IceItem.NAMING_1, IceItem.NAMING_2, IceItem.NAMING_3)
TASK_ITEMS: Final = (IceItem.COMMAND, IceItem.WRITING, IceItem.ATTENTION)
ROW_STEPS: Final[Mapping[str, tuple[IceItem, ...]]] = {
    ORIENTATION: ORIENTATION_ITEMS,
    TASKS: TASK_ITEMS,
}
TOGGLE_STEPS: Final[Mapping[str, tuple[str, ...]]] = {
    MOTOR: tuple(m.value for m in MotorFinding),
    ICP: tuple(i.value for i in IcpFinding),
}
# Short codes keep callback data well under Telegram's 64 bytes.
ITEM_CODES: Final[Mapping[str, ItemAnswer]] = {
    "c": ItemAnswer.CORRECT,
    "w": ItemAnswer.WRONG,
    "na": ItemAnswer.NOT_ASSESSABLE,
}

SUBMIT: Final = "submit"
CANCEL: Final = "cancel"
DONE: Final = "done"
BACK: Final = "back"
SKIP: Final = "skip"
STAY: Final = "stay"  # "No, go on" after Cancel was pressed: the same question again
# Shortcuts for a normal check; each still records every item it answers.
ALL_CORRECT: Final = "allc"  # a row step: every item not yet marked is correct, then Done
NO_FINDINGS: Final = "nofind"  # the seizure step: no seizure, no motor, no ICP findings


class FlowHint(StrEnum):
    """A short pop-up for the nurse: the press changed nothing, and this is why or how."""

    ANSWER_EVERY_ITEM = "answer_every_item"  # Done on a row with items unmarked (``items``)
    TYPE_TEMPERATURE = "type_temperature"  # "Type it" on the temperature question


@dataclass(frozen=True)
class Hint:
    code: FlowHint
    items: tuple[str, ...] = ()  # the items still unanswered, for ANSWER_EVERY_ITEM


class InvalidActionError(ValueError):
    """The action does not belong to the current step (forged, or from another release)."""


@dataclass(frozen=True)
class FlowState:
    step: str
    tool: Tool
    answers: Answers = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """The new state, plus what the service must do beyond storing it."""

    state: FlowState
    submit: bool = False
    cancel: bool = False
    hint: Hint | None = None  # shown to the nurse as a short pop-up (e.g. "answer all four")


def start(tool: Tool) -> FlowState:
    return FlowState(step=CONSCIOUSNESS, tool=tool, answers={"done": []})


def sequence(answers: Mapping[str, Any], tool: Tool) -> tuple[str, ...]:
    """The steps that apply to this check, in the order they are asked."""
    steps: list[str] = [CONSCIOUSNESS]
    if answers.get("consciousness") != Consciousness.UNAROUSABLE:
        if tool is Tool.ICE:
            steps += [ORIENTATION, NAMING, TASKS]
        else:
            steps += list(CAPD_STEPS)
    crs = check_crs.STEPS if check_crs.asked(answers) else ()
    return (*steps, SEIZURE, MOTOR, ICP, *crs, NOTE)


def is_row_answer(step: str, action: str) -> bool:
    """Setting one ICE item in a row step ("year.c"): idempotent and independent of the other
    items, so a press drawn before the latest edit is still safe to apply on that step (two
    quick taps on a slow connection must not lose the second)."""
    item, _, code = action.partition(".")
    return step in ROW_STEPS and code in ITEM_CODES and item in {i.value for i in ROW_STEPS[step]}


def next_step(after: str, answers: Mapping[str, Any], tool: Tool) -> str:
    steps = sequence(answers, tool)
    done = set(answers.get("done", ()))
    start_at = steps.index(after) + 1 if after in steps else 0
    for step in steps[start_at:]:
        if step not in done:
            return step
    missing = [s for s in steps if s not in done]
    return missing[0] if missing else SUMMARY


def previous_step(current: str, answers: Mapping[str, Any], tool: Tool) -> str | None:
    steps = sequence(answers, tool)
    if current not in steps or steps.index(current) == 0:
        return None
    return steps[steps.index(current) - 1]


def apply(state: FlowState, action: str) -> Outcome:
    """Apply one button press; ``InvalidActionError`` if the step does not offer it."""
    answers = _copy(state.answers)
    if action == CANCEL:  # at every step (the Telegram layer asks to confirm first)
        return Outcome(state, cancel=True)
    if action == STAY:
        return Outcome(state)
    if action == BACK:
        return _back(state, answers)
    if state.step == SUMMARY:
        return _summary(state, answers, action)
    if state.step == EDIT:
        return _edit(state, answers, action)
    handler = _HANDLERS.get(state.step) or (_capd if state.step in CAPD_STEPS else None)
    if handler is None:
        raise InvalidActionError(state.step)
    return handler(state, answers, action)


def _copy(answers: Mapping[str, Any]) -> Answers:
    """A deep-enough copy: nested dicts and lists are rebuilt, so the input never changes."""
    return {
        k: dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v
        for k, v in answers.items()
    }


def _complete(state: FlowState, answers: Answers, step: str) -> Outcome:
    """Mark ``step`` done and move on; not-assessable items first need a reason."""
    done = answers.setdefault("done", [])
    if step not in done:
        done.append(step)
    return Outcome(FlowState(next_step(step, answers, state.tool), state.tool, answers))


def _ask_reason(state: FlowState, answers: Answers, items: list[str], after: str) -> Outcome:
    done = answers.setdefault("done", [])
    if after not in done:
        done.append(after)
    answers["reason_for"] = {"items": items, "after": after}
    return Outcome(FlowState(REASON, state.tool, answers))


def _consciousness(state: FlowState, answers: Answers, action: str) -> Outcome:
    answers["consciousness"] = _enum(Consciousness, action).value
    return _complete(state, answers, CONSCIOUSNESS)


def _rows(state: FlowState, answers: Answers, action: str) -> Outcome:
    """Orientation and tasks: one row per item (correct / wrong / not assessable), then Done."""
    items = ROW_STEPS[state.step]
    ice: dict[str, str] = answers.setdefault("ice", {})
    if action == ALL_CORRECT:  # the items already marked (e.g. one wrong) are kept
        for item in items:
            ice.setdefault(item.value, ItemAnswer.CORRECT.value)
        action = DONE
    if action == DONE:
        unanswered = [i for i in items if i.value not in ice]
        if unanswered:
            missing = tuple(i.value for i in unanswered)
            return Outcome(state, hint=Hint(FlowHint.ANSWER_EVERY_ITEM, missing))
        not_assessable = [i.value for i in items if ice[i.value] == ItemAnswer.NOT_ASSESSABLE]
        if not_assessable:
            return _ask_reason(state, answers, not_assessable, state.step)
        return _complete(state, answers, state.step)
    item_code, _, answer_code = action.partition(".")
    item = _enum(IceItem, item_code)
    if item not in items or answer_code not in ITEM_CODES:
        raise InvalidActionError(action)
    ice[item.value] = ITEM_CODES[answer_code].value
    answers.get("reasons", {}).pop(item.value, None)
    return Outcome(FlowState(state.step, state.tool, answers))


def _naming(state: FlowState, answers: Answers, action: str) -> Outcome:
    """Naming as a count: 0-3 objects named, or not assessable (all three items)."""
    ice: dict[str, str] = answers.setdefault("ice", {})
    if action == "na":
        for item in NAMING_ITEMS:
            ice[item.value] = ItemAnswer.NOT_ASSESSABLE.value
        return _ask_reason(state, answers, [i.value for i in NAMING_ITEMS], NAMING)
    if action not in ("n0", "n1", "n2", "n3"):
        raise InvalidActionError(action)
    correct = int(action[1])
    for index, item in enumerate(NAMING_ITEMS):
        answer = ItemAnswer.CORRECT if index < correct else ItemAnswer.WRONG
        ice[item.value] = answer.value
        answers.get("reasons", {}).pop(item.value, None)
    return _complete(state, answers, NAMING)


def _capd(state: FlowState, answers: Answers, action: str) -> Outcome:
    question = CapdQuestion(state.step.removeprefix("capd_"))
    if action == "na":
        if question is not CAPD_FIRST:
            raise InvalidActionError(action)
        answers["capd"] = ItemAnswer.NOT_ASSESSABLE.value
        answers["done"] = [*answers.get("done", []), *CAPD_STEPS[:-1]]
        return _ask_reason(state, answers, ["capd"], CAPD_STEPS[-1])
    capd = answers.get("capd")
    if not isinstance(capd, dict):
        # From "not assessable" to answers (an edit): the other questions must be asked now.
        capd = {}
        answers.get("reasons", {}).pop("capd", None)
        answers["done"] = [s for s in answers.get("done", []) if s not in CAPD_STEPS]
    capd[question.value] = _enum(CapdAnswer, action).value
    answers["capd"] = capd
    return _complete(state, answers, state.step)


def _reason(state: FlowState, answers: Answers, action: str) -> Outcome:
    reason = _enum(NotAssessableReason, action)
    pending = answers.pop("reason_for", None)
    if not isinstance(pending, dict):
        raise InvalidActionError(action)
    reasons: dict[str, str] = answers.setdefault("reasons", {})
    for item in pending["items"]:
        reasons[item] = reason.value
    return _complete(state, answers, str(pending["after"]))


def _seizure(state: FlowState, answers: Answers, action: str) -> Outcome:
    if action == NO_FINDINGS:
        answers["seizure"] = Seizure.NONE.value
        answers[MOTOR], answers[ICP] = [], []
        done = answers.setdefault("done", [])
        done += [s for s in (SEIZURE, MOTOR) if s not in done]
        return _complete(state, answers, ICP)
    answers["seizure"] = _enum(Seizure, action).value
    return _complete(state, answers, SEIZURE)


def _toggles(state: FlowState, answers: Answers, action: str) -> Outcome:
    """Motor and ICP findings: tap to select or clear each, then Done (nothing = none)."""
    chosen: list[str] = answers.setdefault(state.step, [])
    if action == DONE:
        return _complete(state, answers, state.step)
    if action not in TOGGLE_STEPS[state.step]:
        raise InvalidActionError(action)
    if action in chosen:
        chosen.remove(action)
    else:
        chosen.append(action)
    return Outcome(FlowState(state.step, state.tool, answers))


def _crs(state: FlowState, answers: Answers, action: str) -> Outcome:
    """One tap per CRS question; the temperature may also come typed (the service turns the
    text into the same ``t38.4`` action, validated by the same rule). On the blood-pressure
    question one tap may answer it and the two after it: no support, no oxygen, nothing
    given (the usual answers, each still stored and editable)."""
    if state.step == check_crs.TEMPERATURE:
        if action == check_crs.TYPE_IT:
            return Outcome(state, hint=Hint(FlowHint.TYPE_TEMPERATURE))
        value = check_crs.temperature_from_action(action)
        if value is None:
            raise InvalidActionError(action)
        answers.setdefault("crs", {})[check_crs.TEMPERATURE] = value
    elif state.step == check_crs.PRESSURE and action == check_crs.NONE_GIVEN:
        answers.setdefault("crs", {}).update(check_crs.NONE_GIVEN_ANSWERS)
        done = answers.setdefault("done", [])
        done += [s for s in (check_crs.PRESSURE, check_crs.OXYGEN) if s not in done]
        return _complete(state, answers, check_crs.TREATED)
    elif check_crs.is_choice(state.step, action):
        answers.setdefault("crs", {})[state.step] = action
    else:
        raise InvalidActionError(action)
    return _complete(state, answers, state.step)


def _note(state: FlowState, answers: Answers, action: str) -> Outcome:
    if action not in (SKIP, DONE):
        raise InvalidActionError(action)
    return _complete(state, answers, NOTE)


def _summary(state: FlowState, answers: Answers, action: str) -> Outcome:
    if action == SUBMIT:
        missing = [s for s in sequence(answers, state.tool) if s not in answers.get("done", [])]
        if missing:
            return Outcome(FlowState(missing[0], state.tool, answers))
        return Outcome(state, submit=True)
    if action == CANCEL:
        return Outcome(state, cancel=True)
    if action == "edit":
        return Outcome(FlowState(EDIT, state.tool, answers))
    raise InvalidActionError(action)


def _edit(state: FlowState, answers: Answers, action: str) -> Outcome:
    target = action.removeprefix("go.")
    if action == "summary":
        return Outcome(FlowState(SUMMARY, state.tool, answers))
    if not action.startswith("go.") or target not in editable_steps(answers, state.tool):
        raise InvalidActionError(action)
    return Outcome(FlowState(target, state.tool, answers))


def _back(state: FlowState, answers: Answers) -> Outcome:
    if state.step in (SUMMARY, EDIT):
        return Outcome(FlowState(SUMMARY if state.step == EDIT else NOTE, state.tool, answers))
    if state.step == REASON:
        pending = answers.pop("reason_for", {})
        return Outcome(FlowState(str(pending.get("after", CONSCIOUSNESS)), state.tool, answers))
    previous = previous_step(state.step, answers, state.tool)
    if previous is None:
        raise InvalidActionError(BACK)
    return Outcome(FlowState(previous, state.tool, answers))


def editable_steps(answers: Mapping[str, Any], tool: Tool) -> tuple[str, ...]:
    """Steps offered by Edit; CAPD questions are edited from the first one on."""
    return tuple(s for s in sequence(answers, tool) if s not in CAPD_STEPS[1:])


_HANDLERS = {
    CONSCIOUSNESS: _consciousness,
    ORIENTATION: _rows,
    TASKS: _rows,
    NAMING: _naming,
    REASON: _reason,
    SEIZURE: _seizure,
    MOTOR: _toggles,
    ICP: _toggles,
    NOTE: _note,
    **dict.fromkeys(check_crs.STEPS, _crs),
}


def _enum(enum_cls: type[_E], value: str) -> _E:
    try:
        return enum_cls(value)
    except ValueError as exc:
        raise InvalidActionError(value) from exc
