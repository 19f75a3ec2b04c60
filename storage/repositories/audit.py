"""The audit trail: one function, so every row has the same shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from storage.models import AuditLog


def record(
    session: Session,
    *,
    at: dt.datetime,
    action: str,
    actor_staff_id: int | None = None,
    actor_telegram_id: int | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    patient_id: int | None = None,
    ward_id: int | None = None,
    **detail: Any,
) -> None:
    """Append an audit row in the caller's transaction (it commits or rolls back with it)."""
    session.add(
        AuditLog(
            at=at,
            action=action,
            actor_staff_id=actor_staff_id,
            actor_telegram_id=actor_telegram_id,
            entity=entity,
            entity_id=entity_id,
            patient_id=patient_id,
            ward_id=ward_id,
            detail=detail,
        )
    )
