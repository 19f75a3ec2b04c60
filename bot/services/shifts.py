"""Planning a shift: the rules every door keeps (the command line, the roster file, the chat).

``plan_shift`` and the checks before it (``check_span``, ``locate``, ``duty_for``) are shared
by ``bot.services.duty`` (``neurocheck duty add``) and the on-call roster
(``bot.services.roster``: a CSV file and ``/oncall``), so that every door refuses the same
things (one code each, :class:`DutyRefusal`, worded in ``bot.telegram.words.duty``) and writes
the same audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services.errors import RefusalCode, RefusedError
from bot.services.wards import normalise_code
from storage.models import Duty, DutyAssignment, Role, Staff, Ward
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

DEFAULT_HOURS: Final = 12
MAX_HOURS: Final = 24
MAX_SHIFT: Final = dt.timedelta(hours=72)
"""A planned shift longer than this is a typo (a weekend on call is about 64 hours)."""
DUTY_FOR_ROLE: Final = {
    Role.NURSE: Duty.NURSE,
    Role.CHARGE_NURSE: Duty.CHARGE_NURSE,
    Role.PHYSICIAN: Duty.PRIMARY,
}
"""What a planned shift of each role is: physicians are on call (first in line)."""
ON_CALL_DUTIES: Final = duty_repo.ON_CALL
"""The physicians' duties; only these may be overridden."""


class DutyRefusal(RefusalCode):
    """Why a duty or on-call request is refused; the facts named in each comment."""

    NOT_ENROLLED = "duty.not_enrolled"
    NURSES_ONLY = "duty.nurses_only"  # /onduty by someone who is not a nurse
    PHYSICIANS_ONLY = "duty.physicians_only"  # /oncall <duty> by someone not a physician
    NO_WARD = "duty.no_ward"
    HOURS = "duty.hours"  # max_hours
    ONCALL_HOURS = "duty.oncall_hours"  # max_hours
    UNKNOWN_WARD = "duty.unknown_ward"  # ward
    UNKNOWN_STAFF = "duty.unknown_staff"  # telegram_id
    NOT_ON_WARD = "duty.not_on_ward"  # name, ward
    ENDS_FIRST = "duty.ends_first"
    TOO_LONG = "duty.too_long"  # hours
    OVER = "duty.over"  # ended_at, zone
    NOT_A_DUTY = "duty.not_a_duty"  # text, duties
    ROLE_HAS_NO_DUTY = "duty.role_has_no_duty"  # name, role
    ON_CALL_IS_PHYSICIANS = "duty.on_call_is_physicians"  # name, role, duty
    NOT_THEIR_DUTY = "duty.not_their_duty"  # name, role, duty
    OVERRIDE_IS_ON_CALL = "duty.override_is_on_call"  # name, role, duties
    OVERLAP = "duty.overlap"  # name, ward, spans ((start, end, override), ...), zone
    PLANNED_LATER = "duty.planned_later"  # duty, ward, starts_at, zone


@dataclass(frozen=True)
class Shift:
    """A shift asked for, with its ward and person already found."""

    ward: Ward
    staff: Staff
    duty: Duty
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Planned:
    row: DutyAssignment
    existed: bool
    """The very same shift was already planned; nothing was written."""


def acting_on_wards(
    session: Session, actor_staff_id: int, *, roles: frozenset[Role], refusal: DutyRefusal
) -> tuple[Staff, list[Ward]]:
    """The actor of a chat command (``/onduty``, ``/oncall``), locked so that a doubled command
    serialises here instead of adding two shifts, and their wards; ``refusal`` when their role
    is not one of ``roles`` (or they were deactivated a moment ago)."""
    actor = staff_repo.by_id(session, actor_staff_id, lock=True)
    if actor is None or not actor.active or actor.role not in roles:
        raise RefusedError(refusal)
    wards = list(wards_repo.by_ids(session, staff_repo.ward_ids(session, actor_staff_id)))
    if not wards:
        raise RefusedError(DutyRefusal.NO_WARD)
    return actor, wards


def parse_duty(text: str | Duty) -> Duty:
    """A physician's duty as typed (``primary``, ``Backup``...); the on-call duties only."""
    word = str(text).strip().lower()
    for duty in ON_CALL_DUTIES:
        if duty.value == word:
            return duty
    raise RefusedError(
        DutyRefusal.NOT_A_DUTY,
        text=str(text).strip(),
        duties=tuple(d.value for d in ON_CALL_DUTIES),
    )


def duty_for(staff: Staff, wanted: Duty | None, *, override: bool) -> Duty:
    """The duty of a shift of this person: their role's, or the physician's duty asked for.

    Nurses never hold a physician's duty (an alert to "the physician" must reach one) and a
    physician is never put on a nurse's duty; an override exists only for physicians' duties.
    """
    default = DUTY_FOR_ROLE.get(staff.role)
    who = {"name": staff.display_name, "role": staff.role.value}
    if default is None:
        raise RefusedError(DutyRefusal.ROLE_HAS_NO_DUTY, **who)
    duty = wanted or default
    if duty in ON_CALL_DUTIES and staff.role is not Role.PHYSICIAN:
        raise RefusedError(DutyRefusal.ON_CALL_IS_PHYSICIANS, duty=duty.value, **who)
    if duty not in ON_CALL_DUTIES and duty is not default:
        raise RefusedError(DutyRefusal.NOT_THEIR_DUTY, duty=duty.value, **who)
    if override and duty not in ON_CALL_DUTIES:
        raise RefusedError(
            DutyRefusal.OVERRIDE_IS_ON_CALL, duties=tuple(d.value for d in ON_CALL_DUTIES), **who
        )
    return duty


