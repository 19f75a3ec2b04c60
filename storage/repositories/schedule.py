"""Reads of the scheduler's rows: what the cadence is computed from (a patient's open check
rows, plan events and graded checks, the patients to sweep), and what the sandbox's clock
controls need.

The sandbox moves its clock to "the next due check" and, before any jump, waits until no
queued message is being sent: a jump past the outbox's lease while a send is in flight would
let the next pass claim that message again, which in real time cannot happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from storage.models import (
    Assessment,
    CheckStatus,
    GradeResult,
    InfusionEvent,
    InfusionPlan,
    OutboundMessage,
    Patient,
    PatientStatus,
    ScheduledCheck,
)
from storage.repositories import outbox as outbox_repo


def open_rows(
    session: Session, *, patient_id: int, statuses: Sequence[CheckStatus]
) -> Sequence[ScheduledCheck]:
    """A patient's check rows in ``statuses``, locked (the caller rewrites them)."""
    return session.exec(
        select(ScheduledCheck)
        .where(ScheduledCheck.patient_id == patient_id, col(ScheduledCheck.status).in_(statuses))
        .with_for_update()
    ).all()


def plan_events(session: Session, *, plan_id: int | None) -> Sequence[InfusionEvent]:
    """A plan's events, oldest first."""
    return session.exec(
        select(InfusionEvent)
        .where(InfusionEvent.plan_id == plan_id)
        .order_by(col(InfusionEvent.at))
    ).all()


def graded_since(
    session: Session, *, patient_id: int | None, since: dt.datetime
) -> Sequence[tuple[GradeResult, bool | None]]:
    """The patient's current grades since ``since`` (checks and events), oldest first, each
    with whether its check was the baseline (None for an event)."""
    return session.exec(
        select(GradeResult, Assessment.is_baseline)
        .join(Assessment, col(Assessment.id) == GradeResult.assessment_id, isouter=True)
        .where(
            GradeResult.patient_id == patient_id,
            col(GradeResult.current),
            col(GradeResult.graded_at) >= since,
        )
        .order_by(col(GradeResult.graded_at), col(GradeResult.id))
    ).all()


def admitted_with_plans(session: Session) -> Sequence[Patient]:
    """Admitted patients who have (or had) an infusion plan: the start-up sweep's set."""
    return session.exec(
        select(Patient)
        .join(InfusionPlan, col(InfusionPlan.patient_id) == Patient.id)
        .where(Patient.status == PatientStatus.ACTIVE)
        .distinct()
    ).all()


def next_unprompted_due(session: Session, *, after: dt.datetime) -> dt.datetime | None:
    """The earliest due time after ``after`` of a check not prompted yet (None: there is
    none). A check already due but not prompted (nobody to tell) is the scheduler's to retry,
    not a place to move the clock to."""
    return session.exec(
        select(func.min(ScheduledCheck.due_at)).where(
            ScheduledCheck.status == CheckStatus.DUE, col(ScheduledCheck.due_at) > after
        )
    ).one()


def outbox_sending(session: Session) -> bool:
    """Whether a queued message is claimed by a sender right now."""
    claimed = session.exec(
        select(OutboundMessage.id).where(col(OutboundMessage.claim_token).is_not(None)).limit(1)
    ).first()
    return claimed is not None


def sent_prompts(session: Session, *, check_id: int) -> Sequence[OutboundMessage]:
    """Every prompt, reminder and alert sent for this scheduled check (each person's copy),
    oldest first: the copies whose buttons must change when the check starts or ends."""
    return outbox_repo.sent_with_prefix(
        session, purpose="check_prompt", prefix=f"check:{check_id}:"
    )
