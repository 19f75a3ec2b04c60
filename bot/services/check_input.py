"""What a nurse types or sends while a check is open: the note and the handwriting photo at
the note step, a typed temperature at the temperature question; anything else at a button
step shows the question again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from bot.clinical import check_crs, check_flow
from bot.services.check_results import CheckNotice, Loaded, Notice, Shown, build_view, tool_of
from bot.services.staff import StaffView
from storage.models import Assessment


def typed(
    session: Session,
    loaded: Loaded,
    actor: StaffView,
    now: dt.datetime,
    *,
    note: str | None,
    photo: str | None,
) -> Shown:
    """Apply a note, a photo or a typed temperature to the loaded (locked) check."""
    assessment = loaded.assessment
    if assessment.step == check_crs.TEMPERATURE and note is not None:
        return _typed_temperature(session, loaded, actor, note, now)
    if assessment.step != check_flow.NOTE:
        notice = Notice(CheckNotice.USE_BUTTONS)
        return Shown(build_view(session, loaded), new_message=True, notice=notice)
    if note:
        assessment.note = note
    if photo:
        assessment.photo_file_id = photo
    touch(assessment, now)
    return Shown(build_view(session, loaded), new_message=True)


def _typed_temperature(
    session: Session, loaded: Loaded, actor: StaffView, text: str, now: dt.datetime
) -> Shown:
    """A typed temperature answers the temperature question as its button would."""
    assessment = loaded.assessment
    try:
        value = check_crs.parse_temperature(text)
    except check_crs.TemperatureError as exc:
        code = (
            CheckNotice.TEMPERATURE_NOT_A_NUMBER
            if exc.problem is check_crs.TemperatureProblem.NOT_A_NUMBER
            else CheckNotice.TEMPERATURE_OUT_OF_RANGE
        )
        notice = Notice(code, typed=exc.text)
        return Shown(build_view(session, loaded), new_message=True, notice=notice)
    state = check_flow.FlowState(assessment.step, tool_of(assessment), assessment.answers)
    outcome = check_flow.apply(state, check_crs.temperature_action(value))
    stamp(outcome.state.answers, state.step, actor, now)
    assessment.step, assessment.answers = outcome.state.step, outcome.state.answers
    touch(assessment, now)
    return Shown(build_view(session, loaded), new_message=True)


def touch(assessment: Assessment, now: dt.datetime) -> None:
    assessment.version += 1
    assessment.updated_at = now


def stamp(answers: dict[str, Any], step: str, actor: StaffView, now: dt.datetime) -> None:
    """Who answered each step, and when: stored with every answer on submit."""
    answers.setdefault("by", {})[step] = actor.id
    answers.setdefault("at", {})[step] = now.isoformat()
