"""Reads about an alert's reach: who was paged and when, for the nurse who raised it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import (
    Assessment,
    DeliveryStatus,
    Escalation,
    EscalationDelivery,
    GradeResult,
    Staff,
)


def paged(session: Session, *, escalation_id: int) -> Sequence[tuple[str, dt.datetime]]:
    """(name, sent at) of every page that reached someone, first page first."""
    rows = session.exec(
        select(Staff.display_name, EscalationDelivery.sent_at)
        .join(Staff, col(Staff.id) == EscalationDelivery.staff_id)
        .where(
            EscalationDelivery.escalation_id == escalation_id,
            EscalationDelivery.status == DeliveryStatus.SENT,
            col(EscalationDelivery.sent_at).is_not(None),
        )
        .order_by(col(EscalationDelivery.sent_at), col(EscalationDelivery.id))
    ).all()
    return [(name, at) for name, at in rows if at is not None]


def raising_check(session: Session, escalation: Escalation) -> Assessment | None:
    """The check whose grade raised the alert (None for an event or a missed check)."""
    if escalation.grade_result_id is None:
        return None
    grade = session.get(GradeResult, escalation.grade_result_id)
    if grade is None or grade.assessment_id is None:
        return None
    return session.get(Assessment, grade.assessment_id)


def attribution_reason(by_name: str) -> str:
    """The free-text reason a re-attributed grade row records (exported as the row's
    ``attribution_reason``; a record of the row, like the audit trail, not a message)."""
    return f"attributed to another cause by {by_name}"
