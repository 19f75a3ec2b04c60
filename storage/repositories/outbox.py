"""Reads of the outbox: the messages already in people's chats, to edit them later."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import OutboundMessage, OutboxStatus


def sent_with_prefix(session: Session, *, purpose: str, prefix: str) -> Sequence[OutboundMessage]:
    """Sent rows of a purpose whose dedupe key starts with ``prefix``, oldest first."""
    return session.exec(
        select(OutboundMessage)
        .where(
            OutboundMessage.purpose == purpose,
            col(OutboundMessage.dedupe_key).startswith(prefix),
            OutboundMessage.status == OutboxStatus.SENT,
            col(OutboundMessage.message_id).is_not(None),
        )
        .order_by(col(OutboundMessage.id))
    ).all()
