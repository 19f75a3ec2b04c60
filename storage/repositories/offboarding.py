"""What a person leaving still holds: pages in live chains, queued messages, checks in progress."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import (
    Assessment,
    AssessmentStatus,
    DeliveryStatus,
    Escalation,
    EscalationDelivery,
    EscalationStatus,
    OutboundMessage,
    OutboxStatus,
    Patient,
)

LIVE: tuple[EscalationStatus, ...] = (EscalationStatus.OPEN, EscalationStatus.EXHAUSTED)


def live_pages_of(
    session: Session, *, staff_id: int, ward_ids: Sequence[int]
) -> list[tuple[EscalationDelivery, Escalation]]:
    """One person's pages that are on their way or out, in live chains on these wards (both
    rows locked): the pages a chain may still be waiting on."""
    if not ward_ids:
        return []
    return list(
        session.exec(
            select(EscalationDelivery, Escalation)
            .join(Escalation, col(Escalation.id) == EscalationDelivery.escalation_id)
            .where(
                EscalationDelivery.staff_id == staff_id,
                col(EscalationDelivery.status).in_((DeliveryStatus.PENDING, DeliveryStatus.SENT)),
                col(Escalation.status).in_(LIVE),
                col(Escalation.ward_id).in_(ward_ids),
            )
            .order_by(col(Escalation.id), col(EscalationDelivery.id))
            .with_for_update()
        ).all()
    )


def pending_messages_to(
    session: Session, *, chat_id: int, purposes: Sequence[str] | None = None
) -> Sequence[OutboundMessage]:
    """Messages queued for a chat and not sent yet (optionally of some purposes), locked."""
    query = select(OutboundMessage).where(
        OutboundMessage.chat_id == chat_id, OutboundMessage.status == OutboxStatus.PENDING
    )
    if purposes is not None:
        query = query.where(col(OutboundMessage.purpose).in_(purposes))
    return session.exec(query.order_by(col(OutboundMessage.id)).with_for_update()).all()


def page_message(session: Session, dedupe_key: str) -> OutboundMessage | None:
    """The outbox message of one page, by its idempotency key, locked."""
    return session.exec(
        select(OutboundMessage).where(OutboundMessage.dedupe_key == dedupe_key).with_for_update()
    ).first()


def checks_held_by(
    session: Session, *, staff_id: int, ward_ids: Sequence[int]
) -> list[tuple[Assessment, Patient]]:
    """Checks in progress that this person holds, on these wards, locked."""
    if not ward_ids:
        return []
    return list(
        session.exec(
            select(Assessment, Patient)
            .join(Patient, col(Patient.id) == Assessment.patient_id)
            .where(
                Assessment.holder_id == staff_id,
                Assessment.status == AssessmentStatus.IN_PROGRESS,
                col(Patient.ward_id).in_(ward_ids),
            )
            .order_by(col(Assessment.id))
            .with_for_update(of=Assessment)
        ).all()
    )
