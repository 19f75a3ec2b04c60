"""The physicians' on-call roster per ward: primary and backup by shift, an attending above.

Three doors plan on-call periods, with the same rules (``bot.services.shifts.plan_shift``) and
the same audit row (``duty.planned`` with ``via``): the command line (``neurocheck duty add
--as``), a roster file (``neurocheck oncall import``, all rows or none) and the chat
(``/oncall primary 12``, a physician putting themselves on call on their wards from now:
``bot.services.oncall``).
An override (``is_override``) replaces the other holders of that duty while it runs; their
rows stay, so the rota resumes by itself.

``/oncall`` shows each ward's rota now and for the next 24 hours. A ward with a patient on a
current infusion plan (planned, running or held, as ``bot.services.plans`` counts it) must
have a primary physician at every moment: ``bot.services.rota_gaps.warn_gaps`` looks when the
rota, a plan or the staff may have changed and when a period's end comes within the warning
window, and tells each uncovered stretch in the next 12 hours once to the ward's admins and
charge nurses, while there is still time to fill it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical.coverage import Span, coverage_gaps
from bot.clock import Clock
from bot.services import csv_import, oncall
from bot.services.errors import RefusedError
from bot.services.oncall import OnCall
from bot.services.roster_csv import RosterRow, parse_roster
from bot.services.shifts import (
    DutyRefusal,
    Planned,
    Shift,
    duty_for,
    locate,
    plan_shift,
)
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    Duty,
    DutyAssignment,
    Staff,
    Ward,
)
from storage.repositories import duty as duty_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

GAP_HORIZON: Final = dt.timedelta(hours=12)
"""How far ahead a missing primary is looked for: time enough to find somebody."""
CHANGES_AHEAD: Final = dt.timedelta(hours=24)
LOOKAHEAD: Final = dt.timedelta(days=7)
"""How far a rota is computed, so that "until" is right for a holder beyond 24 hours."""
NEVER_COVERED: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""Where the gap of a ward that never had a primary starts: fixed, so that it keeps its name."""


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
        self, actor: StaffView, duty: Duty | str, hours: int, *, override: bool = False
    ) -> OnCall:
        """The physician on call for ``duty`` on all their wards from now for ``hours``
        (``bot.services.oncall``)."""
        with self._db.session() as session:
            return oncall.go_on_call(
                session,
                actor=actor,
                duty=duty,
                hours=hours,
                override=override,
                now=self._clock(),
                zone=self._zone,
            )

    def board(self, actor: StaffView) -> tuple[WardRoster, ...]:
        """The on-call rota of each of the actor's wards (any enrolled role may look)."""
        now = self._clock()
        with self._db.session() as session:
            person = staff_repo.by_id(session, actor.id)
            if person is None or not person.active:
                raise RefusedError(DutyRefusal.NOT_ENROLLED)
            wards = wards_repo.by_ids(session, staff_repo.ward_ids(session, actor.id))
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


def find_gaps(shifts: Sequence[Span], now: dt.datetime) -> list[Gap]:
    """The gaps of the next 12 hours, each carried on to where the next shift begins (the
    12 hours decide whether to warn; the warning should say how long it really lasts)."""
    return [
        Gap(start, min((s for s, e in shifts if start <= s < e), default=None))
        for start, _ in coverage_gaps(shifts, now, GAP_HORIZON)
    ]