def check_span(start: dt.datetime, end: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> None:
    """The rules every planned shift keeps, wherever it was typed."""
    if end <= start:
        raise RefusedError(DutyRefusal.ENDS_FIRST)
    if end - start > MAX_SHIFT:
        raise RefusedError(DutyRefusal.TOO_LONG, hours=round(MAX_SHIFT.total_seconds() / 3600))
    if end <= now:
        raise RefusedError(DutyRefusal.OVER, ended_at=end, zone=zone.key)


def locate(session: Session, ward_code: str, telegram_user_id: int) -> tuple[Ward, Staff]:
    """The ward (locked, so planners of one ward serialise) and an active member of it."""
    ward = wards_repo.by_code(session, ward_code, lock=True)
    if ward is None or ward.id is None:
        raise RefusedError(DutyRefusal.UNKNOWN_WARD, ward=normalise_code(ward_code))
    staff = staff_repo.active_by_telegram_id(session, telegram_user_id)
    if staff is None or staff.id is None:
        raise RefusedError(DutyRefusal.UNKNOWN_STAFF, telegram_id=telegram_user_id)
    if ward.id not in staff_repo.ward_ids(session, staff.id):
        raise RefusedError(DutyRefusal.NOT_ON_WARD, name=staff.display_name, ward=ward.code)
    return ward, staff


def plan_shift(
    session: Session,
    shift: Shift,
    *,
    override: bool,
    now: dt.datetime,
    zone: ZoneInfo,
    via: str,
    actor_staff_id: int | None = None,
) -> Planned:
    """Insert the shift and its audit row, unless the same shift is already there.

    One person never holds one duty twice at once on a ward: an overlap is refused rather than
    merged, because either row might be the mistake.
    """
    ward, staff = shift.ward, shift.staff
    assert ward.id is not None and staff.id is not None
    clash = duty_repo.overlapping(
        session,
        ward_id=ward.id,
        staff_id=staff.id,
        duty=shift.duty,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )
    if len(clash) == 1 and _same(clash[0], shift, override):
        return Planned(clash[0], existed=True)
    if clash:
        raise RefusedError(
            DutyRefusal.OVERLAP,
            name=staff.display_name,
            ward=ward.code,
            spans=tuple((c.starts_at, c.ends_at, c.is_override) for c in clash),
            zone=zone.key,
        )
    row = duty_repo.add(
        session,
        DutyAssignment(
            ward_id=ward.id,
            staff_id=staff.id,
            duty=shift.duty,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            is_override=override,
            created_by_id=actor_staff_id,
            created_at=now,
        ),
    )
    audit_planned(session, row, now=now, via=via, actor_staff_id=actor_staff_id)
    return Planned(row, existed=False)


def audit_planned(
    session: Session,
    row: DutyAssignment,
    *,
    now: dt.datetime,
    via: str,
    actor_staff_id: int | None = None,
    extended_from: dt.datetime | None = None,
) -> None:
    """One shape for every planned or changed shift, whichever door it came through."""
    audit.record(
        session,
        at=now,
        action="duty.planned",
        actor_staff_id=actor_staff_id,
        entity="duty_assignment",
        entity_id=row.id,
        ward_id=row.ward_id,
        staff_id=row.staff_id,
        duty=row.duty.value,
        starts_at=row.starts_at.isoformat(),
        ends_at=row.ends_at.isoformat(),
        override=row.is_override,
        via=via,
        extended_from=None if extended_from is None else extended_from.isoformat(),
    )


def in_force(
    rows: Sequence[tuple[DutyAssignment, Staff]],
) -> Sequence[tuple[DutyAssignment, Staff]]:
    """Of one duty's rows covering one instant, those that count: the overrides, if any
    (``duty_repo.on_call``'s rule, keeping the rows so that their ends can be shown)."""
    return [row for row in rows if row[0].is_override] or rows


def _same(row: DutyAssignment, shift: Shift, override: bool) -> bool:
    return (row.starts_at, row.ends_at, row.is_override) == (
        shift.starts_at,
        shift.ends_at,
        override,
    )


def local_text(at: dt.datetime, zone: ZoneInfo) -> str:
    """An instant as the ward reads it (the refusals' and the gap warning's dates)."""
    return at.astimezone(zone).strftime("%d %b %Y %H:%M")


def parse_hours(text: str) -> int | None:
    """``/onduty`` arguments: nothing (the default), ``8`` or ``8h``; None when malformed."""
    value = text.strip().lower().removesuffix("h").strip()
    if not value:
        return DEFAULT_HOURS
    return int(value) if value.isdecimal() and len(value) <= 3 else None
