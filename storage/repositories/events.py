"""Queries on clinical events (findings reported between checks)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import ClinicalEvent


def by_source(session: Session, *, source_key: str) -> ClinicalEvent | None:
    """The event confirmed on a message (``chat:message``), if any: one per message."""
    return session.exec(select(ClinicalEvent).where(ClinicalEvent.source_key == source_key)).first()
