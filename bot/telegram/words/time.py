"""Words of the times people type (``bot.services.localtime``'s refusals), for the chat and
the command line alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

FORMATS: Final = "YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (hospital time), or now"
DAY_FORMATS: Final = "YYYY-MM-DD or DD.MM.YYYY"


def _wrong_offset(shown: str, zone: str, real: Sequence[str], given: str) -> str:
    return (
        f"At {shown} {zone} is at UTC{' or '.join(real)}, not {given}: "
        "check the time, or leave the offset out."
    )


def _twice(shown: str, zone: str, before: str, after: str) -> str:
    return (
        f"{shown} happens twice in {zone}: the clocks go back that night. Say which "
        f"one by adding its UTC offset: '{shown} {before}' (the "
        f"first, before the change) or '{shown} {after}' (the "
        "second, after the change)."
    )


REFUSALS: dict[str, str | Callable[..., str]] = {
    "time.not_a_time": "{value!r} is not a time: write " + FORMATS + ".",
    "time.invalid": "{value!r} is not a valid date and time: write " + FORMATS + ".",
    "time.skipped": (
        "{shown} does not exist in {zone}: the clocks go forward that night and skip "
        "it. Check the time and give one before or after the change."
    ),
    "time.wrong_offset": _wrong_offset,
    "time.twice": _twice,
    "time.not_a_day": "{value!r} is not a date: write " + DAY_FORMATS + ".",
}
