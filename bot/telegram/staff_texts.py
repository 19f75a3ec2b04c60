"""The words of the staff lifecycle, shared by ``/staff`` (in the admin's language) and
``neurocheck staff`` (English, the default)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final
from zoneinfo import ZoneInfo

from bot.services.offboarding import Effects
from bot.services.staff import StaffView
from bot.services.staff_admin import Change, StaffRow
from bot.services.staff_contact import ContactChange
from bot.telegram.i18n import ENGLISH, N_, gettext, ngettext
from bot.telegram.welcome import role_in_sentence

NOT_ADMIN: Final = N_("Only a ward administrator can manage staff. Please ask yours.")
NO_STAFF: Final = N_("Nobody is enrolled on your wards yet. Invite them with /invite.")
CANCELLED: Final = N_("Nothing changed.")
PAGE_SIZE = 20
"""People per /staff message: 20 entries of about 120 characters stay under Telegram's 4096."""

DEACTIVATE: Final = N_("Deactivate {name}")
REACTIVATE: Final = N_("Reactivate {name}")
YES_REMOVE: Final = N_("Yes, remove")
YES_REACTIVATE: Final = N_("Yes, reactivate")
CANCEL: Final = N_("Cancel")

_NEVER: Final = N_("never")
_NO_WARD: Final = N_("no ward")
_PERSON: Final = N_(
    "{name}: {role}, {wards}, id {telegram_id}, enrolled {enrolled}, last seen {seen}{status}"
)
_DEACTIVATED_AT: Final = N_(", DEACTIVATED {at}")
_CONFIRM_REMOVE_FROM_BOT: Final = N_(
    "Remove {name} ({role}) from the bot? Their access ends at once; their duties from now "
    "on end, and their pages and checks go to others."
)
_CONFIRM_REMOVE_FROM_WARDS: Final = N_(
    "Remove {name} ({role}) from {wards}? Their access ends at once; their duties from now "
    "on end, and their pages and checks go to others."
)
_CONFIRM_REACTIVATE: Final = N_("Reactivate {name} on {wards}?")


def removed_in_chat(actor: StaffView) -> str:
    """The audit trail's reason for a removal from the chat (the CLI asks for ``--reason``)."""
    return f"removed in the chat by {actor.display_name}"


def when(at: dt.datetime | None, zone: ZoneInfo, language: str = ENGLISH) -> str:
    if at is None:
        return gettext(language, _NEVER)
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _wards(codes: Sequence[str], language: str) -> str:
    return gettext(language, ", ").join(codes) or gettext(language, _NO_WARD)


def person_line(row: StaffRow, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """Name, role, wards, Telegram id, enrolled, last seen (and when deactivated)."""
    status = (
        ""
        if row.active
        else gettext(language, _DEACTIVATED_AT).format(at=when(row.deactivated_at, zone, language))
    )
    return gettext(language, _PERSON).format(
        name=row.display_name,
        role=role_in_sentence(row.role.value, language),
        wards=_wards(row.ward_codes, language),
        telegram_id=row.telegram_user_id,
        enrolled=when(row.enrolled_at, zone, language),
        seen=when(row.last_seen_at, zone, language),
        status=status,
    )


def confirm_deactivate(row: StaffRow, wards: tuple[str, ...], language: str = ENGLISH) -> str:
    whole = set(wards) >= set(row.ward_codes)
    template = _CONFIRM_REMOVE_FROM_BOT if whole else _CONFIRM_REMOVE_FROM_WARDS
    return gettext(language, template).format(
        name=row.display_name,
        role=role_in_sentence(row.role.value, language),
        wards=gettext(language, ", ").join(wards),
    )


def confirm_reactivate(row: StaffRow, language: str = ENGLISH) -> str:
    return gettext(language, _CONFIRM_REACTIVATE).format(
        name=row.display_name, wards=_wards(row.ward_codes, language)
    )


_NOTHING_TO_HAND_OVER: Final = N_("no duties, pages or checks to hand over")
_EFFECTS_JOINED: Final = N_("; ")


def effects_text(effects: Effects, language: str = ENGLISH) -> str:
    e = effects
    parts = [
        (
            e.duties_ended,
            ngettext(
                language, "{n} running duty ended", "{n} running duties ended", e.duties_ended
            ),
        ),
        (
            e.duties_cancelled,
            ngettext(
                language,
                "{n} planned duty cancelled",
                "{n} planned duties cancelled",
                e.duties_cancelled,
            ),
        ),
        (
            e.pages_withdrawn,
            ngettext(language, "{n} page withdrawn", "{n} pages withdrawn", e.pages_withdrawn),
        ),
        (
            e.checks_released,
            ngettext(
                language,
                "{n} check released for takeover",
                "{n} checks released for takeover",
                e.checks_released,
            ),
        ),
        (
            e.messages_dropped,
            ngettext(
                language,
                "{n} queued message dropped",
                "{n} queued messages dropped",
                e.messages_dropped,
            ),
        ),
    ]
    said = [text.format(n=n) for n, text in parts if n]
    joined = gettext(language, _EFFECTS_JOINED).join(said)
    return joined or gettext(language, _NOTHING_TO_HAND_OVER)


CONTACT_USAGE: Final = N_(
    "Usage: /staff contact <Telegram id> email <address> | pager <number> | clear "
    "(the id is in the /staff list)"
)


def parse_contact(args: Sequence[str]) -> tuple[int, str | None, str | None] | None:
    """``501 email a@b.org``, ``501 pager 4711`` or ``501 clear``; None when malformed."""
    if len(args) < 2 or not args[0].isdigit():
        return None
    how = args[1].lower()
    if how == "clear" and len(args) == 2:
        return int(args[0]), None, None
    if how in ("email", "e-mail", "pager") and len(args) >= 3:
        return int(args[0]), "pager" if how == "pager" else "email", " ".join(args[2:])
    return None


_NO_SECOND_CHANNEL: Final = N_("{name} has no second channel: alerts reach them in Telegram only.")
_BY_EMAIL: Final = N_("{name}: unacknowledged alerts also go by e-mail to {address}.")
_ON_PAGER: Final = N_("{name}: unacknowledged alerts also go on pager {address}.")


def contact_text(change: ContactChange, language: str = ENGLISH) -> str:
    """One line saying where a person's unacknowledged alerts now also go."""
    if change.channel is None:
        return gettext(language, _NO_SECOND_CHANNEL).format(name=change.name)
    template = _BY_EMAIL if change.channel == "email" else _ON_PAGER
    return gettext(language, template).format(name=change.name, address=change.address)


_CHANGES: Final = {
    "deactivated": N_("{name} is deactivated: {effects}."),
    "ward_removed": N_("{name} is off {wards} (still on {left}): {effects}."),
    "reactivated": N_("{name} is active again as {role} on {current}."),
    "ward_added": N_("{name} is now on {current}."),
    "role_changed": N_("{name} is now {role} (was {old}): {effects}."),
}
_UNCHANGED: Final = N_("{name} already is {role}; nothing changed.")


def change_text(change: Change, language: str = ENGLISH) -> str:
    """One line saying what a lifecycle command did."""
    person = change.person
    old = change.previous_role
    template = _CHANGES.get(change.action, _UNCHANGED)
    return gettext(language, template).format(
        name=person.display_name,
        role=role_in_sentence(person.role.value, language),
        old=role_in_sentence(old.value, language) if old else "?",
        effects=effects_text(change.effects, language),
        wards=gettext(language, ", ").join(change.ward_codes),
        left=_wards(person.ward_codes, language),
        current=gettext(language, ", ").join(person.ward_codes),
    )
