"""Ward queries, and who belongs to which ward (``staff_ward``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import StaffWard, Ward


def by_code(session: Session, code: str, *, lock: bool = False) -> Ward | None:
    """Codes are stored upper-case; ``lock`` serialises writers on that ward (PostgreSQL)."""
    query = select(Ward).where(Ward.code == code.strip().upper())
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def by_id(session: Session, ward_id: int, *, lock: bool = False) -> Ward | None:
    query = select(Ward).where(Ward.id == ward_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def by_ids(session: Session, ward_ids: Sequence[int]) -> Sequence[Ward]:
    if not ward_ids:
        return []
    return session.exec(
        select(Ward).where(col(Ward.id).in_(ward_ids)).order_by(col(Ward.code))
    ).all()


def all_wards(session: Session) -> Sequence[Ward]:
    return session.exec(select(Ward).order_by(col(Ward.code))).all()


def add(session: Session, *, code: str, name: str) -> Ward:
    """Insert a ward and flush, so that the caller has its id."""
    ward = Ward(code=code, name=name)
    session.add(ward)
    session.flush()
    return ward


def add_member(session: Session, *, staff_id: int, ward_id: int) -> bool:
    """Put a member of staff on a ward; False when they already were."""
    if session.get(StaffWard, (staff_id, ward_id)) is not None:
        return False
    session.add(StaffWard(staff_id=staff_id, ward_id=ward_id))
    session.flush()
    return True
