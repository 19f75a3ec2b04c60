"""Words of the times people type (``bot.services.localtime``'s refusals), for the chat in the
reader's language and the command line in English.

The formats and ``now`` stay as typed in every language: the bot parses them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.telegram.i18n import ENGLISH, N_, gettext

OR: str = N_(" or ")
"""Between alternatives: "+01:00 or +02:00"."""


def _wrong_offset(
    shown: str, zone: str, real: Sequence[str], given: str, language: str = ENGLISH
) -> str:
    template = N_(
        "At {shown} {zone} is at UTC{real}, not {given}: check the time, or leave the offset out."
    )
    return gettext(language, template).format(
        shown=shown, zone=zone, real=gettext(language, OR).join(real), given=given
    )


REFUSALS: dict[str, str | Callable[..., str]] = {
    "time.not_a_time": N_(
        "{value!r} is not a time: write YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (hospital time), "
        "or now."
    ),
    "time.invalid": N_(
        "{value!r} is not a valid date and time: write YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM "
        "(hospital time), or now."
    ),
    "time.skipped": N_(
        "{shown} does not exist in {zone}: the clocks go forward that night and skip "
        "it. Check the time and give one before or after the change."
    ),
    "time.wrong_offset": _wrong_offset,
    "time.twice": N_(
        "{shown} happens twice in {zone}: the clocks go back that night. Say which one by "
        "adding its UTC offset: '{shown} {before}' (the first, before the change) or "
        "'{shown} {after}' (the second, after the change)."
    ),
    "time.not_a_day": N_("{value!r} is not a date: write YYYY-MM-DD or DD.MM.YYYY."),
}
