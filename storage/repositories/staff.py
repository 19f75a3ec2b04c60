"""Staff queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.models import Role, Staff, StaffWard

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
