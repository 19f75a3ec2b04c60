"""Words of the staff area's refusals (see ``bot.telegram.words``), shared by ``/staff`` (in the
admin's language) and ``neurocheck staff`` (English): some name a command-line option, as they
did before the codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from bot.services.staff_admin import StaffRefusal
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.staff_texts import NOT_ADMIN

_NOT_AN_EMAIL: Final = N_("{address!r} is not an e-mail address (name@host.domain)")
_NOT_A_PAGER: Final = N_("{address!r} is not a pager number (digits, optionally a leading +)")


def _bad_contact(channel: str, address: str, language: str = ENGLISH) -> str:
    template = _NOT_AN_EMAIL if channel == "email" else _NOT_A_PAGER
    return gettext(language, template).format(address=address)


REFUSALS: dict[str, str | Callable[..., str]] = {
    StaffRefusal.UNKNOWN_PERSON: N_(
        "nobody with Telegram id {telegram_id} is enrolled; 'neurocheck staff list' shows who is"
    ),
    StaffRefusal.UNKNOWN_WARD: N_("there is no ward {ward!r}; 'neurocheck ward list' shows them"),
    StaffRefusal.NOT_ON_WARD: N_("{name} is not on ward {ward}"),
    StaffRefusal.ALREADY_INACTIVE: N_("{name} is already deactivated"),
    StaffRefusal.ALREADY_ACTIVE: N_("{name} is already active there"),
    StaffRefusal.NO_WARD: N_("{name} is on no ward any more: name one with --ward"),
    StaffRefusal.REASON_REQUIRED: N_("give a reason (--reason), it goes into the audit trail"),
    StaffRefusal.NOT_ADMIN: NOT_ADMIN,
    StaffRefusal.NOT_YOUR_STAFF: N_("That person is not on any of your wards."),
    StaffRefusal.SELF: N_("You cannot deactivate yourself; ask another administrator."),
    StaffRefusal.BAD_CONTACT: _bad_contact,
}
