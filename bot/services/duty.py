"""Duty lists: who gets a ward's check prompts and alerts right now.

Nurses and charge nurses put themselves on duty from the chat (``/onduty``, on all their
wards, for 1 to 24 hours) and off again (``/offduty``); a second ``/onduty`` extends the shift
rather than adding another. Planned shifts come from the server (``neurocheck duty add``;
physicians ``--as`` primary, backup or attending, optionally ``--override``). The scheduler
asks ``storage.repositories.duty`` who is on duty when a check falls due.

``plan_shift`` and the checks before it (``check_span``, ``locate``, ``duty_for``) are shared
with the on-call roster (``bot.services.roster``: a CSV file and ``/oncall``), so that every
door refuses the same things in the same words and writes the same audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services.errors import LegacyRefusedError
from bot.services.localtime import TimeInputError, parse_local_time
from bot.services.staff import Clock
from bot.services.wards import normalise_code
from storage.db import Database
from storage.models import Duty, DutyAssignment, Role, Staff, StaffWard, Ward
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

DEFAULT_HOURS: Final = 12
MAX_HOURS: Final = 24
MAX_SHIFT: Final = dt.timedelta(hours=72)
"""A planned shift longer than this is a typo (a weekend on call is about 64 hours)."""
ONDUTY_ROLES: Final = frozenset({Role.NURSE, Role.CHARGE_NURSE})
DUTY_FOR_ROLE: Final = {
    Role.NURSE: Duty.NURSE,
    Role.CHARGE_NURSE: Duty.CHARGE_NURSE,
    Role.PHYSICIAN: Duty.PRIMARY,
}
"""What a planned shift of each role is: physicians are on call (first in line)."""
ON_CALL_DUTIES: Final = duty_repo.ON_CALL
"""The physicians' duties; only these may be overridden."""
ON_CALL_WORDS: Final = ", ".join(d.value for d in duty_repo.ON_CALL)


class Problem(StrEnum):
    NOT_ALLOWED = "not_allowed"
    NO_WARD = "no_ward"
    HOURS = "hours"
    UNKNOWN_WARD = "unknown_ward"
    UNKNOWN_STAFF = "unknown_staff"
    NOT_ON_WARD = "not_on_ward"
    TIME = "time"
    OVERLAP = "overlap"
    DUTY = "duty"


class DutyError(LegacyRefusedError[Problem]):
    """A refused request; the message is for the person (chat or command line) as it is."""


@dataclass(frozen=True)
class ShiftView:
    id: int
    ward_code: str
    staff_id: int
    telegram_user_id: int
    name: str
    role: Role
    duty: Duty
    starts_at: dt.datetime
    ends_at: dt.datetime
    override: bool = False

    def covers(self, at: dt.datetime) -> bool:
        return self.starts_at <= at < self.ends_at


@dataclass(frozen=True)
class OnDuty:
    ward_codes: tuple[str, ...]
    until: dt.datetime
    """The end of the shift (the latest, where an existing shift already ran longer)."""
    extended: tuple[str, ...]
    """Wards where the person already was on duty (the shift was extended, not duplicated)."""


@dataclass(frozen=True)
class OffDuty:
    ward_codes: tuple[str, ...]
    """Wards whose shift ended now; empty when the person was not on duty."""
    at: dt.datetime
    next_shift: dt.datetime | None


@dataclass(frozen=True)
class WardDuty:
    """One ward now: who is on duty (each person once), the charge nurse(s), who is on call."""

    ward_code: str
    ward_name: str
    on_duty: tuple[ShiftView, ...]
    charge_nurses: tuple[str, ...]
    charge_on_duty: bool
    """False: nobody is on duty as charge nurse and alerts go to all of ``charge_nurses``."""
    on_call: tuple[ShiftView, ...]


@dataclass(frozen=True)
class ShiftAdded:
    shift: ShiftView
    already_existed: bool


