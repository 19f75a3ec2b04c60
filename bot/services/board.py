"""What the ward board adds to each patient: cycle and day, dose, next check, overdue.

Built for many patients at once in a fixed number of queries (plans, their next checks), so
the board costs the same whatever the ward's size in round trips.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.clinical.cadence import cycle_day
from bot.clinical.protocols import Protocol
from storage.models import CheckStatus, PlanStatus, ScheduledCheck, WeightBand
from storage.repositories import plans as plans_repo

OPEN = (CheckStatus.DUE, CheckStatus.PROMPTED, CheckStatus.IN_PROGRESS)


@dataclass(frozen=True)
class BoardInfo:
    protocol: str | None = None
    cycle: int | None = None
    day: int | None = None
    held: bool = False
    dose: str | None = None
    next_due: dt.datetime | None = None
    in_progress: bool = False
    overdue_minutes: int = 0


def board(
    session: Session,
    patient_ids: Sequence[int],
    weight_bands: Mapping[int, WeightBand],
    protocols: Mapping[str, Protocol],
    zone: ZoneInfo,
    now: dt.datetime,
) -> dict[int, BoardInfo]:
    plans = {p.id: plan for plan, p in plans_repo.current_for_patients(session, patient_ids)}
    checks: dict[int, ScheduledCheck] = {}
    for row in session.exec(
        select(ScheduledCheck)
        .where(
            col(ScheduledCheck.patient_id).in_(patient_ids), col(ScheduledCheck.status).in_(OPEN)
        )
        .order_by(col(ScheduledCheck.due_at))
    ):
        checks.setdefault(row.patient_id, row)
    result = {}
    for patient_id in patient_ids:
        plan, check = plans.get(patient_id), checks.get(patient_id)
        info = BoardInfo()
        if plan is not None:
            day = cycle_day(plan.starts_at, now, zone) if plan.starts_at <= now else None
            protocol = protocols.get(plan.protocol)
            dose = None
            running = plan.status is PlanStatus.RUNNING
            if protocol and day and running and day <= protocol.cycle_days:
                under_45 = weight_bands.get(patient_id) is WeightBand.UNDER_45KG
                dose = protocol.dose_on(plan.cycle_number, day, under_45kg=under_45)
            info = BoardInfo(
                protocol=plan.protocol,
                cycle=plan.cycle_number,
                day=day,
                held=plan.status is PlanStatus.HELD,
                dose=dose,
            )
        if check is not None:
            overdue = max(0, int((now - check.due_at).total_seconds() // 60))
            started = check.status is CheckStatus.IN_PROGRESS
            info = replace(
                info,
                next_due=check.due_at,
                in_progress=started,
                overdue_minutes=0 if started else overdue,
            )
        result[patient_id] = info
    return result
