"""What the ward board adds to each patient: cycle and day, dose, next check, overdue, and
the last CRS grade with its temperature.

Built for many patients at once in a fixed number of queries (plans, their next checks), so
the board costs the same whatever the ward's size in round trips.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical.cadence import cycle_day
from bot.clinical.protocols import Protocol
from storage.models import CheckStatus, PlanStatus, WeightBand
from storage.repositories import checks as checks_repo
from storage.repositories import grades as grades_repo
from storage.repositories import plans as plans_repo


@dataclass(frozen=True)
class BoardInfo:
    protocol: str | None = None
    cycle: int | None = None
    day: int | None = None
    cycle_days: int | None = None
    held: bool = False
    dose: str | None = None
    next_due: dt.datetime | None = None
    in_progress: bool = False
    overdue_minutes: int = 0
    cadence: str | None = None
    """Why the next check is due (`DueKind` value: ward watch, recovery, ...)."""
    cadence_hours: int | None = None
    """The interval of that cadence."""
    crs_grade: int | None = None
    """The last CRS grade recorded in the check round, its temperature and when."""
    temperature_c: float | None = None
    crs_at: dt.datetime | None = None


def board(
    session: Session,
    patient_ids: Sequence[int],
    weight_bands: Mapping[int, WeightBand],
    protocols: Mapping[str, Protocol],
    zone: ZoneInfo,
    now: dt.datetime,
) -> dict[int, BoardInfo]:
    plans = {p.id: plan for plan, p in plans_repo.current_for_patients(session, patient_ids)}
    checks = checks_repo.next_open(session, patient_ids=patient_ids)
    crs = grades_repo.latest_crs_by_patient(session, patient_ids=patient_ids)
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
                cycle_days=protocol.cycle_days if protocol else None,
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
                cadence=check.kind.value,
                cadence_hours=check.cadence_hours,
            )
        if patient_id in crs:
            row = crs[patient_id]
            info = replace(
                info, crs_grade=row.crs_grade, temperature_c=row.temperature_c, crs_at=row.graded_at
            )
        result[patient_id] = info
    return result
