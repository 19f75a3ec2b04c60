"""Words of the common refusals (see ``bot.telegram.words``): naming a ward, a ward's settings
(the operator's ``neurocheck ward`` commands say these), and invites.

The refusals said in the chat (naming a ward, invites) are marked for translation; a ward's
settings are the command line's alone and stay English."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from bot.services.wards import CADENCE_FIELDS, CRS_ASK
from bot.telegram import texts
from bot.telegram.i18n import ENGLISH, N_

ESCALATION_HELP: Final = (
    "escalation.<critical|high|normal|info>."
    "<primary|backup|attending|repeat|give_up|second_channel> "
    "(minutes after the alert, or off)"
)


def _unknown_setting(key: str) -> str:
    allowed = ", ".join(
        [
            "shift_changes",
            f"{CRS_ASK} (on/off)",
            "webhook_url",
            *(f"cadence.{f}" for f in CADENCE_FIELDS),
            ESCALATION_HELP,
        ]
    )
    return f"unknown ward setting {key!r}; settings: {allowed}"


def _ward_required(own: tuple[str, ...], language: str = ENGLISH) -> str:
    return texts.invite_ward_required(own, language)


def _not_your_ward(own: tuple[str, ...], language: str = ENGLISH) -> str:
    return texts.invite_not_your_ward(own, language)


REFUSALS: dict[str, str | Callable[..., str]] = {
    "ward.unknown": N_("There is no ward {ward!r}."),
    "ward.required": N_("Name the ward."),
    "ward.missing": "no ward {ward}: 'neurocheck ward list' shows them",
    "ward.code_invalid": lambda ward: (
        f"ward code {ward!r} is not valid: 1-16 letters, digits, '-' or '_' "
        "starting with a letter or digit, e.g. H7"
    ),
    "ward.name_length": "the ward name must be 1-{max_name} characters",
    "ward.exists": "ward {ward} already exists",
    "ward.shift_changes": "shift_changes: give local times as HH:MM, e.g. 07:00,19:00",
    "ward.whole_number": lambda key, value: f"{key}: a whole number, got {value!r}",
    "ward.unknown_setting": _unknown_setting,
    "ward.cadence": "{detail}",
    "ward.crs_ask": lambda value: f"{CRS_ASK}: on or off, got {value!r}",
    "ward.webhook": "webhook_url: an http:// or https:// URL (empty to remove)",
    "ward.escalation": "escalation.{urgency}: {detail}",
    "invite.not_admin": texts.INVITE_ADMINS_ONLY,
    "invite.no_ward": texts.INVITE_NO_WARD,
    "invite.ward_required": _ward_required,
    "invite.not_your_ward": _not_your_ward,
    "invite.unknown_ward": N_("there is no ward {ward!r}"),
    "invite.hours": N_("an invite is valid for 1 to {max_hours} hours, not {hours}"),
    "invite.invalid": texts.INVITE_INVALID,
}
