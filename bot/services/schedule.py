"""Keeping each patient's next check as a row: the cadence (pure) applied to the database.

A patient has at most one open scheduled check that has not yet been prompted. It is
recomputed in the same transaction as whatever changes the cadence (a submitted check, a
plan event), so a crash can never leave a patient without their next check; ``sweep`` at
start-up repairs anything older code or a crash between transactions left behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.clinical import Tool
from bot.clinical.cadence import DueCheck, PastCheck, PlanEvent, abnormal, next_due
from bot.clinical.protocols import CadenceSettings, Protocol
from bot.clinical.risk import is_high_risk
from bot.clinical.tool import age_on
from bot.protocols import load_protocols
from storage.db import Database
from storage.models import (
    Assessment,
    CheckKind,
    CheckStatus,
    GradeResult,
    InfusionEvent,
    InfusionPlan,
    Patient,
    PatientStatus,
    PlanStatus,
    ScheduledCheck,
    Ward,
)

OPEN_UNSTARTED = (CheckStatus.DUE, CheckStatus.PROMPTED)


class ScheduleRules:
    """The cadence with the ward's overrides and the shipped protocols."""

    def __init__(
        self, protocols: Mapping[str, Protocol], defaults: CadenceSettings, zone: ZoneInfo
    ) -> None:
        self._protocols = protocols
        self._defaults = defaults
        self._zone = zone

    @classmethod
    def shipped(cls, zone: ZoneInfo) -> ScheduleRules:
        """The protocols shipped in bot/protocols and section 10's default cadence."""
        return cls(load_protocols(), CadenceSettings(), zone)

    @property
    def protocols(self) -> Mapping[str, Protocol]:
        return self._protocols

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def settings_for(self, ward: Ward | None) -> CadenceSettings:
        overrides = (ward.settings if ward else {}).get("cadence", {})
        return self._defaults.with_overrides(overrides) if overrides else self._defaults

    def reschedule(self, session: Session, patient: Patient, now: dt.datetime) -> DueCheck | None:
        """Make the patient's open, unprompted check row match the cadence; return what is due."""
        assert patient.id is not None
        due = self._next_due(session, patient, now)
        pending = session.exec(
            select(ScheduledCheck)
            .where(
                ScheduledCheck.patient_id == patient.id,
                col(ScheduledCheck.status).in_((*OPEN_UNSTARTED, CheckStatus.IN_PROGRESS)),
            )
            .with_for_update()
        ).all()
        if any(row.status is not CheckStatus.DUE for row in pending):
            return due  # already asked for or under way: the next is computed when it is done
        if due is None or patient.status is not PatientStatus.ACTIVE:
            for row in pending:
                row.status, row.next_action_at = CheckStatus.CANCELLED, None
            return None
        row = pending[0] if pending else ScheduledCheck(patient_id=patient.id, created_at=now)
        row.due_at, row.kind, row.next_action_at = due.at, CheckKind(due.kind), due.at
        session.add(row)
        return due

    def _next_due(self, session: Session, patient: Patient, now: dt.datetime) -> DueCheck | None:
        plan = session.exec(
            select(InfusionPlan)
            .where(InfusionPlan.patient_id == patient.id)
            .order_by(col(InfusionPlan.id).desc())
        ).first()
        if plan is None or plan.protocol not in self._protocols:
            return None
        events = session.exec(
            select(InfusionEvent)
            .where(InfusionEvent.plan_id == plan.id)
            .order_by(col(InfusionEvent.at))
        ).all()
        age = age_on(patient.date_of_birth, now.astimezone(self._zone).date())
        return next_due(
            protocol=self._protocols[plan.protocol],
            cycle_number=plan.cycle_number,
            starts_at=plan.starts_at,
            events=tuple(PlanEvent(kind=e.kind.value, at=e.at) for e in events),
            checks=self._past_checks(session, patient, plan),
            high_risk=is_high_risk(age, patient.risk_flags),
            settings=self.settings_for(session.get(Ward, patient.ward_id)),
            now=now,
            planned_at=plan.created_at,
        )

    @staticmethod
    def _past_checks(session: Session, patient: Patient, plan: InfusionPlan) -> Sequence[PastCheck]:
        rows = session.exec(
            select(GradeResult, Assessment.is_baseline)
            .join(Assessment, col(Assessment.id) == GradeResult.assessment_id)
            .where(
                GradeResult.patient_id == patient.id,
                col(GradeResult.current),
                col(GradeResult.graded_at) >= plan.starts_at - dt.timedelta(days=7),
            )
            .order_by(col(GradeResult.graded_at))
        ).all()
        baseline = next((grade for grade, is_baseline in rows if is_baseline), None)
        return tuple(
            PastCheck(
                at=grade.graded_at,
                abnormal=abnormal(
                    grade.icans_grade,
                    grade.complete,
                    _score(grade),
                    _score(baseline) if baseline and baseline.tool == grade.tool else None,
                    tool=Tool(grade.tool or Tool.ICE),
                ),
                is_baseline=is_baseline,
            )
            for grade, is_baseline in rows
        )

    def sweep(self, session: Session, now: dt.datetime) -> int:
        """Reschedule every patient with a plan that is not finished (start-up repair)."""
        patients = session.exec(
            select(Patient)
            .join(InfusionPlan, col(InfusionPlan.patient_id) == Patient.id)
            .where(
                Patient.status == PatientStatus.ACTIVE,
                col(InfusionPlan.status).in_(
                    (PlanStatus.PLANNED, PlanStatus.RUNNING, PlanStatus.HELD)
                ),
            )
            .distinct()
        ).all()
        for patient in patients:
            self.reschedule(session, patient, now)
        return len(patients)


def _score(grade: GradeResult) -> int | None:
    return grade.ice_score if grade.tool == Tool.ICE else grade.capd_score


class Rescheduler:
    """Rescheduling as a use case of its own (after a plan change, and the start-up sweep)."""

    def __init__(
        self, db: Database, clock: Callable[[], dt.datetime], rules: ScheduleRules
    ) -> None:
        self._db = db
        self._clock = clock
        self._rules = rules

    def patient_changed(self, patient_id: int) -> None:
        with self._db.session() as session:
            patient = session.get(Patient, patient_id, with_for_update=True)
            if patient is not None:
                self._rules.reschedule(session, patient, self._clock())

    def sweep(self) -> int:
        with self._db.session() as session:
            return self._rules.sweep(session, self._clock())
