"""Who is on duty: nurses and charge nurses on a ward, and physicians on call.

A ``duty_assignment`` covers ``at`` when ``starts_at <= at < ends_at``. Every query names the
ward and the duties first, so it runs on the index ``(ward_id, duty, starts_at)``.

Physicians' duties (primary, backup, attending) may be overridden: a row with ``is_override``
replaces the regular holders of that duty on that ward for its span, without touching their
rows (``on_call``, ``holders_at``), so the override ends by itself and the rota resumes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from storage.models import Duty, DutyAssignment, Role, Staff
from storage.repositories import staff as staff_repo

NURSING: tuple[Duty, ...] = (Duty.NURSE, Duty.CHARGE_NURSE)
ON_CALL: tuple[Duty, ...] = (Duty.PRIMARY, Duty.BACKUP, Duty.ATTENDING)


def shifts_at(
    session: Session, *, ward_id: int, at: dt.datetime, duties: Sequence[Duty] = NURSING
) -> list[tuple[DutyAssignment, Staff]]:
    """Assignments of active staff covering ``at``, by start (a person may have several)."""
    return list(
        session.exec(
            select(DutyAssignment, Staff)
            .join(Staff, col(Staff.id) == DutyAssignment.staff_id)
            .where(
                DutyAssignment.ward_id == ward_id,
                col(DutyAssignment.duty).in_(duties),
                col(DutyAssignment.starts_at) <= at,
                col(DutyAssignment.ends_at) > at,
                col(Staff.active),
            )
            .order_by(col(DutyAssignment.starts_at), col(DutyAssignment.id))
        ).all()
    )


def on_duty(session: Session, *, ward_id: int, at: dt.datetime) -> list[Staff]:
    """Active staff with a nurse or charge-nurse assignment covering ``at``, each once, in the
    order their assignments started."""
    return _each_once(staff for _, staff in shifts_at(session, ward_id=ward_id, at=at))


def charge_nurses(session: Session, *, ward_id: int, at: dt.datetime) -> list[Staff]:
    """The charge nurses on duty at ``at``; when none is, every active charge nurse of the ward,
    so that an alert always has somebody to go to (empty only if the ward has none at all)."""
    on = shifts_at(session, ward_id=ward_id, at=at, duties=(Duty.CHARGE_NURSE,))
    if on:
        return _each_once(staff for _, staff in on)
    return list(charge_nurses_of_ward(session, ward_id=ward_id))


def charge_nurses_of_ward(session: Session, *, ward_id: int) -> Sequence[Staff]:
    return staff_repo.on_ward_with_role(session, ward_id=ward_id, role=Role.CHARGE_NURSE)


def on_call(session: Session, *, ward_id: int, at: dt.datetime, duty: Duty) -> list[Staff]:
    """Who holds a physician's ``duty`` on the ward at ``at``: the override holders when an
    override covers ``at``, otherwise the regular holders; active staff only, each once, in
    start order. Empty when nobody holds it (the caller decides whom to tell instead)."""
    return holders_at(shifts_at(session, ward_id=ward_id, at=at, duties=(duty,)), at)


def holders_at(rows: Sequence[tuple[DutyAssignment, Staff]], at: dt.datetime) -> list[Staff]:
    """``on_call``'s rule on rows already loaded (one duty's), so that a timeline over a day
    costs one query: overrides covering ``at`` win, else every row covering it."""
    covering_rows = [(a, s) for a, s in rows if a.starts_at <= at < a.ends_at]
    overrides = [(a, s) for a, s in covering_rows if a.is_override]
    return _each_once(staff for _, staff in overrides or covering_rows)


def spanning(
    session: Session,
    *,
    ward_id: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    duties: Sequence[Duty] = ON_CALL,
) -> list[tuple[DutyAssignment, Staff]]:
    """Assignments of active staff overlapping ``[starts_at, ends_at)``, by start: what a
    rota or a coverage check over a period needs, in one query."""
    return list(
        session.exec(
            select(DutyAssignment, Staff)
            .join(Staff, col(Staff.id) == DutyAssignment.staff_id)
            .where(
                DutyAssignment.ward_id == ward_id,
                col(DutyAssignment.duty).in_(duties),
                col(DutyAssignment.starts_at) < ends_at,
                col(DutyAssignment.ends_at) > starts_at,
                col(Staff.active),
            )
            .order_by(col(DutyAssignment.starts_at), col(DutyAssignment.id))
        ).all()
    )


def last_end(
    session: Session, *, ward_id: int, duty: Duty, at_or_before: dt.datetime
) -> dt.datetime | None:
    """When the latest assignment of ``duty`` by active staff that was over by
    ``at_or_before`` ended: where an uncovered stretch running now began."""
    return session.exec(
        select(DutyAssignment.ends_at)
        .join(Staff, col(Staff.id) == DutyAssignment.staff_id)
        .where(
            DutyAssignment.ward_id == ward_id,
            DutyAssignment.duty == duty,
            col(DutyAssignment.ends_at) <= at_or_before,
            col(Staff.active),
        )
        .order_by(col(DutyAssignment.ends_at).desc())
        .limit(1)
    ).first()


def covering(
    session: Session,
    *,
    ward_id: int,
    staff_id: int,
    at: dt.datetime,
    duties: Sequence[Duty] = NURSING,
    lock: bool = False,
) -> Sequence[DutyAssignment]:
    """One person's assignments on a ward covering ``at``, latest end last."""
    query = (
        select(DutyAssignment)
        .where(
            DutyAssignment.ward_id == ward_id,
            col(DutyAssignment.duty).in_(duties),
            col(DutyAssignment.starts_at) <= at,
            DutyAssignment.staff_id == staff_id,
            col(DutyAssignment.ends_at) > at,
        )
        .order_by(col(DutyAssignment.ends_at), col(DutyAssignment.id))
    )
    if lock:
        query = query.with_for_update()
    return session.exec(query).all()


