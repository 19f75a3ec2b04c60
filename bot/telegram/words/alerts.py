"""Words of the alerts area's refusals (see ``bot.telegram.words``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from bot.telegram.i18n import N_

CLOSED: Final = {
    "superseded": N_("A newer alert for this patient replaced this one: use the newest."),
    "check_recorded": N_("The missed check has since been recorded: nothing to acknowledge."),
    "discharged": N_("The patient was discharged, so no check is due: nothing to acknowledge."),
}


def _closed(reason: str = "", **_facts: object) -> str:
    """Why a closed alert cannot be acknowledged, by the reason it was closed."""
    return CLOSED.get(reason, N_("This alert is closed: nothing to acknowledge."))


REFUSALS: dict[str, str | Callable[..., str]] = {
    "alert.unknown": N_("That alert is not on your wards (or does not exist)."),
    "alert.ack_not_physician": N_(
        "Only a physician can acknowledge this alert: it keeps paging the physicians on call "
        "until one does."
    ),
    "alert.closed": _closed,
    "alert.decide_not_physician": N_("Only a physician records a decision."),
    "alert.not_acknowledged": N_("Acknowledge the alert first."),
    "alert.attribute_not_physician": N_(
        "Only a physician can attribute a finding to another cause."
    ),
    "alert.not_attributable": N_("That finding cannot be attributed here (any more)."),
}
