"""A patient's recent checks and events, with the current and the worst grade (section 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from bot.clinical import IcansResult, Seizure
from bot.services import grades
from bot.services.checks import NO_PATIENT, Rejected
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    Assessment,
    ClinicalEvent,
    ClinicalEventKind,
    GradeResult,
    Staff,
)
from storage.repositories import patients as patients_repo


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    result: IcansResult
    by: str
    is_baseline: bool = False
    event: str | None = None  # the finding, for an event between checks


@dataclass(frozen=True)
class History:
    label: str
    rows: Sequence[HistoryRow]
    worst_grade: int | None  # never goes down: the episode's highest (known) grade
    seizure_events: int
    checks_with_seizure: int


class HistoryService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def history(self, actor: StaffView, label: str, limit: int = 10) -> History | Rejected:
        with self._db.session() as session:
            patient = patients_repo.active_by_label(session, ward_ids=actor.ward_ids, label=label)
            if patient is None or patient.id is None:
                return Rejected(NO_PATIENT)
            rows = session.exec(
                select(GradeResult)
                .where(GradeResult.patient_id == patient.id, col(GradeResult.current))
                .order_by(col(GradeResult.graded_at).desc(), col(GradeResult.id).desc())
                .limit(limit)
            ).all()
            return History(
                label=patient.label,
                rows=[self._row(session, row) for row in rows],
                worst_grade=session.exec(
                    select(func.max(GradeResult.icans_grade)).where(
                        GradeResult.patient_id == patient.id, col(GradeResult.current)
                    )
                ).one(),
                seizure_events=session.exec(
                    select(func.count()).where(
                        ClinicalEvent.patient_id == patient.id,
                        ClinicalEvent.kind == ClinicalEventKind.SEIZURE,
                    )
                ).one(),
                checks_with_seizure=session.exec(
                    select(func.count()).where(
                        GradeResult.patient_id == patient.id,
                        col(GradeResult.current),
                        col(GradeResult.assessment_id).is_not(None),
                        GradeResult.recorded_seizure != Seizure.NONE.value,
                    )
                ).one(),
            )

    @staticmethod
    def _row(session: Session, row: GradeResult) -> HistoryRow:
        if row.event_id is not None:
            event = session.get(ClinicalEvent, row.event_id)
            assert event is not None
            staff = session.get(Staff, event.reported_by_id)
            return HistoryRow(
                row.graded_at,
                grades.from_row(row),
                staff.display_name if staff else "?",
                event=str(event.detail.get("finding")),
            )
        assessment = session.get(Assessment, row.assessment_id)
        staff = session.get(Staff, assessment.holder_id) if assessment else None
        return HistoryRow(
            row.graded_at,
            grades.from_row(row),
            staff.display_name if staff else "?",
            is_baseline=bool(assessment and assessment.is_baseline),
        )
