"""Who may use the bot: the acting person, resolved from a Telegram user id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.clock import Clock
from bot.services import menus, refusals
from storage.db import Database
from storage.models import Role
from storage.repositories import audit
from storage.repositories import staff as staff_repo

T = TypeVar("T")
SEEN_EVERY = dt.timedelta(minutes=5)
"""``last_seen_at`` is written at most this often per person: one UPDATE every few minutes
instead of one per update keeps the hot path (a button press) read-only."""


@dataclass(frozen=True)
class StaffView:
    """What handlers may know about a member of staff; no ORM object leaves a service."""

    id: int
    telegram_user_id: int
    display_name: str
    role: Role
    ward_ids: tuple[int, ...]
    language: str | None = None
    """The language the bot speaks to them (``bot.telegram.i18n``); None: English."""

    @property
    def is_clinician(self) -> bool:
        return self.role in (Role.NURSE, Role.CHARGE_NURSE, Role.PHYSICIAN)


class StaffService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def find_active(self, telegram_user_id: int) -> StaffView | None:
        with self._db.session() as session:
            found = staff_repo.active_with_wards(session, telegram_user_id)
            if found is None:
                return None
            staff, ward_ids = found
            assert staff.id is not None
            now = self._clock()
            if staff.last_seen_at is None or now - staff.last_seen_at >= SEEN_EVERY:
                staff.last_seen_at = now
            return StaffView(
                id=staff.id,
                telegram_user_id=staff.telegram_user_id,
                display_name=staff.display_name,
                role=staff.role,
                ward_ids=ward_ids,
                language=staff.language,
            )

    def run_as(
        self, telegram_user_id: int, work: Callable[[StaffView], T]
    ) -> tuple[StaffView, T] | None:
        """Resolve the person and run their use case in one transaction.

        Every button press needs both; one BEGIN/COMMIT instead of two is most of the
        difference to a bare bot (tests/bench/bench_press.py). None: not enrolled.
        """
        with self._db.unit_of_work():
            staff = self.find_active(telegram_user_id)
            return None if staff is None else (staff, work(staff))

    def set_language(self, staff_id: int, language: str) -> bool:
        """The person's language from now on, audited; False when it was already theirs.

        Nothing to refuse: anyone enrolled may choose how the bot speaks to them, and the
        adapter offers only the languages it has.
        """
        with self._db.session() as session:
            staff = staff_repo.by_id(session, staff_id, lock=True)
            if staff is None or staff.language == language:
                return False
            previous, staff.language = staff.language, language
            now = self._clock()
            menus.queue(session, staff, now)  # the menu follows the language
            audit.record(
                session,
                at=now,
                action="staff.language",
                actor_staff_id=staff_id,
                entity="staff",
                entity_id=staff_id,
                old=previous,
                new=language,
            )
            return True

    def record_refusal(self, telegram_user_id: int, what: str) -> None:
        """A stranger probing the bot is worth knowing about: the first refusal of each hour
        is an audit row, the rest are counted (``bot.services.refusals``)."""
        with self._db.session() as session:
            refusals.record(session, telegram_id=telegram_user_id, what=what, now=self._clock())
