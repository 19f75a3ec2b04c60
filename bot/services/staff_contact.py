"""A person's second channel: where an alert they do not acknowledge in Telegram also goes.

An admin sets it (``neurocheck staff contact``): an e-mail address (sent by SMTP; many
paging systems take e-mail) or a pager number (paged by the ward's webhook gateway). It is
checked for shape only: whether it reaches a pager is for the hospital to test, and the
audit trail shows every message sent to it and how it ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sqlmodel import Session

from bot.clock import Clock
from bot.services.errors import RefusedError
from bot.services.second_channel import CONTACT_CHANNELS, EMAIL
from bot.services.staff import StaffView
from bot.services.staff_admin import StaffRefusal, person
from storage.db import Database
from storage.models import Role, Staff
from storage.repositories import audit
from storage.repositories import staff as staff_repo

_EMAIL: Final = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PAGER: Final = re.compile(r"^\+?[0-9]{3,20}$")


@dataclass(frozen=True)
class ContactChange:
    name: str
    channel: str | None
    address: str | None


def normalise(channel: str, address: str) -> str:
    """The address as stored, or RefusedError(StaffRefusal.BAD_CONTACT)."""
    if channel not in CONTACT_CHANNELS:
        raise RefusedError(StaffRefusal.BAD_CONTACT, channel=channel, address=address)
    text = address.strip()
    if channel != EMAIL:
        text = re.sub(r"[\s-]", "", text)
    pattern = _EMAIL if channel == EMAIL else _PAGER
    if len(text) > 254 or not pattern.match(text):
        raise RefusedError(StaffRefusal.BAD_CONTACT, channel=channel, address=address)
    return text


class ContactService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def set(self, telegram_id: int, channel: str | None, address: str | None) -> ContactChange:
        """Set (or, with channel None, clear) a person's second channel; audited."""
        stored = normalise(channel, address or "") if channel else None
        with self._db.session() as session:
            staff = person(session, telegram_id)
            return self._apply(session, staff, channel, stored, actor_id=None, via="cli")

    def set_by(
        self, actor: StaffView, telegram_id: int, channel: str | None, address: str | None
    ) -> ContactChange:
        """An admin in the chat, for someone on one of the admin's wards (themself included:
        an admin on call needs a second channel as much as anyone)."""
        if actor.role is not Role.ADMIN:
            raise RefusedError(StaffRefusal.NOT_ADMIN)
        stored = normalise(channel, address or "") if channel else None
        with self._db.session() as session:
            staff = person(session, telegram_id)
            if not set(staff_repo.ward_ids(session, staff.id or 0)) & set(actor.ward_ids):
                raise RefusedError(StaffRefusal.NOT_YOUR_STAFF)
            return self._apply(session, staff, channel, stored, actor_id=actor.id, via="chat")

    def _apply(
        self,
        session: Session,
        staff: Staff,
        channel: str | None,
        stored: str | None,
        *,
        actor_id: int | None,
        via: str,
    ) -> ContactChange:
        staff.contact_channel = channel if stored else None
        staff.contact_address = stored
        audit.record(
            session,
            at=self._clock(),
            action="staff.contact_changed",
            actor_staff_id=actor_id,
            entity="staff",
            entity_id=staff.id,
            via=via,
            channel=staff.contact_channel,
        )
        return ContactChange(staff.display_name, staff.contact_channel, stored)
