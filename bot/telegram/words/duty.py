"""Words of the duty area's refusals (see ``bot.telegram.words``): ``/onduty``, ``/oncall``,
``neurocheck duty add`` and the roster file say the same things in the same words (the command
line in English, the chat in the reader's language)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Final
from zoneinfo import ZoneInfo

from bot.services.shifts import DutyRefusal
from bot.telegram import texts
from bot.telegram.duty_texts import duty_name, moment
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.welcome import role_in_sentence

_OVER: Final = N_("That shift ended at {at}: it is over.")
_NOT_A_DUTY: Final = N_("{text!r} is not an on-call duty: {duties}.")
_ROLE_HAS_NO_DUTY: Final = N_(
    "{name} is {role}: only nurses, charge nurses and physicians go on duty."
)
_ON_CALL_IS_PHYSICIANS: Final = N_("{name} is {role}: only physicians are on call ({duty}).")
_NOT_THEIR_DUTY: Final = N_("{name} is {role}: they cannot be on duty as {duty}.")
_OVERRIDE_IS_ON_CALL: Final = N_(
    "An override is for physicians on call ({duties}), not {name} is {role}."
)
_OVERLAP: Final = N_("{name} already has a shift on {ward} then: {spans}.")
_SPAN: Final = N_("{start} to {end}")
_OVERRIDE_MARK: Final = N_(" (override)")
_SPANS_JOINED: Final = N_("; ")
_PLANNED_LATER: Final = N_(
    "You are already planned as {duty} on {ward} from {at}: ask for fewer hours."
)


def _duty(duty: str, language: str) -> str:
    """As typed in English ("charge_nurse", as these refusals always said it)."""
    return duty if language == ENGLISH else duty_name(duty, language)


def _over(ended_at: dt.datetime, zone: str, language: str = ENGLISH) -> str:
    return gettext(language, _OVER).format(at=moment(ended_at, ZoneInfo(zone), language))


def _not_a_duty(text: str, duties: Sequence[str], language: str = ENGLISH) -> str:
    listed = gettext(language, ", ").join(duties)
    return gettext(language, _NOT_A_DUTY).format(text=text, duties=listed)


def _role_has_no_duty(name: str, role: str, language: str = ENGLISH) -> str:
    return gettext(language, _ROLE_HAS_NO_DUTY).format(
        name=name, role=role_in_sentence(role, language)
    )


def _on_call_is_physicians(name: str, role: str, duty: str, language: str = ENGLISH) -> str:
    return gettext(language, _ON_CALL_IS_PHYSICIANS).format(
        name=name, role=role_in_sentence(role, language), duty=_duty(duty, language)
    )


def _not_their_duty(name: str, role: str, duty: str, language: str = ENGLISH) -> str:
    return gettext(language, _NOT_THEIR_DUTY).format(
        name=name, role=role_in_sentence(role, language), duty=_duty(duty, language)
    )


def _override_is_on_call(
    name: str, role: str, duties: Sequence[str], language: str = ENGLISH
) -> str:
    listed = gettext(language, ", ").join(duties)
    return gettext(language, _OVERRIDE_IS_ON_CALL).format(
        duties=listed, name=name, role=role_in_sentence(role, language)
    )


def _overlap(
    name: str,
    ward: str,
    spans: Sequence[tuple[dt.datetime, dt.datetime, bool]],
    zone: str,
    language: str = ENGLISH,
) -> str:
    where = ZoneInfo(zone)
    shown = gettext(language, _SPANS_JOINED).join(
        gettext(language, _SPAN).format(
            start=moment(start, where, language), end=moment(end, where, language)
        )
        + (gettext(language, _OVERRIDE_MARK) if override else "")
        for start, end, override in spans
    )
    return gettext(language, _OVERLAP).format(name=name, ward=ward, spans=shown)


def _planned_later(
    duty: str, ward: str, starts_at: dt.datetime, zone: str, language: str = ENGLISH
) -> str:
    return gettext(language, _PLANNED_LATER).format(
        duty=_duty(duty, language), ward=ward, at=moment(starts_at, ZoneInfo(zone), language)
    )


REFUSALS: dict[str, str | Callable[..., str]] = {
    DutyRefusal.NOT_ENROLLED: N_("You are not enrolled."),
    DutyRefusal.NURSES_ONLY: N_("Only nurses and charge nurses go on duty from the chat."),
    DutyRefusal.PHYSICIANS_ONLY: N_("Only physicians put themselves on call from the chat."),
    DutyRefusal.NO_WARD: texts.NO_WARD,
    DutyRefusal.HOURS: N_("A shift is 1 to {max_hours} hours."),
    DutyRefusal.ONCALL_HOURS: N_("On call from the chat is 1 to {max_hours} hours."),
    DutyRefusal.UNKNOWN_WARD: N_("There is no ward {ward!r}."),
    DutyRefusal.UNKNOWN_STAFF: N_(
        "Nobody enrolled has Telegram id {telegram_id} (or they were deactivated)."
    ),
    DutyRefusal.NOT_ON_WARD: N_("{name} is not on ward {ward}: invite them to it first."),
    DutyRefusal.ENDS_FIRST: N_("The shift must end after it starts."),
    DutyRefusal.TOO_LONG: N_("A shift is at most {hours} hours."),
    DutyRefusal.OVER: _over,
    DutyRefusal.NOT_A_DUTY: _not_a_duty,
    DutyRefusal.ROLE_HAS_NO_DUTY: _role_has_no_duty,
    DutyRefusal.ON_CALL_IS_PHYSICIANS: _on_call_is_physicians,
    DutyRefusal.NOT_THEIR_DUTY: _not_their_duty,
    DutyRefusal.OVERRIDE_IS_ON_CALL: _override_is_on_call,
    DutyRefusal.OVERLAP: _overlap,
    DutyRefusal.PLANNED_LATER: _planned_later,
}
