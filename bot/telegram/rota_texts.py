"""The warning of a gap in the primary on-call rota (queued by ``bot.services.rota_gaps``
as facts, worded here when it is sent, in the language of the admin or charge nurse who reads
it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.services import rota_gaps
from bot.services.outbox import OutboxItem
from bot.services.rota_gaps import GapState
from bot.telegram.duty_texts import moment
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.prompts import Outgoing, Renderer

_WHEN: Final = {
    GapState.NEVER: N_("has no primary physician on call"),
    GapState.SINCE: N_("has had no primary physician on call since {start}"),
    GapState.FROM: N_("will have no primary physician on call from {start}"),
}
_UNTIL: Final = N_("until {end}")
_NONE_AFTER: Final = N_("and none is planned after that")
_WARNING: Final = N_(
    "⚠ Ward {ward} ({name}) {when} {until}, while a patient there is on blinatumomab: an "
    "ICANS alert would have no physician to reach."
)
_FIX: Final = N_(
    "To fix it, a physician of the ward sends /oncall primary <hours> (add override to replace "
    "whoever is planned), or from the server: neurocheck duty add --ward {ward} --telegram-id "
    "<id> --as primary --from <time> --to <time>."
)


def gap_text(facts: Mapping[str, Any], zone: ZoneInfo, language: str = ENGLISH) -> str:
    """Which ward, which stretch (local time), and the two ways to fill it."""
    code, name, state = facts["ward_code"], facts["ward_name"], GapState(facts["state"])
    start = moment(dt.datetime.fromisoformat(facts["start"]), zone, language)
    when = gettext(language, _WHEN[state]).format(start=start)
    end = facts.get("end")
    until = (
        gettext(language, _UNTIL).format(end=moment(dt.datetime.fromisoformat(end), zone, language))
        if end is not None
        else gettext(language, _NONE_AFTER)
    )
    warning = gettext(language, _WARNING).format(ward=code, name=name, when=when, until=until)
    return f"{warning}\n{gettext(language, _FIX).format(ward=code)}"


def renderers(zone: ZoneInfo) -> dict[str, Renderer]:
    async def gap(item: OutboxItem) -> Outgoing | None:
        return Outgoing(gap_text(item.payload, zone, item.language or ENGLISH))

    return {rota_gaps.PURPOSE: gap}
