"""Reads and locks of escalations and their deliveries (pages): what the escalation runner,
the acknowledgement and the alert's view ask of the database. No commits: the caller's
transaction decides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, Final

from sqlmodel import Session, col, func, select

from storage.models import (
    Assessment,
    AssessmentStatus,
    AuditLog,
    ClinicalEvent,
    ClinicalEventKind,
    DeliveryStatus,
    Escalation,
    EscalationDelivery,
    EscalationStatus,
    GradeResult,
    Staff,
)
from storage.repositories.claims import claim_due

LIVE: Final = (EscalationStatus.OPEN, EscalationStatus.EXHAUSTED)
"""Climbing, or run out unacknowledged: either still asks somebody for something."""
MISSED_CHECK: Final = "missed_check"
"""The source of an alert about a scheduled check nobody started."""


def live_for_patient(session: Session, *, patient_id: int, lock: bool = False) -> list[Escalation]:
    """The patient's live chains, oldest first (locked when about to be taken over)."""
    query = select(Escalation).where(
        Escalation.patient_id == patient_id, col(Escalation.status).in_(LIVE)
    )
    if lock:
        query = query.with_for_update()
    return list(session.exec(query.order_by(col(Escalation.id))).all())


def live_missed_checks(
    session: Session, *, scheduled_check_id: int | None = None, patient_id: int | None = None
) -> Sequence[Escalation]:
    """Live alerts about a missed check (of one scheduled check, or of one patient), locked."""
    query = select(Escalation).where(
        Escalation.source == MISSED_CHECK, col(Escalation.status).in_(LIVE)
    )
    if scheduled_check_id is not None:
        query = query.where(Escalation.scheduled_check_id == scheduled_check_id)
    if patient_id is not None:
        query = query.where(Escalation.patient_id == patient_id)
    return session.exec(query.with_for_update()).all()


def live_on_wards(
    session: Session, *, ward_ids: Collection[int], limit: int
) -> Sequence[Escalation]:
    """Live alerts on these wards, newest first."""
    return session.exec(
        select(Escalation)
        .where(col(Escalation.ward_id).in_(ward_ids), col(Escalation.status).in_(LIVE))
        .order_by(col(Escalation.created_at).desc())
        .limit(limit)
    ).all()


def claim_steps(session: Session, *, now: dt.datetime, limit: int) -> Sequence[Escalation]:
    """Open chains whose next step is due, locked (the generic claim)."""
    return claim_due(
        session,
        Escalation,
        due=Escalation.next_step_at,  # type: ignore[arg-type]
        now=now,
        where=(Escalation.status == EscalationStatus.OPEN,),
        limit=limit,
    )


def claim_follow_ups(session: Session, *, now: dt.datetime, limit: int) -> Sequence[Escalation]:
    """Acknowledged critical alerts whose follow-up reminder is due, locked."""
    return claim_due(
        session,
        Escalation,
        due=Escalation.follow_up_at,  # type: ignore[arg-type]
        now=now,
        limit=limit,
    )


def claim_second_channel(session: Session, *, now: dt.datetime, limit: int) -> Sequence[Escalation]:
    """Open chains whose second-channel minute has come, locked."""
    return claim_due(
        session,
        Escalation,
        due=Escalation.second_channel_at,  # type: ignore[arg-type]
        now=now,
        where=(Escalation.status == EscalationStatus.OPEN,),
        limit=limit,
    )


def deliveries(session: Session, *, escalation_id: int | None) -> Sequence[EscalationDelivery]:
    """Every page of a chain, oldest first."""
    return session.exec(
        select(EscalationDelivery)
        .where(EscalationDelivery.escalation_id == escalation_id)
        .order_by(col(EscalationDelivery.id))
    ).all()


def sent_deliveries(session: Session, *, escalation_id: int | None) -> Sequence[EscalationDelivery]:
    """The pages of a chain that reached someone (their copies can be edited)."""
    return session.exec(
        select(EscalationDelivery)
        .where(
            EscalationDelivery.escalation_id == escalation_id,
            EscalationDelivery.status == DeliveryStatus.SENT,
        )
        .order_by(col(EscalationDelivery.id))
    ).all()


