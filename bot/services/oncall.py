"""``/oncall <duty> <hours> [override]``: a physician puts themselves on call on their wards.

A second ``/oncall`` extends the period running now instead of adding a parallel row; it
refuses to run into a later planned period (either row might be the mistake). Planning goes
through ``bot.services.shifts.plan_shift`` like every other door, so the audit row is the same
(``duty.planned``, ``via`` chat). Called by ``RosterService.go_on_call`` inside its
transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services.errors import RefusedError
from bot.services.shifts import (
    MAX_HOURS,
    DutyRefusal,
    Shift,
    acting_on_wards,
    audit_planned,
    parse_duty,
    plan_shift,
)
from bot.services.staff import StaffView
from storage.models import Duty, DutyAssignment, Role
from storage.repositories import duty as duty_repo

ONCALL_ROLES: Final = frozenset({Role.PHYSICIAN})


@dataclass(frozen=True)
class OnCall:
    ward_codes: tuple[str, ...]
    duty: Duty
    until: dt.datetime
    override: bool
    extended: tuple[str, ...]
    """Wards where the person already was on call for that duty: extended, not duplicated."""


def go_on_call(
    session: Session,
    *,
    actor: StaffView,
    duty: Duty | str,
    hours: int,
    override: bool,
    now: dt.datetime,
    zone: ZoneInfo,
) -> OnCall:
    """The physician on call for ``duty`` on all their wards from ``now`` for ``hours``."""
    wanted = parse_duty(duty)
    if not 1 <= hours <= MAX_HOURS:
        raise RefusedError(DutyRefusal.ONCALL_HOURS, max_hours=MAX_HOURS)
    until = now + dt.timedelta(hours=hours)
    person, wards = acting_on_wards(
        session, actor.id, roles=ONCALL_ROLES, refusal=DutyRefusal.PHYSICIANS_ONLY
    )
    ends, extended = [], []
    for ward in wards:
        row, was_running = _on_call_on(
            session, Shift(ward, person, wanted, now, until), override, now, zone
        )
        ends.append(row.ends_at)
        if was_running:
            extended.append(ward.code)
    return OnCall(
        ward_codes=tuple(w.code for w in wards),
        duty=wanted,
        until=max(ends),
        override=override,
        extended=tuple(extended),
    )


def _on_call_on(
    session: Session, shift: Shift, override: bool, now: dt.datetime, zone: ZoneInfo
) -> tuple[DutyAssignment, bool]:
    """One ward: extend the period running now (a second ``/oncall`` must not add a
    parallel row), refuse to run into a later one, or plan a new one."""
    ward, staff = shift.ward, shift.staff
    assert ward.id is not None and staff.id is not None
    clash = duty_repo.overlapping(
        session,
        ward_id=ward.id,
        staff_id=staff.id,
        duty=shift.duty,
        starts_at=now,
        ends_at=shift.ends_at,
    )
    later = [c for c in clash if c.starts_at > now]
    if later:
        raise RefusedError(
            DutyRefusal.PLANNED_LATER,
            duty=shift.duty.value,
            ward=ward.code,
            starts_at=later[0].starts_at,
            zone=zone.key,
        )
    if not clash:
        planned = plan_shift(
            session,
            shift,
            override=override,
            now=now,
            zone=zone,
            via="chat",
            actor_staff_id=staff.id,
        )
        return planned.row, False
    row = clash[-1]
    previous = row.ends_at
    if previous < shift.ends_at or (override and not row.is_override):
        row.ends_at = max(previous, shift.ends_at)
        row.is_override = row.is_override or override
        session.add(row)
        audit_planned(
            session, row, now=now, via="chat", actor_staff_id=staff.id, extended_from=previous
        )
    return row, True
