"""A patient's recent checks and events, with the current and the worst grade (section 6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from bot.clinical import IcansResult
from bot.clock import Clock
from bot.services import grades, labs
from bot.services.errors import RefusedError
from bot.services.labs import LabPoint
from bot.services.patient_refusals import PatientRefusal
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    Assessment,
    ClinicalEvent,
    GradeResult,
    Staff,
)
from storage.repositories import history as history_repo
from storage.repositories import patients as patients_repo

CHART_DAYS = 14


@dataclass(frozen=True)
class ChartPoint:
    """One current grade (a check or an event) for the chart. ``score`` is the ICE or CAPD
    score of ``tool`` (None when not scored); ``grade`` is a floor when not ``complete``."""

    at: dt.datetime
    tool: str
    score: int | None
    grade: int | None
    complete: bool


@dataclass(frozen=True)
class ChartEvent:
    """An infusion event (``InfusionEventKind`` value) for the chart."""

    at: dt.datetime
    kind: str


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    result: IcansResult
    by: str
    is_baseline: bool = False
    event: str | None = None  # the finding, for an event between checks
    crs_grade: int | None = None  # when the check asked the CRS questions
    temperature_c: float | None = None


@dataclass(frozen=True)
class History:
    label: str
    rows: Sequence[HistoryRow]
    worst_grade: int | None  # never goes down: the episode's highest (known) grade
    seizure_events: int
    checks_with_seizure: int
    # The last CHART_DAYS days, oldest first: current grades and the plans' infusion events.
    points: Sequence[ChartPoint] = ()
    infusion_events: Sequence[ChartEvent] = ()
    labs: Sequence[LabPoint] = ()  # the chart's laboratory values, oldest first
    latest_labs: Sequence[LabPoint] = ()  # the newest of each test, whenever sampled


class HistoryService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def history(self, actor: StaffView, label: str, limit: int = 10) -> History:
        """``RefusedError`` when the patient is not on the actor's wards."""
        with self._db.session() as session:
            patient = patients_repo.active_by_label(session, ward_ids=actor.ward_ids, label=label)
            if patient is None or patient.id is None:
                raise RefusedError(PatientRefusal.UNKNOWN)
            since = self._clock() - dt.timedelta(days=CHART_DAYS)
            rows = history_repo.current_grades(session, patient_id=patient.id, limit=limit)
            return History(
                label=patient.label,
                rows=[self._row(session, row) for row in rows],
                worst_grade=history_repo.worst_grade(session, patient_id=patient.id),
                seizure_events=history_repo.seizure_events(session, patient_id=patient.id),
                checks_with_seizure=history_repo.checks_with_seizure(
                    session, patient_id=patient.id
                ),
                points=self.chart_points(session, patient.id, since),
                infusion_events=self.infusion_events(session, patient.id, since),
                labs=labs.series(session, patient.id, since),
                latest_labs=labs.latest(session, patient.id),
            )

    @staticmethod
    def chart_points(session: Session, patient_id: int, since: dt.datetime) -> list[ChartPoint]:
        points = []
        for row in history_repo.grades_since(session, patient_id=patient_id, since=since):
            tool = row.tool or "ice"
            points.append(
                ChartPoint(
                    at=row.graded_at,
                    tool=tool,
                    score=row.capd_score if tool == "capd" else row.ice_score,
                    grade=row.icans_grade,
                    complete=row.complete,
                )
            )
        return points

    @staticmethod
    def infusion_events(session: Session, patient_id: int, since: dt.datetime) -> list[ChartEvent]:
        rows = history_repo.infusion_events_since(session, patient_id=patient_id, since=since)
        return [ChartEvent(at=e.at, kind=str(e.kind)) for e in rows]

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
            crs_grade=row.crs_grade,
            temperature_c=row.temperature_c,
        )
