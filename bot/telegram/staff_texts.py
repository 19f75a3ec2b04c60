"""The words of the staff lifecycle, shared by ``/staff`` and ``neurocheck staff``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.services.offboarding import Effects
from bot.services.staff import StaffView
from bot.services.staff_admin import Change, StaffRow
from bot.services.staff_contact import ContactChange

NOT_ADMIN = "Only a ward administrator can manage staff. Please ask yours."
NO_STAFF = "Nobody is enrolled on your wards yet. Invite them with /invite."
CANCELLED = "Nothing changed."
PAGE_SIZE = 20
"""People per /staff message: 20 entries of about 120 characters stay under Telegram's 4096."""


def removed_in_chat(actor: StaffView) -> str:
    """The audit trail's reason for a removal from the chat (the CLI asks for ``--reason``)."""
    return f"removed in the chat by {actor.display_name}"


def when(at: dt.datetime | None, zone: ZoneInfo) -> str:
    return "never" if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def person_line(row: StaffRow, zone: ZoneInfo) -> str:
    """Name, role, wards, Telegram id, enrolled, last seen (and when deactivated)."""
    status = "" if row.active else f", DEACTIVATED {when(row.deactivated_at, zone)}"
    wards = ", ".join(row.ward_codes) or "no ward"
    return (
        f"{row.display_name}: {row.role.value.replace('_', ' ')}, {wards}, "
        f"id {row.telegram_user_id}, enrolled {when(row.enrolled_at, zone)}, "
        f"last seen {when(row.last_seen_at, zone)}{status}"
    )


def confirm_deactivate(row: StaffRow, wards: tuple[str, ...]) -> str:
    where = "from the bot" if set(wards) >= set(row.ward_codes) else f"from {', '.join(wards)}"
    return (
        f"Remove {row.display_name} ({row.role.value.replace('_', ' ')}) {where}? "
        "Their access ends at once; their duties from now on end, and their pages and "
        "checks go to others."
    )


def confirm_reactivate(row: StaffRow) -> str:
    return f"Reactivate {row.display_name} on {', '.join(row.ward_codes) or 'no ward'}?"


def effects_text(effects: Effects) -> str:
    parts = [
        (effects.duties_ended, "running duty ended", "running duties ended"),
        (effects.duties_cancelled, "planned duty cancelled", "planned duties cancelled"),
        (effects.pages_withdrawn, "page withdrawn", "pages withdrawn"),
        (effects.checks_released, "check released for takeover", "checks released for takeover"),
        (effects.messages_dropped, "queued message dropped", "queued messages dropped"),
    ]
    said = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
    return "; ".join(said) or "no duties, pages or checks to hand over"


CONTACT_USAGE = (
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


def contact_text(change: ContactChange) -> str:
    """One line saying where a person's unacknowledged alerts now also go."""
    if change.channel is None:
        return f"{change.name} has no second channel: alerts reach them in Telegram only."
    how = "by e-mail to" if change.channel == "email" else "on pager"
    return f"{change.name}: unacknowledged alerts also go {how} {change.address}."


def change_text(change: Change) -> str:
    """One line saying what a lifecycle command did."""
    person = change.person
    name, role = person.display_name, person.role.value.replace("_", " ")
    if change.action == "deactivated":
        return f"{name} is deactivated: {effects_text(change.effects)}."
    if change.action == "ward_removed":
        left = ", ".join(person.ward_codes) or "no ward"
        wards = ", ".join(change.ward_codes)
        return f"{name} is off {wards} (still on {left}): {effects_text(change.effects)}."
    if change.action == "reactivated":
        return f"{name} is active again as {role} on {', '.join(person.ward_codes)}."
    if change.action == "ward_added":
        return f"{name} is now on {', '.join(person.ward_codes)}."
    if change.action == "role_changed":
        old = change.previous_role.value.replace("_", " ") if change.previous_role else "?"
        return f"{name} is now {role} (was {old}): {effects_text(change.effects)}."
    return f"{name} already is {role}; nothing changed."
