"""Words of the staff area's refusals (see ``bot.telegram.words``)."""

from __future__ import annotations

from collections.abc import Callable

REFUSALS: dict[str, str | Callable[..., str]] = {}
