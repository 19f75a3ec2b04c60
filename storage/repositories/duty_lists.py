"""The nursing duty lists of many wards at once, for a scheduler pass (one query, not one per
ward and due row). Same rules as ``storage.repositories.duty.on_duty`` and ``charge_nurses``:
active staff with an assignment covering ``at``, each once, in the order their assignments
started."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from storage.models import Duty, DutyAssignment, Patient, Staff, Ward
from storage.repositories import duty as duty_repo


@dataclass
class WardDuty:
    """Who is on duty on one ward: nurses and charge nurses, and the charge nurses alone."""

    on_duty: list[Staff] = field(default_factory=list)
    charge_on_duty: list[Staff] = field(default_factory=list)


def nursing_by_ward(
    session: Session, *, ward_ids: Iterable[int], at: dt.datetime
) -> dict[int, WardDuty]:
    """Each ward's nurses and charge nurses on duty at ``at`` (an empty list when none is)."""
    wanted = sorted(set(ward_ids))
    lists = {ward_id: WardDuty() for ward_id in wanted}
    if not wanted:
        return lists
    rows = session.exec(
        select(DutyAssignment.ward_id, DutyAssignment.duty, Staff)
        .join(Staff, col(Staff.id) == DutyAssignment.staff_id)
        .where(
            col(DutyAssignment.ward_id).in_(wanted),
            col(DutyAssignment.duty).in_(duty_repo.NURSING),
            col(DutyAssignment.starts_at) <= at,
            col(DutyAssignment.ends_at) > at,
            col(Staff.active),
        )
        .order_by(col(DutyAssignment.starts_at), col(DutyAssignment.id))
    ).all()
    for ward_id, duty, staff in rows:
        ward = lists[ward_id]
        if all(s.id != staff.id for s in ward.on_duty):
            ward.on_duty.append(staff)
        if duty is Duty.CHARGE_NURSE and all(s.id != staff.id for s in ward.charge_on_duty):
            ward.charge_on_duty.append(staff)
    return lists


def patients_by_id(session: Session, ids: Iterable[int]) -> dict[int, Patient]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found: Sequence[Patient] = session.exec(
        select(Patient).where(col(Patient.id).in_(wanted))
    ).all()
    return {p.id: p for p in found if p.id is not None}


def wards_by_id(session: Session, ids: Iterable[int]) -> dict[int, Ward]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    found: Sequence[Ward] = session.exec(select(Ward).where(col(Ward.id).in_(wanted))).all()
    return {w.id: w for w in found if w.id is not None}