class DutyService:
    def __init__(self, db: Database, clock: Clock, *, zone: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone

    # -- the chat ---------------------------------------------------------------------------

    def go_on_duty(self, actor_staff_id: int, hours: int = DEFAULT_HOURS) -> OnDuty:
        """On duty on all the actor's wards from now for ``hours``; extends a running shift."""
        if not 1 <= hours <= MAX_HOURS:
            raise DutyError(Problem.HOURS, f"A shift is 1 to {MAX_HOURS} hours.")
        now = self._clock()
        until = now + dt.timedelta(hours=hours)
        with self._db.session() as session:
            actor, wards = self._actor(session, actor_staff_id)
            duty = DUTY_FOR_ROLE[actor.role]
            extended: list[str] = []
            ends: list[dt.datetime] = []
            for ward in wards:
                assert ward.id is not None
                running = duty_repo.covering(
                    session,
                    ward_id=ward.id,
                    staff_id=actor_staff_id,
                    at=now,
                    duties=(duty,),
                    lock=True,
                )
                if running:
                    shift = running[-1]
                    previous_end = shift.ends_at
                    shift.ends_at = max(shift.ends_at, until)
                    session.add(shift)
                    extended.append(ward.code)
                else:
                    shift = duty_repo.add(
                        session,
                        DutyAssignment(
                            ward_id=ward.id,
                            staff_id=actor_staff_id,
                            duty=duty,
                            starts_at=now,
                            ends_at=until,
                            created_by_id=actor_staff_id,
                            created_at=now,
                        ),
                    )
                    previous_end = None
                ends.append(shift.ends_at)
                audit.record(
                    session,
                    at=now,
                    action="duty.on",
                    actor_staff_id=actor_staff_id,
                    entity="duty_assignment",
                    entity_id=shift.id,
                    ward_id=ward.id,
                    duty=duty.value,
                    hours=hours,
                    until=shift.ends_at.isoformat(),
                    extended_from=None if previous_end is None else previous_end.isoformat(),
                )
            return OnDuty(
                ward_codes=tuple(w.code for w in wards), until=max(ends), extended=tuple(extended)
            )

    def go_off_duty(self, actor_staff_id: int) -> OffDuty:
        """End every nursing shift of the actor that is running now; planned ones stay."""
        now = self._clock()
        with self._db.session() as session:
            _, wards = self._actor(session, actor_staff_id)
            ended: list[str] = []
            for ward in wards:
                assert ward.id is not None
                running = duty_repo.covering(
                    session, ward_id=ward.id, staff_id=actor_staff_id, at=now, lock=True
                )
                for shift in running:
                    previous_end = shift.ends_at
                    shift.ends_at = now
                    session.add(shift)
                    audit.record(
                        session,
                        at=now,
                        action="duty.off",
                        actor_staff_id=actor_staff_id,
                        entity="duty_assignment",
                        entity_id=shift.id,
                        ward_id=ward.id,
                        duty=shift.duty.value,
                        planned_end=previous_end.isoformat(),
                    )
                if running:
                    ended.append(ward.code)
            next_shift = duty_repo.next_start(
                session, staff_id=actor_staff_id, ward_ids=[w.id for w in wards if w.id], after=now
            )
            return OffDuty(ward_codes=tuple(ended), at=now, next_shift=next_shift)

    def board(self, actor_staff_id: int) -> tuple[WardDuty, ...]:
        """Who is on duty on each of the actor's wards now (any enrolled role may look)."""
        now = self._clock()
        with self._db.session() as session:
            actor = session.get(Staff, actor_staff_id)
            if actor is None or not actor.active:
                raise DutyError(Problem.NOT_ALLOWED, "You are not enrolled.")
            wards = wards_repo.by_ids(session, staff_repo.ward_ids(session, actor_staff_id))
            return tuple(self._ward_now(session, ward, now) for ward in wards)

    # -- the command line -------------------------------------------------------------------

    def add_shift(
        self,
        *,
        ward_code: str,
        telegram_user_id: int,
        starts_at: str | dt.datetime,
        ends_at: str | dt.datetime,
        duty: Duty | str | None = None,
        override: bool = False,
    ) -> ShiftAdded:
        """A planned shift (nurse, charge nurse) or on-call period (physician: ``duty`` primary,
        the default, backup or attending; ``override`` replaces that duty's other holders)."""
        now = self._clock()
        start, end = self._time(starts_at, now), self._time(ends_at, now)
        wanted = duty if duty is None or isinstance(duty, Duty) else parse_duty(duty)
        check_span(start, end, now, self._zone)
        with self._db.session() as session:
            ward, staff = locate(session, ward_code, telegram_user_id)
            planned = plan_shift(
                session,
                Shift(ward, staff, duty_for(staff, wanted, override=override), start, end),
                override=override,
                now=now,
                zone=self._zone,
                via="cli",
            )
            return ShiftAdded(
                self._shift(planned.row, staff, ward.code), already_existed=planned.existed
            )

    def shifts(self, ward_code: str) -> tuple[ShiftView, ...]:
        """The ward's shifts that are not over yet: running and planned, by start."""
        now = self._clock()
        with self._db.session() as session:
            ward = wards_repo.by_code(session, ward_code)
            if ward is None or ward.id is None:
                raise DutyError(
                    Problem.UNKNOWN_WARD, f"There is no ward {normalise_code(ward_code)!r}."
                )
            rows = duty_repo.upcoming(session, ward_id=ward.id, ending_after=now)
            return tuple(self._shift(shift, staff, ward.code) for shift, staff in rows)

    # -- helpers ----------------------------------------------------------------------------

    def _ward_now(self, session: Session, ward: Ward, now: dt.datetime) -> WardDuty:
        assert ward.id is not None
        nursing = self._each_once(
            [
                self._shift(shift, staff, ward.code)
                for shift, staff in duty_repo.shifts_at(session, ward_id=ward.id, at=now)
            ]
        )
        on_call = self._each_once(
            [
                self._shift(shift, staff, ward.code)
                for duty in (Duty.PRIMARY, Duty.BACKUP)
                for shift, staff in in_force(
                    duty_repo.shifts_at(session, ward_id=ward.id, at=now, duties=(duty,))
                )
            ]
        )
        charge = duty_repo.charge_nurses(session, ward_id=ward.id, at=now)
        return WardDuty(
            ward_code=ward.code,
            ward_name=ward.name,
            on_duty=nursing,
            charge_nurses=tuple(s.display_name for s in charge),
            charge_on_duty=any(s.duty is Duty.CHARGE_NURSE for s in nursing),
            on_call=on_call,
        )

    @staticmethod
    def _each_once(shifts: list[ShiftView]) -> tuple[ShiftView, ...]:
        """One line per person and duty: the shift that runs longest."""
        chosen: dict[tuple[int, Duty], ShiftView] = {}
        for shift in shifts:
            key = (shift.staff_id, shift.duty)
            if key not in chosen or shift.ends_at > chosen[key].ends_at:
                chosen[key] = shift
        return tuple(sorted(chosen.values(), key=lambda s: (s.starts_at, s.id)))

    def _actor(self, session: Session, actor_staff_id: int) -> tuple[Staff, list[Ward]]:
        """The actor, locked: a doubled /onduty serialises here instead of adding two shifts."""
        actor = session.get(Staff, actor_staff_id, with_for_update=True)
        if actor is None or not actor.active or actor.role not in ONDUTY_ROLES:
            raise DutyError(
                Problem.NOT_ALLOWED, "Only nurses and charge nurses go on duty from the chat."
            )
        wards = list(wards_repo.by_ids(session, staff_repo.ward_ids(session, actor_staff_id)))
        if not wards:
            raise DutyError(
                Problem.NO_WARD,
                "You are not on any ward yet: ask your ward administrator for an invite.",
            )
        return actor, wards

    @staticmethod
    def _shift(shift: DutyAssignment, staff: Staff, ward_code: str) -> ShiftView:
        assert shift.id is not None and staff.id is not None
        return ShiftView(
            id=shift.id,
            ward_code=ward_code,
            staff_id=staff.id,
            telegram_user_id=staff.telegram_user_id,
            name=staff.display_name,
            role=staff.role,
            duty=shift.duty,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            override=shift.is_override,
        )

    def _time(self, value: str | dt.datetime, now: dt.datetime) -> dt.datetime:
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime")  # a programming error, not user input
            return value.astimezone(dt.UTC)
        try:
            return parse_local_time(value, self._zone, now)
        except TimeInputError as error:
            raise DutyError(Problem.TIME, error.message) from None


# -- planning a shift: shared by the command line, the roster file and the chat ---------------


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


def parse_duty(text: str | Duty) -> Duty:
    """A physician's duty as typed (``primary``, ``Backup``...); the on-call duties only."""
    word = str(text).strip().lower()
    for duty in ON_CALL_DUTIES:
        if duty.value == word:
            return duty
    raise DutyError(Problem.DUTY, f"{str(text).strip()!r} is not an on-call duty: {ON_CALL_WORDS}.")


def duty_for(staff: Staff, wanted: Duty | None, *, override: bool) -> Duty:
    """The duty of a shift of this person: their role's, or the physician's duty asked for.

    Nurses never hold a physician's duty (an alert to "the physician" must reach one) and a
    physician is never put on a nurse's duty; an override exists only for physicians' duties.
    """
    default = DUTY_FOR_ROLE.get(staff.role)
    who = f"{staff.display_name} is {staff.role.value.replace('_', ' ')}"
    if default is None:
        raise DutyError(
            Problem.NOT_ALLOWED, f"{who}: only nurses, charge nurses and physicians go on duty."
        )
    duty = wanted or default
    if duty in ON_CALL_DUTIES and staff.role is not Role.PHYSICIAN:
        raise DutyError(Problem.DUTY, f"{who}: only physicians are on call ({duty.value}).")
    if duty not in ON_CALL_DUTIES and duty is not default:
        raise DutyError(Problem.DUTY, f"{who}: they cannot be on duty as {duty.value}.")
    if override and duty not in ON_CALL_DUTIES:
        raise DutyError(
            Problem.DUTY, f"An override is for physicians on call ({ON_CALL_WORDS}), not {who}."
        )
    return duty


def check_span(start: dt.datetime, end: dt.datetime, now: dt.datetime, zone: ZoneInfo) -> None:
    """The rules every planned shift keeps, wherever it was typed."""
    if end <= start:
        raise DutyError(Problem.TIME, "The shift must end after it starts.")
    if end - start > MAX_SHIFT:
        raise DutyError(
            Problem.TIME, f"A shift is at most {MAX_SHIFT.total_seconds() / 3600:.0f} hours."
        )
    if end <= now:
        raise DutyError(Problem.TIME, f"That shift ended at {local_text(end, zone)}: it is over.")


def locate(session: Session, ward_code: str, telegram_user_id: int) -> tuple[Ward, Staff]:
    """The ward (locked, so planners of one ward serialise) and an active member of it."""
    ward = wards_repo.by_code(session, ward_code, lock=True)
    if ward is None or ward.id is None:
        raise DutyError(Problem.UNKNOWN_WARD, f"There is no ward {normalise_code(ward_code)!r}.")
    staff = staff_repo.active_by_telegram_id(session, telegram_user_id)
    if staff is None or staff.id is None:
        raise DutyError(
            Problem.UNKNOWN_STAFF,
            f"Nobody enrolled has Telegram id {telegram_user_id} (or they were deactivated).",
        )
    if session.get(StaffWard, (staff.id, ward.id)) is None:
        raise DutyError(
            Problem.NOT_ON_WARD,
            f"{staff.display_name} is not on ward {ward.code}: invite them to it first.",
        )
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
        spans = "; ".join(
            f"{local_text(c.starts_at, zone)} to {local_text(c.ends_at, zone)}"
            + (" (override)" if c.is_override else "")
            for c in clash
        )
        raise DutyError(
            Problem.OVERLAP,
            f"{staff.display_name} already has a shift on {ward.code} then: {spans}.",
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
    return at.astimezone(zone).strftime("%d %b %Y %H:%M")


def parse_hours(text: str) -> int | None:
    """``/onduty`` arguments: nothing (the default), ``8`` or ``8h``; None when malformed."""
    value = text.strip().lower().removesuffix("h").strip()
    if not value:
        return DEFAULT_HOURS
    return int(value) if value.isdecimal() and len(value) <= 3 else None
