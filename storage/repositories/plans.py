"""Infusion plans and their events.

A patient's plans are ordered by id: the newest is the one that counts (the scheduler reads
it the same way). At most one of them is current (planned, running or held); the service
keeps it so by ending the previous plan when it creates a new one.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import InfusionEvent, InfusionPlan, Patient, PlanStatus, Staff

CURRENT = (PlanStatus.PLANNED, PlanStatus.RUNNING, PlanStatus.HELD)


def by_id(session: Session, plan_id: int, *, lock: bool = False) -> InfusionPlan | None:
    """``lock`` serialises two people recording on the same plan (PostgreSQL row lock)."""
    query = select(InfusionPlan).where(InfusionPlan.id == plan_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


def latest_for_patient(session: Session, patient_id: int) -> InfusionPlan | None:
    """The patient's newest plan, whatever its status."""
    return session.exec(
        select(InfusionPlan)
        .where(InfusionPlan.patient_id == patient_id)
        .order_by(col(InfusionPlan.id).desc())
        .limit(1)
    ).first()


def current_for_patients(
    session: Session, patient_ids: Sequence[int]
) -> list[tuple[InfusionPlan, Patient]]:
    """Each patient's current plan (planned, running or held), with the patient, in one query."""
    if not patient_ids:
        return []
    rows = session.exec(
        select(InfusionPlan, Patient)
        .join(Patient, col(Patient.id) == InfusionPlan.patient_id)
        .where(
            col(InfusionPlan.patient_id).in_(patient_ids),
            col(InfusionPlan.status).in_(CURRENT),
        )
        .order_by(col(InfusionPlan.id))
    ).all()
    newest = {patient.id: (plan, patient) for plan, patient in rows}  # should there be two
    return list(newest.values())


def current_for_patient(
    session: Session, patient_id: int, *, lock: bool = False
) -> Sequence[InfusionPlan]:
    """Every current plan of one patient (normally none or one), oldest first."""
    query = (
        select(InfusionPlan)
        .where(InfusionPlan.patient_id == patient_id, col(InfusionPlan.status).in_(CURRENT))
        .order_by(col(InfusionPlan.id))
    )
    if lock:
        query = query.with_for_update()
    return session.exec(query).all()


def events_for_plans(
    session: Session, plan_ids: Sequence[int]
) -> dict[int, list[tuple[InfusionEvent, str | None]]]:
    """Each plan's events in time order, with the display name of whoever recorded them."""
    found: dict[int, list[tuple[InfusionEvent, str | None]]] = {i: [] for i in plan_ids}
    if not plan_ids:
        return found
    rows = session.exec(
        select(InfusionEvent, Staff.display_name)
        .outerjoin(Staff, col(Staff.id) == InfusionEvent.recorded_by_id)
        .where(col(InfusionEvent.plan_id).in_(plan_ids))
        .order_by(col(InfusionEvent.at), col(InfusionEvent.id))
    ).all()
    for event, name in rows:
        found[event.plan_id].append((event, name))
    return found


def add_plan(session: Session, plan: InfusionPlan) -> InfusionPlan:
    """Insert and flush, so that the caller has its id."""
    session.add(plan)
    session.flush()
    return plan


def add_event(session: Session, event: InfusionEvent) -> InfusionEvent:
    session.add(event)
    session.flush()
    return event
