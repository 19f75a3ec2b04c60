"""Words of the duty area's refusals (see ``bot.telegram.words``): ``/onduty``, ``/oncall``,
``neurocheck duty add`` and the roster file say the same things in the same words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.services.shifts import DutyRefusal, local_text


def _who(name: str, role: str) -> str:
    return f"{name} is {role.replace('_', ' ')}"


def _over(ended_at: dt.datetime, zone: str) -> str:
    return f"That shift ended at {local_text(ended_at, ZoneInfo(zone))}: it is over."


def _not_a_duty(text: str, duties: Sequence[str]) -> str:
    return f"{text!r} is not an on-call duty: {', '.join(duties)}."


def _role_has_no_duty(name: str, role: str) -> str:
    return f"{_who(name, role)}: only nurses, charge nurses and physicians go on duty."


def _on_call_is_physicians(name: str, role: str, duty: str) -> str:
    return f"{_who(name, role)}: only physicians are on call ({duty})."


def _not_their_duty(name: str, role: str, duty: str) -> str:
    return f"{_who(name, role)}: they cannot be on duty as {duty}."


def _override_is_on_call(name: str, role: str, duties: Sequence[str]) -> str:
    return f"An override is for physicians on call ({', '.join(duties)}), not {_who(name, role)}."


def _overlap(
    name: str, ward: str, spans: Sequence[tuple[dt.datetime, dt.datetime, bool]], zone: str
) -> str:
    where = ZoneInfo(zone)
    shown = "; ".join(
        f"{local_text(start, where)} to {local_text(end, where)}"
        + (" (override)" if override else "")
        for start, end, override in spans
    )
    return f"{name} already has a shift on {ward} then: {shown}."


def _planned_later(duty: str, ward: str, starts_at: dt.datetime, zone: str) -> str:
    return (
        f"You are already planned as {duty} on {ward} from "
        f"{local_text(starts_at, ZoneInfo(zone))}: ask for fewer hours."
    )


REFUSALS: dict[str, str | Callable[..., str]] = {
    DutyRefusal.NOT_ENROLLED: "You are not enrolled.",
    DutyRefusal.NURSES_ONLY: "Only nurses and charge nurses go on duty from the chat.",
    DutyRefusal.PHYSICIANS_ONLY: "Only physicians put themselves on call from the chat.",
    DutyRefusal.NO_WARD: "You are not on any ward yet: ask your ward administrator for an invite.",
    DutyRefusal.HOURS: "A shift is 1 to {max_hours} hours.",
    DutyRefusal.ONCALL_HOURS: "On call from the chat is 1 to {max_hours} hours.",
    DutyRefusal.UNKNOWN_WARD: "There is no ward {ward!r}.",
    DutyRefusal.UNKNOWN_STAFF: (
        "Nobody enrolled has Telegram id {telegram_id} (or they were deactivated)."
    ),
    DutyRefusal.NOT_ON_WARD: "{name} is not on ward {ward}: invite them to it first.",
    DutyRefusal.ENDS_FIRST: "The shift must end after it starts.",
    DutyRefusal.TOO_LONG: "A shift is at most {hours} hours.",
    DutyRefusal.OVER: _over,
    DutyRefusal.NOT_A_DUTY: _not_a_duty,
    DutyRefusal.ROLE_HAS_NO_DUTY: _role_has_no_duty,
    DutyRefusal.ON_CALL_IS_PHYSICIANS: _on_call_is_physicians,
    DutyRefusal.NOT_THEIR_DUTY: _not_their_duty,
    DutyRefusal.OVERRIDE_IS_ON_CALL: _override_is_on_call,
    DutyRefusal.OVERLAP: _overlap,
    DutyRefusal.PLANNED_LATER: _planned_later,
}
