"""Per-person command menus: which menu a member of staff should see, published through the
outbox so that a change made anywhere (the chat, the command line) reaches Telegram.

The outbox row names only the person; the menu is read when the row is sent, so two changes
in a row cannot arrive out of order and publish a stale menu. A deactivated person's menu is
removed (they see what a stranger sees).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Final

from sqlmodel import Session

from bot.clock import Clock
from bot.services import outbox
from storage.db import Database
from storage.models import Role, Staff
from storage.repositories import outbox as outbox_repo
from storage.repositories import staff as staff_repo

PURPOSE: Final = "menu"


@dataclass(frozen=True)
class MenuTarget:
    """Whose menu to publish: ``role`` None means the person may use nothing (remove it)."""

    chat_id: int
    role: Role | None
    language: str | None = None
    """The person's chosen language: their menu for any app language without its own."""


def queue(session: Session, staff: Staff, now: dt.datetime) -> None:
    """Publish this person's menu after the caller's transaction commits (a unique key per
    change: the latest state is what each publication reads)."""
    assert staff.id is not None
    outbox.enqueue(
        session,
        chat_id=staff.chat_id,
        purpose=PURPOSE,
        payload={"staff_id": staff.id},
        dedupe_key=f"menu:{staff.id}:{uuid.uuid4().hex}",
        now=now,
    )


class MenuService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def queue_all(self, release: str) -> int:
        """At start-up: every account's menu, deactivated ones included so that their menus
        are removed, once per ``release`` of the command lists (a fingerprint of them: a
        restart or a second instance of the same release queues nothing, since each change of
        a person's menu has been queued when it was made). How many were queued."""
        now = self._clock()
        with self._db.session() as session:
            people = [staff for staff, _ in staff_repo.with_ward_codes(session)]
            keys = {staff.id: f"menu:{staff.id}:release:{release}" for staff in people}
            done = outbox_repo.queued_keys(session, dedupe_keys=keys.values())
            fresh = [staff for staff in people if keys[staff.id] not in done]
            outbox.enqueue_many(
                session,
                [
                    outbox.Queued(
                        outbox.Recipient.telegram(staff.chat_id),
                        PURPOSE,
                        {"staff_id": staff.id},
                        keys[staff.id],
                    )
                    for staff in fresh
                ],
                now=now,
            )
            return len(fresh)

    def target(self, staff_id: int) -> MenuTarget | None:
        """The menu to publish now for this person; None when the account is gone."""
        with self._db.session() as session:
            staff = staff_repo.by_id(session, staff_id)
            if staff is None:
                return None
            role = staff.role if staff.active else None
            return MenuTarget(staff.chat_id, role, staff.language)
