"""The physicians' on-call roster per ward: primary and backup by shift, an attending above.

Three doors plan on-call periods, with the same rules (``bot.services.duty.plan_shift``) and
the same audit row (``duty.planned`` with ``via``): the command line (``neurocheck duty add
--as``), a roster file (``neurocheck oncall import``, all rows or none) and the chat
(``/oncall primary 12``, a physician putting themselves on call on their wards from now).
An override (``is_override``) replaces the other holders of that duty while it runs; their
rows stay, so the rota resumes by itself.

``/oncall`` shows each ward's rota now and for the next 24 hours. A ward with a patient on a
current infusion plan (planned, running or held, as ``bot.services.plans`` counts it) must
have a primary physician at every moment: the scheduler calls ``warn_gaps`` on every pass,
and each uncovered stretch in the next 12 hours is told once to the ward's admins and charge
nurses, while there is still time to fill it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.clinical.coverage import Span, coverage_gaps
from bot.services import csv_import, outbox
from bot.services.duty import (
    MAX_HOURS,
    DutyError,
    Planned,
    Problem,
    Shift,
    audit_planned,
    duty_for,
    local_text,
    locate,
    parse_duty,
    plan_shift,
)
from bot.services.roster_csv import RosterRow, parse_roster
from bot.services.staff import Clock
from storage.db import Database
from storage.models import (
    Duty,
    DutyAssignment,
    InfusionPlan,
    OutboundMessage,
    Patient,
    PatientStatus,
    Role,
    Staff,
    Ward,
)
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import plans as plans_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

GAP_HORIZON: Final = dt.timedelta(hours=12)
"""How far ahead a missing primary is looked for: time enough to find somebody."""
CHANGES_AHEAD: Final = dt.timedelta(hours=24)
LOOKAHEAD: Final = dt.timedelta(days=7)
"""How far a rota is computed, so that "until" is right for a holder beyond 24 hours."""
NEVER_COVERED: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""Where the gap of a ward that never had a primary starts: fixed, so that it keeps its name."""
ONCALL_ROLES: Final = frozenset({Role.PHYSICIAN})


@dataclass(frozen=True)
class Holding:
    """Who holds one duty from ``start`` to ``end`` (nobody when ``names`` is empty)."""

    duty: Duty
    start: dt.datetime
    end: dt.datetime
    staff_ids: tuple[int, ...]
    names: tuple[str, ...]
    override: bool


@dataclass(frozen=True)
class Gap:
    """A stretch without a primary that begins within the next 12 hours."""

    start: dt.datetime
    end: dt.datetime | None
    """When a primary is next planned; None when nobody is, in the week ahead."""


@dataclass(frozen=True)
class WardRoster:
    ward_code: str
    ward_name: str
    now: tuple[Holding, ...]
    """One per duty, primary first."""
    changes: tuple[Holding, ...]
    """Who takes over when, in the next 24 hours, by time."""
    primary_gaps: tuple[Gap, ...]
    """Stretches without a primary that begin in the next 12 hours."""


@dataclass(frozen=True)
class OnCall:
    ward_codes: tuple[str, ...]
    duty: Duty
    until: dt.datetime
    override: bool
    extended: tuple[str, ...]
    """Wards where the person already was on call for that duty: extended, not duplicated."""


@dataclass(frozen=True)
class Imported:
    added: int
    existing: int
    dry_run: bool


