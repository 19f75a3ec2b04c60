"""Ward queries, and who belongs to which ward (``staff_ward``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, select

from storage.models import InfusionPlan, Patient, PatientStatus, StaffWard, Ward
from storage.repositories import plans as plans_repo


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


def in_treatment(session: Session) -> Sequence[Ward]:
    """Wards with an admitted patient whose current plan is planned, running or held.

    One EXISTS per ward, which stops at the first such patient (index on the patient's ward
    and status): it costs the same with ten patients or ten thousand.
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


def shift_settings(session: Session) -> list[tuple[int, Mapping[str, Any]]]:
    """Every ward's id and settings (the shift-change times are read from them)."""
    return [
        (ward_id or 0, settings)
        for ward_id, settings in session.exec(select(Ward.id, Ward.settings))
    ]
