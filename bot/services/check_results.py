"""What the check use cases hand the adapters: the view of a check, the outcome of a press
or a start, the codes of notices and refusals (worded in ``bot/telegram``), and how a view is
built from the loaded rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from sqlmodel import Session

from bot.clinical import CrsResult, IcansResult, Tool, Triggers, check_flow, grade_icans
from bot.clinical.check_answers import to_assessment
from bot.services import crs_round, grades
from bot.services.errors import RefusalCode, RefusedError
from bot.services.grades import GradeSummary
from storage.models import Assessment, AssessmentStatus, Patient, Staff


class CheckRefusal(RefusalCode):
    """Why a check, a prompt or a patient's record was not acted on (nothing changed)."""

    STALE = "check.stale"  # a press drawn at an older version
    FINISHED = "check.finished"
    NOT_YOURS = "check.not_yours"
    INVALID_BUTTON = "check.invalid_button"  # not an action of the current step
    ALREADY_DONE = "check.already_done"  # a prompt's Start after its check was done
    PROMPT_MOVED_ON = "check.prompt_moved_on"  # a stale Snooze
    CANNOT_WAIT = "check.cannot_wait"  # Snooze after the charge nurse was alerted


class CheckNotice(StrEnum):
    """A short word to the nurse with the check's next view (a pop-up or a message)."""

    RESUMING = "resuming"
    TAKEN_OVER = "taken_over"
    USE_BUTTONS = "use_buttons"  # text typed at a button step
    ANSWER_EVERY_ITEM = "answer_every_item"  # ``items``: those still unmarked
    TYPE_TEMPERATURE = "type_temperature"  # the "Type it" button
    TEMPERATURE_NOT_A_NUMBER = "temperature_not_a_number"  # ``typed``: what was typed
    TEMPERATURE_OUT_OF_RANGE = "temperature_out_of_range"  # ``typed``: what was typed


@dataclass(frozen=True)
class Notice:
    code: CheckNotice
    items: tuple[str, ...] = ()
    typed: str = ""


HINT_NOTICES: Mapping[check_flow.FlowHint, CheckNotice] = {
    check_flow.FlowHint.ANSWER_EVERY_ITEM: CheckNotice.ANSWER_EVERY_ITEM,
    check_flow.FlowHint.TYPE_TEMPERATURE: CheckNotice.TYPE_TEMPERATURE,
}


@dataclass(frozen=True)
class CheckView:
    """Everything the Telegram layer needs to draw the current question or the result."""

    assessment_id: int
    version: int
    step: str
    tool: Tool
    label: str
    status: AssessmentStatus
    holder_name: str
    answers: Mapping[str, Any]
    is_baseline: bool
    note: str | None
    has_photo: bool
    chat_id: int | None
    message_id: int | None
    grade: IcansResult | None = None
    previous: GradeSummary | None = None
    baseline: GradeSummary | None = None
    triggers: Triggers | None = None
    crs: CrsResult | None = None  # when the check asked the CRS questions


@dataclass(frozen=True)
class Shown:
    """The check goes on: draw ``view`` (edit the tracked message, or send a new one)."""

    view: CheckView
    notice: Notice | None = None
    new_message: bool = False
    displaced: CheckView | None = None  # the previous holder's view after a take-over
    resumed: bool = False  # the actor's own check, already open: lead back to its question


@dataclass(frozen=True)
class Held:
    """Somebody else holds the check on this patient; offer an explicit take-over."""

    assessment_id: int
    version: int
    label: str
    holder_name: str
    since: dt.datetime
    released: bool = False  # the holder was deactivated or left the ward: take it over


StartResult = Shown | Held
PressResult = Shown


@dataclass(frozen=True)
class Graded:
    """The result of a submit, shown with the submitted check."""

    grade: IcansResult
    previous: GradeSummary | None
    baseline: GradeSummary | None
    triggers: Triggers


@dataclass
class Loaded:
    assessment: Assessment
    patient: Patient
    holder: Staff
    graded: Graded | None = None


def tool_of(assessment: Assessment) -> Tool:
    """Set when the check starts; a check without one is corrupt, never silently ICE."""
    if assessment.tool is None:
        raise ValueError(
            f"assessment {assessment.id}: tool missing"
        )  # corrupt row, not for a person
    return Tool(assessment.tool)


def build_view(session: Session, loaded: Loaded) -> CheckView:
    """The view of a loaded check; at the summary (or editing) with the grade it would get."""
    assessment, patient = loaded.assessment, loaded.patient
    tool = tool_of(assessment)
    graded = loaded.graded
    grade = graded.grade if graded else None
    previous = graded.previous if graded else None
    baseline = graded.baseline if graded else None
    if grade is None and assessment.step in (check_flow.SUMMARY, check_flow.EDIT):
        grade = grade_icans(to_assessment(assessment.answers, tool))
        previous = grades.previous_check(session, patient.id or 0)
        baseline = grades.baseline_check(session, patient)
    return CheckView(
        assessment_id=assessment.id or 0,
        version=assessment.version,
        step=assessment.step,
        tool=tool,
        label=patient.label,
        status=assessment.status,
        holder_name=loaded.holder.display_name,
        answers=assessment.answers,
        is_baseline=assessment.is_baseline,
        note=assessment.note,
        has_photo=assessment.photo_file_id is not None,
        chat_id=assessment.chat_id,
        message_id=assessment.message_id,
        grade=grade,
        previous=previous,
        baseline=baseline,
        triggers=graded.triggers if graded else None,
        crs=crs_round.result(assessment.answers),
    )


T = TypeVar("T")


def raised(result: T | RefusedError) -> T:
    """Raise a refusal decided inside a transaction, once the transaction is over (so that
    its audit row is committed with it)."""
    if isinstance(result, RefusedError):
        raise result
    return result
