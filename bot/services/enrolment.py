"""Who may use the bot: one-time invites, and enrolment by redeeming one.

An invite grants one role on one ward. Its code is shown once (a deep link
``t.me/<bot>?start=<code>``); only the code's SHA-256 is stored, so a copy of the database
enrols nobody. A code works once and only until it expires (by the injected clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.services import menus, refusals
from bot.services.errors import RefusalCode, RefusedError
from bot.services.patient_refusals import WardRefusal
from bot.services.wards import normalise_code
from storage.db import Database
from storage.models import Invite, Role, Staff
from storage.repositories import audit
from storage.repositories import invites as invites_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

INVITE_MAX_HOURS = 24 * 14
MAX_DISPLAY_NAME = 120


def new_code() -> str:
    """128 random bits as 22 characters of [A-Za-z0-9_-]: fits a deep link (64 at most)."""
    return secrets.token_urlsafe(16)


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def parse_role(text: str) -> Role | None:
    """``charge_nurse``, ``charge-nurse`` and ``Charge nurse`` are all the charge nurse."""
    value = "_".join(text.strip().lower().replace("-", " ").split())
    try:
        return Role(value)
    except ValueError:
        return None


class InviteRefusal(RefusalCode):
    """Why an invite is not created or not redeemed."""

    NOT_ADMIN = "invite.not_admin"
    NOT_YOUR_WARD = "invite.not_your_ward"
    WARD_REQUIRED = "invite.ward_required"
    NO_WARD = "invite.no_ward"
    """A member of staff may not create this invite (audited before it is refused); the
    refusal's fact ``own`` is the codes of the actor's wards."""
    UNKNOWN_WARD = "invite.unknown_ward"
    HOURS = "invite.hours"
    INVALID = "invite.invalid"
    """The code is unknown, expired or used; deliberately not saying which."""

    @property
    def rule(self) -> str:
        """The code without its area, as the audit trail stores it (``not_admin``)."""
        return self.value.partition(".")[2]


@dataclass(frozen=True)
class InviteView:
    """A freshly created invite; ``code`` is shown here once and never stored."""

    code: str
    role: Role
    ward_code: str
    ward_name: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class EnrolmentView:
    """What redeeming an invite did to the sender's account."""

    staff_id: int
    display_name: str
    role: Role
    ward_code: str
    ward_name: str
    ward_codes: tuple[str, ...]
    new_account: bool
    ward_added: bool
    previous_role: Role | None
    reactivated: bool
    language: str | None = None


def _unusable(invite: Invite | None, now: dt.datetime) -> str | None:
    """Why an invite cannot be redeemed now (for the audit only), or None when it can."""
    if invite is None:
        return "unknown"
    if invite.used_at is not None:
        return "used"
    if invite.expires_at <= now:
        return "expired"
    return None