def count_sent(session: Session, *, escalation_id: int) -> int:
    """How many pages of a chain reached someone."""
    return int(
        session.exec(
            select(func.count()).where(
                EscalationDelivery.escalation_id == escalation_id,
                EscalationDelivery.status == DeliveryStatus.SENT,
            )
        ).one()
    )


def unreachable(session: Session, *, escalation_id: int | None) -> set[int | None]:
    """People whose latest page of this chain could not be delivered (a person whose later
    page got through is reachable again)."""
    latest: dict[int | None, str] = {}
    for staff_id, status in session.exec(
        select(EscalationDelivery.staff_id, EscalationDelivery.status)
        .where(EscalationDelivery.escalation_id == escalation_id)
        .order_by(col(EscalationDelivery.id))
    ).all():
        latest[staff_id] = status
    return {staff_id for staff_id, status in latest.items() if status == DeliveryStatus.FAILED}


def reached(session: Session, *, escalation_id: int | None, step_index: int | None = None) -> bool:
    """Whether any page of this chain (or of one step) is out or on its way."""
    query = select(EscalationDelivery.id).where(
        EscalationDelivery.escalation_id == escalation_id,
        col(EscalationDelivery.status).in_((DeliveryStatus.SENT, DeliveryStatus.PENDING)),
    )
    if step_index is not None:
        query = query.where(EscalationDelivery.step_index == step_index)
    return session.exec(query).first() is not None


def decisions(session: Session, *, escalation_id: int) -> Sequence[AuditLog]:
    """The decisions recorded on an alert, in the order they were recorded (committed rows)."""
    return session.exec(
        select(AuditLog)
        .where(
            AuditLog.entity == "escalation",
            AuditLog.entity_id == escalation_id,
            AuditLog.action == "escalation.decision",
        )
        .order_by(col(AuditLog.id))
    ).all()


def checked_since(session: Session, *, patient_id: int, since: dt.datetime) -> bool:
    """Whether a check on the patient was submitted after ``since``."""
    return (
        session.exec(
            select(Assessment.id).where(
                Assessment.patient_id == patient_id,
                Assessment.status == AssessmentStatus.SUBMITTED,
                col(Assessment.submitted_at) > since,
            )
        ).first()
        is not None
    )


def current_grade(session: Session, *, assessment_id: int) -> GradeResult | None:
    """A check's grade as it stands now (after any re-attribution)."""
    return session.exec(
        select(GradeResult).where(
            GradeResult.assessment_id == assessment_id, col(GradeResult.current)
        )
    ).first()


def seizures(session: Session, *, patient_id: int) -> int:
    """Seizure events recorded for the patient."""
    return int(
        session.exec(
            select(func.count()).where(
                ClinicalEvent.patient_id == patient_id,
                ClinicalEvent.kind == ClinicalEventKind.SEIZURE,
            )
        ).one()
    )


def names(session: Session, *, staff_ids: Collection[int]) -> dict[int, str]:
    """Display names by staff id, in one query."""
    rows = session.exec(
        select(Staff.id, Staff.display_name).where(col(Staff.id).in_(staff_ids))
    ).all()
    return {staff_id or 0: name for staff_id, name in rows}


def active_staff(session: Session, *, staff_ids: Collection[int]) -> list[Staff]:
    """The active people among ``staff_ids``, by id."""
    people: Sequence[Staff] = session.exec(
        select(Staff).where(col(Staff.id).in_(staff_ids), Staff.active == True)  # noqa: E712
    ).all()
    return sorted(people, key=lambda s: s.id or 0)


def pending_decision(row: Any, escalation_id: int) -> bool:
    """Whether an audit row not yet written is a decision on this alert."""
    return (row.entity, row.entity_id, row.action) == (
        "escalation",
        escalation_id,
        "escalation.decision",
    )
