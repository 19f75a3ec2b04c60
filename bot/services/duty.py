"""Duty lists: who gets a ward's check prompts and alerts right now.

Nurses and charge nurses put themselves on duty from the chat (``/onduty``, on all their
wards, for 1 to 24 hours) and off again (``/offduty``); a second ``/onduty`` extends the shift
rather than adding another. Planned shifts come from the server (``neurocheck duty add``;
physicians ``--as`` primary, backup or attending, optionally ``--override``). The scheduler
asks ``storage.repositories.duty`` who is on duty when a check falls due.

Planning a shift (the rules every door keeps) is ``bot.services.shifts``; refusals are
``RefusedError`` with a :class:`~bot.services.shifts.DutyRefusal` code, worded in
``bot.telegram.words.duty``. The actor is the ``StaffView`` the adapter resolved; the service
locks and re-reads the person, so a role changed a moment ago counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clock import Clock
from bot.services.errors import RefusedError
from bot.services.localtime import parse_local_time
from bot.services.shifts import (
    DEFAULT_HOURS,
    DUTY_FOR_ROLE,
    MAX_HOURS,
    DutyRefusal,
    Shift,
    acting_on_wards,
    check_span,
    duty_for,
    in_force,
    locate,
    parse_duty,
    plan_shift,
)
from bot.services.shifts import local_text as local_text  # the gap warning's dates
from bot.services.staff import StaffView
from bot.services.wards import normalise_code
from storage.db import Database
from storage.models import Duty, DutyAssignment, Role, Staff, Ward
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

ONDUTY_ROLES: Final = frozenset({Role.NURSE, Role.CHARGE_NURSE})


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

    def go_on_duty(self, actor: StaffView, hours: int = DEFAULT_HOURS) -> OnDuty:
        """On duty on all the actor's wards from now for ``hours``; extends a running shift."""
        if not 1 <= hours <= MAX_HOURS:
            raise RefusedError(DutyRefusal.HOURS, max_hours=MAX_HOURS)
        now = self._clock()
        until = now + dt.timedelta(hours=hours)
        actor_staff_id = actor.id
        with self._db.session() as session:
            person, wards = self._actor(session, actor_staff_id)
            duty = DUTY_FOR_ROLE[person.role]
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

    def go_off_duty(self, actor: StaffView) -> OffDuty:
        """End every nursing shift of the actor that is running now; planned ones stay."""
        now = self._clock()
        actor_staff_id = actor.id
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

    def board(self, actor: StaffView) -> tuple[WardDuty, ...]:
        """Who is on duty on each of the actor's wards now (any enrolled role may look)."""
        now = self._clock()
        with self._db.session() as session:
            person = staff_repo.by_id(session, actor.id)
            if person is None or not person.active:
                raise RefusedError(DutyRefusal.NOT_ENROLLED)
            wards = wards_repo.by_ids(session, staff_repo.ward_ids(session, actor.id))
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
                raise RefusedError(DutyRefusal.UNKNOWN_WARD, ward=normalise_code(ward_code))
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

    @staticmethod
    def _actor(session: Session, actor_staff_id: int) -> tuple[Staff, list[Ward]]:
        return acting_on_wards(
            session, actor_staff_id, roles=ONDUTY_ROLES, refusal=DutyRefusal.NURSES_ONLY
        )

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
        return parse_local_time(value, self._zone, now)  # TimeInputError: a time.* refusal
