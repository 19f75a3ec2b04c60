"""Staff queries."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.models import Role, Staff, StaffWard, Ward

# Built once, not per update: building a statement and its cache key is CPU spent on every
# update (with the press's load, 0.2 of a press's 0.95 ms; tests/bench/bench_press.py).
_ACTIVE_WITH_WARDS = (
    select(Staff, StaffWard.ward_id)
    .outerjoin(StaffWard, col(StaffWard.staff_id) == Staff.id)
    .where(Staff.telegram_user_id == bindparam("telegram_user_id"), col(Staff.active))
    .order_by(col(StaffWard.ward_id))
)


def active_by_telegram_id(session: Session, telegram_user_id: int) -> Staff | None:
    return session.exec(
        select(Staff).where(Staff.telegram_user_id == telegram_user_id, col(Staff.active))
    ).first()


def ward_ids(session: Session, staff_id: int) -> tuple[int, ...]:
    rows = session.exec(
        select(StaffWard.ward_id)
        .where(StaffWard.staff_id == staff_id)
        .order_by(col(StaffWard.ward_id))
    )
    return tuple(rows)


def active_with_wards(
    session: Session, telegram_user_id: int
) -> tuple[Staff, tuple[int, ...]] | None:
    """The person and their ward ids in one round trip (this runs on every update)."""
    rows = session.exec(_ACTIVE_WITH_WARDS, params={"telegram_user_id": telegram_user_id}).all()
    if not rows:
        return None
    return rows[0][0], tuple(ward_id for _, ward_id in rows if ward_id is not None)


def on_ward_with_role(session: Session, *, ward_id: int, role: Role) -> Sequence[Staff]:
    """Active staff of a ward with a role, oldest enrolment first."""
    return session.exec(
        select(Staff)
        .join(StaffWard, col(StaffWard.staff_id) == Staff.id)
        .where(StaffWard.ward_id == ward_id, Staff.role == role, col(Staff.active))
        .order_by(col(Staff.id))
    ).all()


def by_telegram_id(session: Session, telegram_user_id: int, *, lock: bool = False) -> Staff | None:
    """The account of a Telegram user, active or not."""
    query = select(Staff).where(Staff.telegram_user_id == telegram_user_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def by_id(session: Session, staff_id: int, *, lock: bool = False) -> Staff | None:
    return session.get(Staff, staff_id, with_for_update=lock)


def with_ward_codes(
    session: Session, *, ward_id: int | None = None
) -> list[tuple[Staff, tuple[str, ...]]]:
    """Every account (active or not) with its ward codes, by name; with ``ward_id``, only the
    ward's members. Two queries whatever the number of people."""
    query = select(Staff).order_by(col(Staff.display_name), col(Staff.id))
    if ward_id is not None:
        query = query.join(StaffWard, col(StaffWard.staff_id) == Staff.id).where(
            StaffWard.ward_id == ward_id
        )
    people = list(session.exec(query).all())
    codes: dict[int, list[str]] = {}
    for staff_id, code in session.exec(
        select(StaffWard.staff_id, Ward.code)
        .join(Ward, col(Ward.id) == StaffWard.ward_id)
        .where(col(StaffWard.staff_id).in_([s.id for s in people]))
        .order_by(col(Ward.code))
    ).all():
        codes.setdefault(staff_id, []).append(code)
    return [(s, tuple(codes.get(s.id or 0, ()))) for s in people]


def remove_member(session: Session, *, staff_id: int, ward_id: int) -> bool:
    """Take a member of staff off a ward; False when they were not on it."""
    membership = session.get(StaffWard, (staff_id, ward_id))
    if membership is None:
        return False
    session.delete(membership)
    session.flush()
    return True


def languages(session: Session, staff_ids: Iterable[int]) -> dict[int, str | None]:
    """Each person's language, one query for a batch of outbox rows."""
    rows = session.exec(
        select(Staff.id, Staff.language).where(col(Staff.id).in_(list(staff_ids)))
    ).all()
    return {staff_id: language for staff_id, language in rows if staff_id is not None}