class EnrolmentService:
    def __init__(self, db: Database, clock: Clock, *, default_ttl_hours: int = 72) -> None:
        self._db = db
        self._clock = clock
        self._default_ttl_hours = default_ttl_hours

    def create_invite(
        self,
        *,
        role: Role,
        ward_code: str | None,
        hours: int | None = None,
        actor_staff_id: int | None = None,
    ) -> InviteView:
        """A one-time invite to ``role`` on a ward.

        Without ``actor_staff_id`` the operator asks (the command line: whoever can run it
        owns the database). With it, the actor must be an active admin on that ward;
        ``ward_code`` may then be None when the admin has exactly one ward.
        """
        hours = self._default_ttl_hours if hours is None else hours
        if not 1 <= hours <= INVITE_MAX_HOURS:
            raise RefusedError(InviteRefusal.HOURS, hours=hours, max_hours=INVITE_MAX_HOURS)
        now = self._clock()
        with self._db.session() as session:
            if actor_staff_id is None:
                if ward_code is None:
                    raise RefusedError(WardRefusal.REQUIRED)
                ward = wards_repo.by_code(session, ward_code)
                if ward is None:
                    raise RefusedError(InviteRefusal.UNKNOWN_WARD, ward=normalise_code(ward_code))
            else:
                actor = staff_repo.by_id(session, actor_staff_id)
                own = wards_repo.by_ids(
                    session, staff_repo.ward_ids(session, actor_staff_id) if actor else ()
                )
                refusal: InviteRefusal | None = None
                wanted = normalise_code(ward_code) if ward_code else None
                matching = [w for w in own if wanted is None or w.code == wanted]
                if actor is None or not actor.active or actor.role != Role.ADMIN:
                    refusal = InviteRefusal.NOT_ADMIN
                elif not own:
                    refusal = InviteRefusal.NO_WARD
                elif wanted is None and len(own) > 1:
                    refusal = InviteRefusal.WARD_REQUIRED
                elif not matching:
                    refusal = InviteRefusal.NOT_YOUR_WARD
                if refusal is not None:
                    audit.record(
                        session,
                        at=now,
                        action="invite.not_allowed",
                        actor_staff_id=actor_staff_id,
                        reason=refusal.rule,
                        role=role.value,
                        ward=wanted,
                    )
                    not_allowed = RefusedError(refusal, own=tuple(w.code for w in own))
                    session.commit()  # the audit row stays although we raise
                    raise not_allowed
                ward = matching[0]
            assert ward.id is not None
            code = new_code()
            invite = invites_repo.add(
                session,
                code_hash=hash_code(code),
                role=role,
                ward_id=ward.id,
                created_at=now,
                expires_at=now + dt.timedelta(hours=hours),
                created_by_id=actor_staff_id,
            )
            audit.record(
                session,
                at=now,
                action="invite.created",
                actor_staff_id=actor_staff_id,
                entity="invite",
                entity_id=invite.id,
                ward_id=ward.id,
                role=role.value,
                hours=hours,
                via="cli" if actor_staff_id is None else "chat",
            )
            return InviteView(
                code=code,
                role=role,
                ward_code=ward.code,
                ward_name=ward.name,
                expires_at=invite.expires_at,
            )

    def redeem(
        self,
        code: str,
        *,
        telegram_user_id: int,
        chat_id: int,
        display_name: str,
        language: str | None = None,
    ) -> EnrolmentView:
        """Enrol the sender with the invite's role and ward, or add the ward (and role).

        Refuses (``invite.invalid``) an unknown, expired or used code, after auditing which
        it was; the sender is not told. ``language`` (from the sender's Telegram app) is the
        language of a new account, and of an existing one that has none yet: a choice made
        with /language stays.
        """
        now = self._clock()
        with self._db.session() as session:
            invite = invites_repo.by_hash_for_update(session, hash_code(code))
            reason = _unusable(invite, now)
            if invite is None:
                # Anyone can send made-up codes: counted like any stranger's refusal, so they
                # cannot grow the audit trail without bound (bot.services.refusals).
                refusals.record(
                    session,
                    telegram_id=telegram_user_id,
                    what="invite",
                    now=now,
                    action="invite.refused",
                    entity="invite",
                    reason=reason,
                )
                session.commit()  # the audit row (or count) stays although we raise
                raise RefusedError(InviteRefusal.INVALID)
            if reason is not None:
                audit.record(
                    session,
                    at=now,
                    action="invite.refused",
                    actor_telegram_id=telegram_user_id,
                    entity="invite",
                    entity_id=invite.id if invite else None,
                    ward_id=invite.ward_id if invite else None,
                    reason=reason,
                )
                session.commit()  # the audit row stays although we raise
                raise RefusedError(InviteRefusal.INVALID)

            ward = wards_repo.by_id(session, invite.ward_id)
            assert ward is not None and ward.id is not None
            name = " ".join(display_name.split())[:MAX_DISPLAY_NAME] or f"user {telegram_user_id}"
            account = invites_repo.account_by_telegram_id(session, telegram_user_id)
            new_account, reactivated, previous_role = account is None, False, None
            if account is None:
                account = Staff(
                    telegram_user_id=telegram_user_id,
                    chat_id=chat_id,
                    display_name=name,
                    role=invite.role,
                    created_at=now,
                    language=language,
                )
                session.add(account)
                session.flush()
            else:
                account.chat_id = chat_id
                account.language = account.language or language
                if not account.active:
                    account.active, reactivated = True, True
                if account.role != invite.role:
                    previous_role, account.role = account.role, invite.role
                session.add(account)
            assert account.id is not None
            ward_added = wards_repo.add_member(session, staff_id=account.id, ward_id=ward.id)
            invite.used_at, invite.used_by_id = now, account.id
            session.add(invite)

            def record(action: str, **detail: Any) -> None:
                audit.record(
                    session,
                    at=now,
                    action=action,
                    actor_staff_id=account.id,
                    actor_telegram_id=telegram_user_id,
                    entity="staff",
                    entity_id=account.id,
                    ward_id=ward.id,
                    **detail,
                )

            menus.queue(session, account, now)  # the menu of the (new) role
            record("invite.redeemed", invite_id=invite.id)
            if new_account:
                record("staff.enrolled", role=invite.role.value, ward=ward.code)
            if reactivated:
                record("staff.reactivated")
            if previous_role is not None:
                record("staff.role_changed", old=previous_role.value, new=invite.role.value)
            if ward_added and not new_account:
                record("staff.ward_added", ward=ward.code)

            wards = wards_repo.by_ids(session, staff_repo.ward_ids(session, account.id))
            return EnrolmentView(
                staff_id=account.id,
                display_name=account.display_name,
                role=account.role,
                ward_code=ward.code,
                ward_name=ward.name,
                ward_codes=tuple(w.code for w in wards),
                new_account=new_account,
                ward_added=ward_added,
                language=account.language,
                previous_role=previous_role,
                reactivated=reactivated,
            )