class RosterService:
    def __init__(self, db: Database, clock: Clock, *, zone: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone

    # -- the roster file --------------------------------------------------------------------

    def import_csv(self, text: str, *, dry_run: bool = False) -> Imported:
        """Every row of the file in one transaction, or none (RefusedError ``csv.bad_lines``
        lists why; a file that does not parse is refused before any database work)."""
        now = self._clock()
        parsed = parse_roster(text, zone=self._zone, now=now)
        if parsed.problems:
            raise csv_import.refused(parsed.problems)
        return self.apply(parsed.rows, now=now, dry_run=dry_run)

    def apply(self, rows: Sequence[RosterRow], *, now: dt.datetime, dry_run: bool) -> Imported:
        """Plan each row as ``neurocheck duty add`` would, all or none
        (``csv_import.apply_all_or_none``): the checks are the very ones that insert,
        including overlaps between rows of the same file."""

        def apply_row(session: Session, row: RosterRow) -> bool:
            return not self._plan_row(session, row, now).existed

        with self._db.session() as session:
            tally = csv_import.apply_all_or_none(session, rows, apply_row, dry_run=dry_run)
        return Imported(added=tally.added, existing=tally.existing, dry_run=dry_run)

    def _plan_row(self, session: Session, row: RosterRow, now: dt.datetime) -> Planned:
        ward, staff = locate(session, row.ward_code, row.telegram_id)
        duty = duty_for(staff, row.duty, override=row.override)
        return plan_shift(
            session,
            Shift(ward, staff, duty, row.starts_at, row.ends_at),
            override=row.override,
            now=now,
            zone=self._zone,
            via="csv",
        )

    # -- the chat ---------------------------------------------------------------------------

    def go_on_call(
        self, actor_staff_id: int, duty: Duty | str, hours: int, *, override: bool = False
    ) -> OnCall:
        """The physician on call for ``duty`` on all their wards from now for ``hours``."""
        wanted = parse_duty(duty)
        if not 1 <= hours <= MAX_HOURS:
            raise DutyError(Problem.HOURS, f"On call from the chat is 1 to {MAX_HOURS} hours.")
        now = self._clock()
        until = now + dt.timedelta(hours=hours)
        with self._db.session() as session:
            actor, wards = self._physician(session, actor_staff_id)
            ends, extended = [], []
            for ward in wards:
                row, was_running = self._on_call_on(
                    session, Shift(ward, actor, wanted, now, until), override, now
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
        self, session: Session, shift: Shift, override: bool, now: dt.datetime
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
            raise DutyError(
                Problem.OVERLAP,
                f"You are already planned as {shift.duty.value} on {ward.code} from "
                f"{local_text(later[0].starts_at, self._zone)}: ask for fewer hours.",
            )
        if not clash:
            planned = plan_shift(
                session,
                shift,
                override=override,
                now=now,
                zone=self._zone,
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

    def _physician(self, session: Session, actor_staff_id: int) -> tuple[Staff, list[Ward]]:
        """The actor, locked (a doubled ``/oncall`` serialises here), and their wards."""
        actor = session.get(Staff, actor_staff_id, with_for_update=True)
        if actor is None or not actor.active or actor.role not in ONCALL_ROLES:
            raise DutyError(
                Problem.NOT_ALLOWED, "Only physicians put themselves on call from the chat."
            )
        wards = list(wards_repo.by_ids(session, staff_repo.ward_ids(session, actor_staff_id)))
        if not wards:
            raise DutyError(
                Problem.NO_WARD,
                "You are not on any ward yet: ask your ward administrator for an invite.",
            )
        return actor, wards

    def board(self, actor_staff_id: int) -> tuple[WardRoster, ...]:
        """The on-call rota of each of the actor's wards (any enrolled role may look)."""
        now = self._clock()
        with self._db.session() as session:
            actor = session.get(Staff, actor_staff_id)
            if actor is None or not actor.active:
                raise DutyError(Problem.NOT_ALLOWED, "You are not enrolled.")
            wards = wards_repo.by_ids(session, staff_repo.ward_ids(session, actor_staff_id))
            return tuple(ward_roster(session, ward, now) for ward in wards)


def ward_roster(session: Session, ward: Ward, now: dt.datetime) -> WardRoster:
    """One ward's rota: who holds each duty now, the changes in 24 hours, the gaps in 12."""
    assert ward.id is not None
    rows = duty_repo.spanning(session, ward_id=ward.id, starts_at=now, ends_at=now + LOOKAHEAD)
    spans = {duty: timeline(rows, duty, now, now + LOOKAHEAD) for duty in duty_repo.ON_CALL}
    ahead = now + CHANGES_AHEAD
    changes = sorted(
        (held for duty_spans in spans.values() for held in duty_spans[1:] if held.start < ahead),
        key=lambda held: (held.start, duty_repo.ON_CALL.index(held.duty)),
    )
    primary = [(a.starts_at, a.ends_at) for a, _ in rows if a.duty is Duty.PRIMARY]
    return WardRoster(
        ward_code=ward.code,
        ward_name=ward.name,
        now=tuple(duty_spans[0] for duty_spans in spans.values()),
        changes=tuple(changes),
        primary_gaps=tuple(find_gaps(primary, now)),
    )


def timeline(
    rows: Sequence[tuple[DutyAssignment, Staff]], duty: Duty, start: dt.datetime, end: dt.datetime
) -> list[Holding]:
    """Who holds ``duty`` over ``[start, end)``, as consecutive spans that differ in holders.

    Pure on the rows handed in: the holders change only where a row starts or ends, so the
    rule of ``duty_repo.on_call`` is applied at each such instant, not at every minute.
    """
    mine = [(a, s) for a, s in rows if a.duty is duty]
    inner = {t for a, _ in mine for t in (a.starts_at, a.ends_at) if start < t < end}
    spans: list[Holding] = []
    for left, right in itertools.pairwise(sorted({start, end} | inner)):
        holders = duty_repo.holders_at(mine, left)
        held = Holding(
            duty=duty,
            start=left,
            end=right,
            staff_ids=tuple(s.id for s in holders if s.id is not None),
            names=tuple(s.display_name for s in holders),
            override=any(a.is_override and a.starts_at <= left < a.ends_at for a, _ in mine),
        )
        last = spans[-1] if spans else None
        if last is not None and (last.staff_ids, last.override) == (held.staff_ids, held.override):
            spans[-1] = replace(last, end=right)
        else:
            spans.append(held)
    return spans


# -- the scheduler: gaps in the primary rota -----------------------------------------------


def warn_gaps(session: Session, now: dt.datetime, zone: ZoneInfo) -> int:
    """Tell each ward's admins and charge nurses, once per gap and person, when a ward with a
    patient on a current infusion plan has no primary physician at some point in the next 12
    hours. Returns how many warnings were newly queued (0 on an ordinary pass)."""
    queued = 0
    for ward in _wards_in_treatment(session):
        for gap in primary_gaps(session, ward, now):
            queued += _warn(session, ward, gap, now, zone)
    return queued


def find_gaps(shifts: Sequence[Span], now: dt.datetime) -> list[Gap]:
    """The gaps of the next 12 hours, each carried on to where the next shift begins (the
    12 hours decide whether to warn; the warning should say how long it really lasts)."""
    return [
        Gap(start, min((s for s, e in shifts if start <= s < e), default=None))
        for start, _ in coverage_gaps(shifts, now, GAP_HORIZON)
    ]


def primary_gaps(session: Session, ward: Ward, now: dt.datetime) -> list[Gap]:
    """The ward's gaps; one running now starts where the last primary period ended.

    A gap's start names it (the outbox key), so it must not move with ``now``: a ward that
    never had a primary dates its gap from ``NEVER_COVERED``.
    """
    assert ward.id is not None
    rows = duty_repo.spanning(
        session, ward_id=ward.id, starts_at=now, ends_at=now + LOOKAHEAD, duties=(Duty.PRIMARY,)
    )
    gaps = find_gaps([(a.starts_at, a.ends_at) for a, _ in rows], now)
    if gaps and gaps[0].start == now:
        began = duty_repo.last_end(session, ward_id=ward.id, duty=Duty.PRIMARY, at_or_before=now)
        gaps[0] = replace(gaps[0], start=began or NEVER_COVERED)
    return gaps


def gap_text(ward: Ward, gap: Gap, now: dt.datetime, zone: ZoneInfo) -> str:
    """The warning: which ward, which stretch (local time), and the two ways to fill it."""
    if gap.start == NEVER_COVERED:
        when = "has no primary physician on call"
    elif gap.start < now:
        when = f"has had no primary physician on call since {local_text(gap.start, zone)}"
    else:
        when = f"will have no primary physician on call from {local_text(gap.start, zone)}"
    until = (
        f"until {local_text(gap.end, zone)}"
        if gap.end is not None
        else "and none is planned after that"
    )
    return (
        f"⚠ Ward {ward.code} ({ward.name}) {when} {until}, while a patient there is on "
        "blinatumomab: an ICANS alert would have no physician to reach.\n"
        "To fix it, a physician of the ward sends /oncall primary <hours> (add override to "
        "replace whoever is planned), or from the server: neurocheck duty add --ward "
        f"{ward.code} --telegram-id <id> --as primary --from <time> --to <time>."
    )


def _warn(session: Session, ward: Ward, gap: Gap, now: dt.datetime, zone: ZoneInfo) -> int:
    """Queue the warning for everyone not yet told of this gap; audit when anyone was."""
    assert ward.id is not None
    wards_repo.by_id(session, ward.id, lock=True)  # two instances: one tells, one sees it told
    told: list[int] = []
    for staff in _gap_audience(session, ward.id, now):
        assert staff.id is not None
        key = f"oncall-gap:{ward.id}:{gap.start.isoformat()}:{staff.id}"
        if _queued(session, key):
            continue
        outbox.enqueue(
            session,
            chat_id=staff.chat_id,
            purpose="text",
            payload={"text": gap_text(ward, gap, now, zone)},
            dedupe_key=key,
            now=now,
        )
        told.append(staff.id)
    if told:
        audit.record(
            session,
            at=now,
            action="oncall.gap_warned",
            entity="ward",
            entity_id=ward.id,
            ward_id=ward.id,
            duty=Duty.PRIMARY.value,
            gap_start=gap.start.isoformat(),
            gap_end=None if gap.end is None else gap.end.isoformat(),
            recipients=told,
        )
    return len(told)


def _gap_audience(session: Session, ward_id: int, now: dt.datetime) -> list[Staff]:
    """The ward's admins and its charge nurses (on duty, or all of them), each once."""
    people = [
        *staff_repo.on_ward_with_role(session, ward_id=ward_id, role=Role.ADMIN),
        *duty_repo.charge_nurses(session, ward_id=ward_id, at=now),
    ]
    return list({staff.id: staff for staff in people}.values())


def _queued(session: Session, dedupe_key: str) -> bool:
    return (
        session.exec(
            select(OutboundMessage.id).where(OutboundMessage.dedupe_key == dedupe_key)
        ).first()
        is not None
    )


def _wards_in_treatment(session: Session) -> Sequence[Ward]:
    """Wards with an active patient whose current plan is planned, running or held.

    One EXISTS per ward, which stops at the first such patient (index on the patient's ward
    and status): a pass costs the same with ten patients or ten thousand.
    """
    treated = (
        select(Patient.id)
        .join(InfusionPlan, col(InfusionPlan.patient_id) == Patient.id)
        .where(
            Patient.ward_id == Ward.id,
            Patient.status == PatientStatus.ACTIVE,
            col(InfusionPlan.status).in_(plans_repo.CURRENT),
        )
        .exists()
    )
    return session.exec(select(Ward).where(treated).order_by(col(Ward.id))).all()
