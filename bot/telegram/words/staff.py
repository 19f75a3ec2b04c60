"""Words of the staff area's refusals (see ``bot.telegram.words``), shared by ``/staff`` and
``neurocheck staff``: some name a command-line option, as they did before the codes."""

from __future__ import annotations

from collections.abc import Callable

from bot.services.staff_admin import StaffRefusal
from bot.telegram.staff_texts import NOT_ADMIN


def _bad_contact(channel: str, address: str) -> str:
    what = (
        "an e-mail address (name@host.domain)"
        if channel == "email"
        else "a pager number (digits, optionally a leading +)"
    )
    return f"{address!r} is not {what}"


REFUSALS: dict[str, str | Callable[..., str]] = {
    StaffRefusal.UNKNOWN_PERSON: (
        "nobody with Telegram id {telegram_id} is enrolled; 'neurocheck staff list' shows who is"
    ),
    StaffRefusal.UNKNOWN_WARD: "there is no ward {ward!r}; 'neurocheck ward list' shows them",
    StaffRefusal.NOT_ON_WARD: "{name} is not on ward {ward}",
    StaffRefusal.ALREADY_INACTIVE: "{name} is already deactivated",
    StaffRefusal.ALREADY_ACTIVE: "{name} is already active there",
    StaffRefusal.NO_WARD: "{name} is on no ward any more: name one with --ward",
    StaffRefusal.REASON_REQUIRED: "give a reason (--reason), it goes into the audit trail",
    StaffRefusal.NOT_ADMIN: NOT_ADMIN,
    StaffRefusal.NOT_YOUR_STAFF: "That person is not on any of your wards.",
    StaffRefusal.SELF: "You cannot deactivate yourself; ask another administrator.",
    StaffRefusal.BAD_CONTACT: _bad_contact,
}