def overlapping(
    session: Session,
    *,
    ward_id: int,
    staff_id: int,
    duty: Duty,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> Sequence[DutyAssignment]:
    """One person's assignments of one duty on a ward that overlap ``[starts_at, ends_at)``."""
    return session.exec(
        select(DutyAssignment)
        .where(
            DutyAssignment.ward_id == ward_id,
            DutyAssignment.duty == duty,
            col(DutyAssignment.starts_at) < ends_at,
            DutyAssignment.staff_id == staff_id,
            col(DutyAssignment.ends_at) > starts_at,
        )
        .order_by(col(DutyAssignment.starts_at))
    ).all()


def upcoming(
    session: Session, *, ward_id: int, ending_after: dt.datetime
) -> list[tuple[DutyAssignment, Staff]]:
    """Every assignment on the ward not yet over (current and planned), by start."""
    return list(
        session.exec(
            select(DutyAssignment, Staff)
            .join(Staff, col(Staff.id) == DutyAssignment.staff_id)
            .where(DutyAssignment.ward_id == ward_id, col(DutyAssignment.ends_at) > ending_after)
            .order_by(col(DutyAssignment.starts_at), col(DutyAssignment.id))
        ).all()
    )


def next_start(
    session: Session, *, staff_id: int, ward_ids: Sequence[int], after: dt.datetime
) -> dt.datetime | None:
    """When this person's next planned shift on these wards begins, if any."""
    if not ward_ids:
        return None
    return session.exec(
        select(DutyAssignment.starts_at)
        .where(
            col(DutyAssignment.ward_id).in_(ward_ids),
            col(DutyAssignment.duty).in_(NURSING),
            col(DutyAssignment.starts_at) > after,
            DutyAssignment.staff_id == staff_id,
        )
        .order_by(col(DutyAssignment.starts_at))
        .limit(1)
    ).first()


def add(session: Session, assignment: DutyAssignment) -> DutyAssignment:
    """Insert and flush, so that the caller has its id."""
    session.add(assignment)
    session.flush()
    return assignment


def _each_once(people: Iterable[Staff]) -> list[Staff]:
    seen: dict[int | None, Staff] = {}
    for staff in people:
        seen.setdefault(staff.id, staff)
    return list(seen.values())


def not_over(
    session: Session, *, staff_id: int, ward_ids: Sequence[int], at: dt.datetime
) -> Sequence[DutyAssignment]:
    """One person's assignments on these wards that are running or planned at ``at`` (every
    duty), locked: what ends when the person leaves."""
    if not ward_ids:
        return []
    return session.exec(
        select(DutyAssignment)
        .where(
            DutyAssignment.staff_id == staff_id,
            col(DutyAssignment.ward_id).in_(ward_ids),
            col(DutyAssignment.ends_at) > at,
        )
        .order_by(col(DutyAssignment.starts_at), col(DutyAssignment.id))
        .with_for_update()
    ).all()
