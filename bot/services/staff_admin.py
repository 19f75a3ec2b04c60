"""The staff lifecycle: list, deactivate, reactivate, change a role (command line and chat).

Deactivating takes effect in one transaction: the access check (``StaffService``) only ever
resolves active accounts with their current wards, so the person's next update is refused;
what they held is given back (``offboarding``) and their command menu is removed. Removing
someone from one ward of several takes only that ward's membership, duties and pages.
Refusals are ``RefusedError`` with a :class:`StaffRefusal` code and facts, worded in
``bot.telegram.words.staff``; the actor is the ``StaffView`` the adapter resolved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.services import menus, offboarding
from bot.services.errors import RefusalCode, RefusedError
from bot.services.staff import StaffView
from bot.services.wards import normalise_code
from storage.db import Database
from storage.models import Role, Staff, Ward
from storage.repositories import audit
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

MAX_REASON = 300


class StaffRefusal(RefusalCode):
    """Why a staff change is refused; the facts named in each comment."""

    UNKNOWN_PERSON = "staff.unknown_person"  # telegram_id
    UNKNOWN_WARD = "staff.unknown_ward"  # ward
    NOT_ON_WARD = "staff.not_on_ward"  # name, ward
    ALREADY_INACTIVE = "staff.already_inactive"  # name
    ALREADY_ACTIVE = "staff.already_active"  # name
    NO_WARD = "staff.no_ward"  # name: reactivating someone who has no ward left needs one
    REASON_REQUIRED = "staff.reason_required"
    NOT_ADMIN = "staff.not_admin"
    NOT_YOUR_STAFF = "staff.not_your_staff"
    SELF = "staff.self"
    BAD_CONTACT = "staff.bad_contact"  # channel, address: not an e-mail address or pager number


@dataclass(frozen=True)
class StaffRow:
    """A member of staff as the list shows them."""

    staff_id: int
    telegram_user_id: int
    display_name: str
    role: Role
    ward_codes: tuple[str, ...]
    enrolled_at: dt.datetime
    last_seen_at: dt.datetime | None
    active: bool
    deactivated_at: dt.datetime | None


@dataclass(frozen=True)
class Change:
    """What a lifecycle command did."""

    person: StaffRow
    action: str  # deactivated, ward_removed, reactivated, ward_added, role_changed, unchanged
    ward_codes: tuple[str, ...] = ()
    previous_role: Role | None = None
    effects: offboarding.Effects = field(default_factory=offboarding.Effects)


def _row(session: Session, staff: Staff) -> StaffRow:
    assert staff.id is not None
    wards = wards_repo.by_ids(session, staff_repo.ward_ids(session, staff.id))
    codes = tuple(w.code for w in wards)
    return StaffRow(
        staff.id,
        staff.telegram_user_id,
        staff.display_name,
        staff.role,
        codes,
        staff.created_at,
        staff.last_seen_at,
        staff.active,
        staff.deactivated_at,
    )


def person(session: Session, telegram_id: int) -> Staff:
    """The account with this Telegram id, active or not, locked for the change to come."""
    staff = staff_repo.by_telegram_id(session, telegram_id, lock=True)
    if staff is None:
        raise RefusedError(StaffRefusal.UNKNOWN_PERSON, telegram_id=telegram_id)
    return staff


class StaffAdminService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- reading ---------------------------------------------------------------------------

    def everyone(self, ward_code: str | None = None) -> list[StaffRow]:
        """Everyone (the operator's view), or a ward's members; deactivated accounts too."""
        with self._db.session() as session:
            ward = self._ward(session, ward_code) if ward_code else None
            return self._rows(session, ward.id if ward else None)

    def list_for(self, actor: StaffView) -> list[StaffRow]:
        """An admin's view: the members of the admin's wards."""
        if actor.role is not Role.ADMIN:
            raise RefusedError(StaffRefusal.NOT_ADMIN)
        with self._db.session() as session:
            seen: dict[int, StaffRow] = {}
            for ward_id in actor.ward_ids:
                for row in self._rows(session, ward_id):
                    seen.setdefault(row.staff_id, row)
            return sorted(seen.values(), key=lambda r: (r.display_name.lower(), r.staff_id))

    @staticmethod
    def _rows(session: Session, ward_id: int | None) -> list[StaffRow]:
        return [
            StaffRow(
                s.id or 0,
                s.telegram_user_id,
                s.display_name,
                s.role,
                codes,
                s.created_at,
                s.last_seen_at,
                s.active,
                s.deactivated_at,
            )
            for s, codes in staff_repo.with_ward_codes(session, ward_id=ward_id)
        ]

    # -- the operator (command line) -------------------------------------------------------

    def deactivate(self, telegram_id: int, *, ward_code: str | None, reason: str) -> Change:
        reason = " ".join(reason.split())[:MAX_REASON]
        if not reason:
            raise RefusedError(StaffRefusal.REASON_REQUIRED)
        with self._db.session() as session:
            staff = person(session, telegram_id)
            own = staff_repo.ward_ids(session, staff.id or 0)
            wards = [self._ward_of(session, staff, ward_code, own)] if ward_code else []
            return self._deactivate(
                session, staff, [w.id or 0 for w in wards] or list(own), reason, None, "cli"
            )

    def reactivate(self, telegram_id: int, *, ward_code: str | None) -> Change:
        now = self._clock()
        with self._db.session() as session:
            staff = person(session, telegram_id)
            ward = self._ward(session, ward_code) if ward_code else None
            added = ward is not None and wards_repo.add_member(
                session, staff_id=staff.id or 0, ward_id=ward.id or 0
            )
            if staff.active and not added:
                raise RefusedError(StaffRefusal.ALREADY_ACTIVE, name=staff.display_name)
            if not staff_repo.ward_ids(session, staff.id or 0):
                raise RefusedError(StaffRefusal.NO_WARD, name=staff.display_name)
            was_active = staff.active
            staff.active, staff.deactivated_at = True, None
            session.add(staff)
            record = self._recorder(session, staff, now, None, "cli")
            if added:
                record("staff.ward_added", ward=ward.code if ward else None)
            if not was_active:
                record("staff.reactivated")
            menus.queue(session, staff, now)
            action = "reactivated" if not was_active else "ward_added"
            codes = (ward.code,) if ward else ()
            return Change(_row(session, staff), action, codes)

    def change_role(self, telegram_id: int, role: Role) -> Change:
        """A new role; duties the new role cannot hold end now (a nurse is never on call)."""
        now = self._clock()
        with self._db.session() as session:
            staff = person(session, telegram_id)
            if staff.role is role:
                return Change(_row(session, staff), "unchanged")
            previous, staff.role = staff.role, role
            session.add(staff)
            effects = offboarding.Effects()
            allowed = offboarding.DUTIES_OF_ROLE[role]
            offboarding.end_duties(
                session,
                staff,
                staff_repo.ward_ids(session, staff.id or 0),
                now,
                effects,
                actor_staff_id=None,
                keep=lambda duty: duty in allowed,
            )
            self._recorder(session, staff, now, None, "cli")(
                "staff.role_changed", old=previous.value, new=role.value, **effects.as_detail()
            )
            menus.queue(session, staff, now)
            return Change(_row(session, staff), "role_changed", (), previous, effects)

    # -- an admin in the chat --------------------------------------------------------------

    def look_up_by(self, actor: StaffView, staff_id: int) -> tuple[StaffRow, tuple[str, ...]]:
        """The person an admin is about to change, and the admin's wards they are on (what a
        removal by this admin would take)."""
        with self._db.session() as session:
            staff = self._chat_target(session, actor, staff_id)
            shared = [w for w in staff_repo.ward_ids(session, staff_id) if w in actor.ward_ids]
            return _row(session, staff), tuple(w.code for w in wards_repo.by_ids(session, shared))

    def deactivate_by(self, actor: StaffView, staff_id: int, *, reason: str) -> Change:
        """An admin removes someone from the admin's wards: from the bot altogether when
        those are all the person's wards, else from those wards only. ``reason`` goes into
        the audit trail as the command line's ``--reason`` does (the adapter words it)."""
        with self._db.session() as session:
            staff = self._chat_target(session, actor, staff_id)
            own = staff_repo.ward_ids(session, staff.id or 0)
            shared = [w for w in own if w in actor.ward_ids]
            if not staff.active and len(shared) == len(own):
                raise RefusedError(StaffRefusal.ALREADY_INACTIVE, name=staff.display_name)
            return self._deactivate(session, staff, shared, reason, actor.id, "chat")

    def reactivate_by(self, actor: StaffView, staff_id: int) -> Change:
        now = self._clock()
        with self._db.session() as session:
            staff = self._chat_target(session, actor, staff_id)
            if staff.active:
                raise RefusedError(StaffRefusal.ALREADY_ACTIVE, name=staff.display_name)
            staff.active, staff.deactivated_at = True, None
            session.add(staff)
            self._recorder(session, staff, now, actor.id, "chat")("staff.reactivated")
            menus.queue(session, staff, now)
            return Change(_row(session, staff), "reactivated")

    def _chat_target(self, session: Session, actor: StaffView, staff_id: int) -> Staff:
        if actor.role is not Role.ADMIN:
            raise RefusedError(StaffRefusal.NOT_ADMIN)
        if staff_id == actor.id:
            raise RefusedError(StaffRefusal.SELF)
        staff = staff_repo.by_id(session, staff_id, lock=True)
        if staff is None or not set(staff_repo.ward_ids(session, staff_id)) & set(actor.ward_ids):
            raise RefusedError(StaffRefusal.NOT_YOUR_STAFF)
        return staff

    # -- the shared part -------------------------------------------------------------------

    def _deactivate(
        self,
        session: Session,
        staff: Staff,
        ward_ids: Sequence[int],
        reason: str,
        actor_id: int | None,
        via: str,
    ) -> Change:
        """All of the person's wards: the account is deactivated (memberships kept, so that a
        reactivation restores them); some of them: those memberships are removed."""
        now = self._clock()
        own = staff_repo.ward_ids(session, staff.id or 0)
        everything = set(ward_ids) >= set(own)
        if everything and not staff.active:
            raise RefusedError(StaffRefusal.ALREADY_INACTIVE, name=staff.display_name)
        codes = tuple(w.code for w in wards_repo.by_ids(session, ward_ids))
        effects = offboarding.withdraw(
            session, staff, ward_ids, now, actor_staff_id=actor_id, everything=everything
        )
        record = self._recorder(session, staff, now, actor_id, via)
        if everything:
            staff.active, staff.deactivated_at = False, now
            session.add(staff)
            record("staff.deactivated", reason=reason, wards=list(codes), **effects.as_detail())
        else:
            for ward_id in ward_ids:
                staff_repo.remove_member(session, staff_id=staff.id or 0, ward_id=ward_id)
            record("staff.ward_removed", reason=reason, wards=list(codes), **effects.as_detail())
        menus.queue(session, staff, now)
        action = "deactivated" if everything else "ward_removed"
        return Change(_row(session, staff), action, codes, None, effects)

    @staticmethod
    def _recorder(
        session: Session, staff: Staff, now: dt.datetime, actor_id: int | None, via: str
    ) -> Any:
        def record(action: str, **detail: Any) -> None:
            audit.record(
                session,
                at=now,
                action=action,
                actor_staff_id=actor_id,
                entity="staff",
                entity_id=staff.id,
                via=via,
                **detail,
            )

        return record

    @staticmethod
    def _ward(session: Session, code: str | None) -> Ward:
        ward = wards_repo.by_code(session, code or "")
        if ward is None or ward.id is None:
            raise RefusedError(StaffRefusal.UNKNOWN_WARD, ward=normalise_code(code or ""))
        return ward

    def _ward_of(
        self, session: Session, staff: Staff, code: str | None, own: Sequence[int]
    ) -> Ward:
        ward = self._ward(session, code)
        if ward.id not in own:
            raise RefusedError(StaffRefusal.NOT_ON_WARD, name=staff.display_name, ward=ward.code)
        return ward
