"""Words of the common refusals (see ``bot.telegram.words``): naming a ward."""

from __future__ import annotations

from collections.abc import Callable

REFUSALS: dict[str, str | Callable[..., str]] = {
    "ward.unknown": lambda ward: f"There is no ward {ward!r}.",
    "ward.required": "Name the ward.",
}
