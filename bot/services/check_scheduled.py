"""A check and the scheduled check it fulfils: linked when it starts (however started),
linked again on a take-over, done on submit, given back to its ladder on cancel or abandon.
Each change of a prompt's state queues the edit of the prompt's copies."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.services import prompt_copies
from storage.models import Assessment, AssessmentStatus, CheckStatus, ScheduledCheck
from storage.repositories import checks as checks_repo

EARLY_START = dt.timedelta(hours=1)  # a check this close to its due time counts for it


def link(session: Session, assessment: Assessment, now: dt.datetime) -> None:
    """A check started for a due (or soon due) scheduled check fulfils it, however started."""
    row = checks_repo.startable(
        session,
        patient_id=assessment.patient_id,
        check_id=assessment.scheduled_check_id,
        due_before=now + EARLY_START,
    )
    if row is None:
        assessment.scheduled_check_id = None
        return
    row.status, row.assessment_id = CheckStatus.IN_PROGRESS, assessment.id
    assessment.scheduled_check_id = row.id
    prompt_copies.queue_update(session, assessment, prompt_copies.STARTED, now=now)


def relink(session: Session, assessment: Assessment) -> None:
    """A check released when its holder left (services.offboarding) gave its scheduled
    check back to the ladder; taking it over fulfils that check again."""
    if assessment.scheduled_check_id is None:
        return
    row = session.get(ScheduledCheck, assessment.scheduled_check_id, with_for_update=True)
    unstarted = (CheckStatus.DUE, CheckStatus.PROMPTED)
    if row is not None and row.assessment_id is None and row.status in unstarted:
        row.status, row.assessment_id = CheckStatus.IN_PROGRESS, assessment.id


def finish(session: Session, assessment: Assessment, status: CheckStatus | None) -> None:
    """Done on submit; on cancel or abandon (None) the row goes back to its ladder."""
    if assessment.scheduled_check_id is None:
        return
    row = session.get(ScheduledCheck, assessment.scheduled_check_id, with_for_update=True)
    if row is None or row.status is not CheckStatus.IN_PROGRESS:
        return
    if status is not None:
        row.status, row.next_action_at = status, None
    else:
        row.status = CheckStatus.DUE if row.prompted_at is None else CheckStatus.PROMPTED
        row.assessment_id = None
        state = (
            prompt_copies.CANCELLED
            if assessment.status is AssessmentStatus.CANCELLED
            else prompt_copies.ABANDONED
        )
        prompt_copies.queue_update(session, assessment, state, now=assessment.updated_at)
