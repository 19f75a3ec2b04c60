"""Words of the checks area: its refusals (see ``bot.telegram.words``), and the short notices
shown with a check's next question (``bot.services.check_results.CheckNotice``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from bot.clinical.check_crs import HIGHEST_C, LOWEST_C
from bot.services.check_results import CheckNotice, Notice
from bot.services.errors import RefusedError

REFUSALS: dict[str, str | Callable[..., str]] = {
    "check.stale": "This check has moved on; use the latest message.",
    "check.finished": "This check is already finished.",
    "check.not_yours": "This check belongs to another nurse.",
    "check.invalid_button": "That button is not part of this check.",
    "check.already_done": "This check has already been done.",
    "check.prompt_moved_on": "This prompt has moved on; nothing was snoozed.",
    "check.cannot_wait": "The charge nurse has been alerted; this can no longer wait.",
    "lab.invalid_input": "{reason}",
    "lab.no_value": "type the value, e.g. 850",
    "lab.sampled_at": lambda cause: f"sampled_at: {_refusal(cause)}",
}

_TYPE_IT: Final = "type the temperature in C, 34.0 to 43.0 (e.g. 38.4)."

NOTICES: Final[Mapping[CheckNotice, Callable[[Notice], str]]] = {
    CheckNotice.RESUMING: lambda _: "Resuming your check.",
    CheckNotice.TAKEN_OVER: lambda _: "You now hold this check.",
    CheckNotice.USE_BUTTONS: lambda _: "Please answer with the buttons.",
    CheckNotice.ANSWER_EVERY_ITEM: lambda n: f"Answer every item first ({', '.join(n.items)}).",
    CheckNotice.TYPE_TEMPERATURE: lambda _: "Type the temperature in C, e.g. 38.4",
    CheckNotice.TEMPERATURE_NOT_A_NUMBER: lambda n: f"{n.typed!r} is not a temperature: {_TYPE_IT}",
    CheckNotice.TEMPERATURE_OUT_OF_RANGE: lambda n: (
        f"{n.typed!r} is outside {LOWEST_C}-{HIGHEST_C} C: {_TYPE_IT}"
    ),
}


def _refusal(cause: RefusedError) -> str:
    from bot.telegram.words import refusal  # the catalogue imports this module

    return refusal(cause)


def notice(shown: Notice | None) -> str | None:
    """The words of a notice; None when there is none."""
    return None if shown is None else NOTICES[shown.code](shown)
