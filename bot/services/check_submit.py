"""Submitting a check: grade it, store every answer and the grade, compare, escalate,
reschedule, audit; in the press's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.clinical import Tool, check_flow, escalation, grade_icans
from bot.clinical.check_answers import answered_items, to_assessment
from bot.clinical.crs_triggers import join
from bot.services import check_scheduled, crs_round, escalations, grades, oplog, prompt_copies
from bot.services.check_results import Graded, Loaded, tool_of
from bot.services.staff import StaffView
from storage.models import AssessmentAnswer, AssessmentStatus, CheckStatus
from storage.repositories import audit

if TYPE_CHECKING:
    from bot.services.schedule import ScheduleRules


def submit(
    session: Session,
    loaded: Loaded,
    actor: StaffView,
    now: dt.datetime,
    rules: ScheduleRules | None,
) -> Graded:
    """Store the check as submitted; what it graded, for the nurse's summary."""
    assessment, patient = loaded.assessment, loaded.patient
    assessment_id, patient_id = assessment.id or 0, patient.id or 0
    tool = tool_of(assessment)
    result = grade_icans(to_assessment(assessment.answers, tool))
    previous = grades.previous_check(session, patient_id)
    baseline = grades.baseline_check(session, patient)
    crs_change = crs_round.change(session, patient, assessment.answers, now)
    triggers = join(
        escalation(
            baseline.result if baseline else None,
            previous.result if previous else None,
            result,
        ),
        crs_change,
    )
    _store_answers(session, assessment_id, assessment.answers, tool, actor, now)
    grade_row = grades.to_row(result, patient_id=patient_id, at=now, assessment_id=assessment_id)
    crs = crs_change.result if crs_change else None
    crs_round.store(grade_row, assessment.answers, crs)
    session.add(grade_row)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.version += 1
    assessment.updated_at = now
    if assessment.is_baseline:
        patient.baseline_assessment_id = assessment.id
    check_scheduled.finish(session, assessment, CheckStatus.DONE)
    prompt_copies.queue_update(
        session,
        assessment,
        prompt_copies.SUBMITTED,
        now=now,
        grade=result.icans_grade,
        complete=result.complete,
    )
    session.flush()
    escalations.escalate(
        session, patient, triggers, now, source="check", grade_result_id=grade_row.id
    )
    if assessment.scheduled_check_id is not None:
        escalations.close_missed_check(session, assessment.scheduled_check_id, now)
    if rules is not None:
        rules.reschedule(session, patient, now)
    audit.record(
        session,
        at=now,
        action="check.submitted",
        actor_staff_id=actor.id,
        entity="assessment",
        entity_id=assessment.id,
        patient_id=patient.id,
        ward_id=patient.ward_id,
        icans_grade=result.icans_grade,
        complete=result.complete,
        ice_score=result.ice_score,
        capd_score=result.capd_score,
        urgency=triggers.urgency.value,
        reasons=[r.value for r in triggers.reasons],
        grade_result_id=grade_row.id,
        ruleset=result.ruleset,
        crs_grade=grade_row.crs_grade,
        temperature_c=grade_row.temperature_c,
    )
    oplog.after_commit(
        session,
        "check submitted",
        assessment=assessment.id,
        patient=patient.id,
        ward=patient.ward_id,
        grade=result.icans_grade,
        complete=result.complete,
        urgency=triggers.urgency.value,
    )
    return Graded(result, previous, baseline, triggers)


def _store_answers(
    session: Session,
    assessment_id: int,
    answers: Mapping[str, Any],
    tool: Tool,
    actor: StaffView,
    now: dt.datetime,
) -> None:
    """Every answered item, with who answered its step and when."""
    by = answers.get("by", {})
    at = answers.get("at", {})
    for row in answered_items(answers, tool):
        step = step_of(row.item)
        session.add(
            AssessmentAnswer(
                assessment_id=assessment_id,
                item=row.item,
                value=row.value,
                reason=row.reason,
                answered_by_id=int(by.get(step, actor.id)),
                answered_at=dt.datetime.fromisoformat(at[step]) if step in at else now,
            )
        )


def step_of(item: str) -> str:
    """The conversation step in which a stored item was answered."""
    if item in ("year", "month", "city", "hospital"):
        return check_flow.ORIENTATION
    if item.startswith("naming"):
        return check_flow.NAMING
    if item in ("command", "writing", "attention"):
        return check_flow.TASKS
    if item.startswith("motor_"):
        return check_flow.MOTOR
    if item.startswith("icp_"):
        return check_flow.ICP
    if item == "capd":
        return check_flow.CAPD_STEPS[0]
    return item  # consciousness, seizure and each CAPD question are steps of their own
