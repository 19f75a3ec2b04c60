"""Words of the events area's refusals (``/event``; see ``bot.telegram.words``)."""

from __future__ import annotations

from collections.abc import Callable

from bot.telegram.i18n import N_

REFUSALS: dict[str, str | Callable[..., str]] = {
    "event.unknown_finding": N_("That is not an event this bot records."),
}
