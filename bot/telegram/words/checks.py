"""Words of the checks area: its refusals (see ``bot.telegram.words``), and the short notices
shown with a check's next question (``bot.services.check_results.CheckNotice``), in the
nurse's language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from bot.clinical import IceItem
from bot.clinical.check_crs import HIGHEST_C, LOWEST_C
from bot.services.check_results import CheckNotice, Notice
from bot.telegram.check_labels import ITEM_LABELS
from bot.telegram.i18n import ENGLISH, N_, gettext

REFUSALS: dict[str, str | Callable[..., str]] = {
    "check.stale": N_("This check has moved on; use the latest message."),
    "check.finished": N_("This check is already finished."),
    "check.not_yours": N_("This check belongs to another nurse."),
    "check.invalid_button": N_("That button is not part of this check."),
    "check.already_done": N_("This check has already been done."),
    "check.prompt_moved_on": N_("This prompt has moved on; nothing was snoozed."),
    "check.cannot_wait": N_("The charge nurse has been alerted; this can no longer wait."),
}

_TYPE_IT: Final = N_("type the temperature in C, 34.0 to 43.0 (e.g. 38.4).")

NOTICES: Final[Mapping[CheckNotice, str]] = {
    CheckNotice.RESUMING: N_("Resuming your check."),
    CheckNotice.TAKEN_OVER: N_("You now hold this check."),
    CheckNotice.USE_BUTTONS: N_("Please answer with the buttons."),
    CheckNotice.ANSWER_EVERY_ITEM: N_("Answer every item first ({items})."),
    CheckNotice.TYPE_TEMPERATURE: N_("Type the temperature in C, e.g. 38.4"),
    CheckNotice.TEMPERATURE_NOT_A_NUMBER: N_("{typed} is not a temperature: {how}"),
    CheckNotice.TEMPERATURE_OUT_OF_RANGE: N_("{typed} is outside {lowest}-{highest} C: {how}"),
}
"""Templates over the notice's facts: ``items`` (the unanswered items, as the buttons name
them), ``typed`` (what the nurse typed, quoted), ``how`` (how to type it)."""


def notice(shown: Notice | None, language: str = ENGLISH) -> str | None:
    """The words of a notice; None when there is none."""
    if shown is None:
        return None
    return gettext(language, NOTICES[shown.code]).format(
        items=gettext(language, ", ").join(_item(item, language) for item in shown.items),
        typed=repr(shown.typed),
        how=gettext(language, _TYPE_IT),
        lowest=LOWEST_C,
        highest=HIGHEST_C,
    )


def _item(item: str, language: str) -> str:
    """An unanswered item as its button names it ("month" in English, as the flow says it)."""
    if language == ENGLISH or item not in set(IceItem):
        return item
    return gettext(language, ITEM_LABELS[IceItem(item)])
