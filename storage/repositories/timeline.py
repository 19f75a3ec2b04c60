"""The queries of ``/timeline``: a recently discharged patient by label, a page of a patient's
audit rows (keyset paging, newest first), and the display names of the staff a page names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from sqlmodel import Session, col, func, or_, select

from storage.models import AuditLog, Patient, PatientStatus, Staff


def discharged_by_label(
    session: Session, *, ward_ids: Sequence[int], label: str, since: dt.datetime
) -> Patient | None:
    """The latest patient of these wards discharged from ``since`` on with this label
    (case-insensitive)."""
    return session.exec(
        select(Patient)
        .where(
            col(Patient.ward_id).in_(ward_ids),
            Patient.status == PatientStatus.DISCHARGED,
            func.lower(Patient.label) == label.strip().lower(),
            col(Patient.discharged_at) >= since,
        )
        .order_by(col(Patient.discharged_at).desc(), col(Patient.id).desc())
    ).first()


def audit_page(
    session: Session, *, patient_id: int, before_id: int | None, count: int
) -> Sequence[AuditLog]:
    """Newest first by time, then id (rows recorded in one transaction share a time).

    Paging is by keyset on (at, id) so rows added while someone reads never shift a page. A
    cursor that is not this patient's row gives an empty page: it is forged or confused.
    """
    query = select(AuditLog).where(AuditLog.patient_id == patient_id)
    if before_id is not None:
        cursor = session.get(AuditLog, before_id)
        if cursor is None or cursor.patient_id != patient_id:
            return []
        query = query.where(
            or_(
                col(AuditLog.at) < cursor.at,
                (col(AuditLog.at) == cursor.at) & (col(AuditLog.id) < before_id),
            )
        )
    return session.exec(
        query.order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc()).limit(count)
    ).all()


def staff_names(session: Session, *, ids: Collection[int]) -> dict[int, str]:
    """Display names by staff id, in one query."""
    if not ids:
        return {}
    rows = session.exec(select(Staff.id, Staff.display_name).where(col(Staff.id).in_(ids))).all()
    return {staff_id: name for staff_id, name in rows if staff_id is not None}
