"""The warning of a gap in the primary on-call rota (queued by ``bot.services.rota_gaps``
as facts, worded here when it is sent)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import rota_gaps
from bot.services.outbox import OutboxItem
from bot.services.rota_gaps import GapState
from bot.services.shifts import local_text
from bot.telegram.prompts import Outgoing, Renderer


def gap_text(facts: Mapping[str, Any], zone: ZoneInfo) -> str:
    """Which ward, which stretch (local time), and the two ways to fill it."""
    code, name, state = facts["ward_code"], facts["ward_name"], GapState(facts["state"])
    start = dt.datetime.fromisoformat(facts["start"])
    if state is GapState.NEVER:
        when = "has no primary physician on call"
    elif state is GapState.SINCE:
        when = f"has had no primary physician on call since {local_text(start, zone)}"
    else:
        when = f"will have no primary physician on call from {local_text(start, zone)}"
    end = facts.get("end")
    until = (
        f"until {local_text(dt.datetime.fromisoformat(end), zone)}"
        if end is not None
        else "and none is planned after that"
    )
    return (
        f"⚠ Ward {code} ({name}) {when} {until}, while a patient there is on "
        "blinatumomab: an ICANS alert would have no physician to reach.\n"
        "To fix it, a physician of the ward sends /oncall primary <hours> (add override to "
        "replace whoever is planned), or from the server: neurocheck duty add --ward "
        f"{code} --telegram-id <id> --as primary --from <time> --to <time>."
    )


def renderers(zone: ZoneInfo) -> dict[str, Renderer]:
    async def gap(item: OutboxItem) -> Outgoing | None:
        return Outgoing(gap_text(item.payload, zone))

    return {rota_gaps.PURPOSE: gap}
