"""Who may use the bot: lookups and refusals (enrolment by invite comes with issue 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import select

from storage.db import Database
from storage.models import AuditLog, Staff

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class StaffView:
    """What handlers may know about a member of staff; no ORM object leaves a service."""

    id: int
    display_name: str
    role: str


class StaffService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def find_active(self, telegram_user_id: int) -> StaffView | None:
        with self._db.session() as session:
            staff = session.exec(
                select(Staff).where(
                    Staff.telegram_user_id == telegram_user_id,
                    Staff.active == True,  # noqa: E712
                )
            ).first()
            if staff is None or staff.id is None:
                return None
            return StaffView(id=staff.id, display_name=staff.display_name, role=staff.role)

    def record_refusal(self, telegram_user_id: int, what: str) -> None:
        """Every refusal is an audit row: a stranger probing the bot is worth knowing about."""
        with self._db.session() as session:
            session.add(
                AuditLog(
                    at=self._clock(),
                    actor_telegram_id=telegram_user_id,
                    action="access.refused",
                    detail={"what": what},
                )
            )
