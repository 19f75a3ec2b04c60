"""Keeping each patient's next check as a row: the cadence (pure) applied to the database.

A patient has at most one open scheduled check that has not yet been prompted. It is
recomputed in the same transaction as whatever changes the cadence (a submitted check, a
plan event), so a crash can never leave a patient without their next check; ``sweep`` at
start-up repairs anything older code or a crash between transactions left behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical.cadence import DueCheck, PastCheck, PlanEvent, episode, next_due
from bot.clinical.compare import worse_than_baseline
from bot.clinical.protocols import CadenceSettings, Protocol
from bot.clinical.risk import is_high_risk
from bot.clinical.tool import age_on
from bot.clinical.windows import DueKind, plan_windows
from bot.clock import Clock
from bot.protocols import load_protocols
from bot.services.grades import from_row
from storage.db import Database
from storage.models import (
    CheckKind,
    CheckStatus,
    InfusionPlan,
    Patient,
    PatientStatus,
    ScheduledCheck,
    Ward,
)
from storage.repositories import plans as plans_repo
from storage.repositories import schedule as schedule_repo

OPEN_UNSTARTED = (CheckStatus.DUE, CheckStatus.PROMPTED)
LOOKBACK = dt.timedelta(days=7)  # checks before the cycle's start that still count


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
        pending = schedule_repo.open_rows(
            session, patient_id=patient.id, statuses=(*OPEN_UNSTARTED, CheckStatus.IN_PROGRESS)
        )
        if any(row.status is not CheckStatus.DUE for row in pending):
            return due  # already asked for or under way: the next is computed when it is done
        if due is None or patient.status is not PatientStatus.ACTIVE:
            for row in pending:
                row.status, row.next_action_at = CheckStatus.CANCELLED, None
            return None
        row = pending[0] if pending else ScheduledCheck(patient_id=patient.id, created_at=now)
        row.due_at, row.kind, row.next_action_at = due.at, CheckKind(due.kind), due.at
        row.cadence_hours = due.hours
        session.add(row)
        return due

    def _next_due(self, session: Session, patient: Patient, now: dt.datetime) -> DueCheck | None:
        plan = self._latest_plan(session, patient)
        if plan is None or plan.protocol not in self._protocols:
            return None
        events = schedule_repo.plan_events(session, plan_id=plan.id)
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

    def in_intensive_window(self, session: Session, patient: Patient, now: dt.datetime) -> bool:
        """Whether ``now`` falls in one of the plan's intensive windows (hospital days, the
        hours after a step-up or restart): where the check round asks the CRS questions."""
        plan = self._latest_plan(session, patient)
        if plan is None or plan.protocol not in self._protocols:
            return False
        events = schedule_repo.plan_events(session, plan_id=plan.id)
        age = age_on(patient.date_of_birth, now.astimezone(self._zone).date())
        windows = plan_windows(
            self._protocols[plan.protocol],
            plan.cycle_number,
            plan.starts_at,
            tuple(PlanEvent(kind=e.kind.value, at=e.at) for e in events),
            self.settings_for(session.get(Ward, patient.ward_id)),
            is_high_risk(age, patient.risk_flags),
        )
        return any(w.kind is DueKind.INTENSIVE and w.start <= now < w.end for w in windows)

    def episode_open(self, session: Session, patient: Patient) -> bool:
        """Whether the patient is in an abnormal episode (hourly checks) right now."""
        plan = self._latest_plan(session, patient)
        if plan is None:
            return False
        settings = self.settings_for(session.get(Ward, patient.ward_id))
        past = self._past_checks(session, patient, plan)
        return episode(past, settings.normal_checks_to_relax).open

    @staticmethod
    def _latest_plan(session: Session, patient: Patient) -> InfusionPlan | None:
        return plans_repo.latest_for_patient(session, patient.id or 0)

    @staticmethod
    def _past_checks(session: Session, patient: Patient, plan: InfusionPlan) -> Sequence[PastCheck]:
        """The patient's graded checks, each judged against the latest baseline before it.

        An event between checks (a seizure, new weakness, an imaging finding) that is worse
        than the baseline counts as an abnormal check: it starts hourly checks at once. Other
        events are left out, since no ICE was done and the interval counts from real checks.
        """
        rows = schedule_repo.graded_since(
            session, patient_id=patient.id, since=plan.starts_at - LOOKBACK
        )
        checks = []
        baseline = None
        for grade, is_baseline in rows:
            result = from_row(grade)
            if is_baseline:
                baseline = result
            worse = worse_than_baseline(result, baseline)
            if grade.assessment_id is None and worse is not True:
                continue  # an event that shows nothing worse is not a check
            checks.append(
                PastCheck(at=grade.graded_at, abnormal=worse, is_baseline=bool(is_baseline))
            )
        return tuple(checks)

    def sweep(self, session: Session, now: dt.datetime) -> int:
        """Reschedule every admitted patient with a plan (start-up repair).

        Finished plans are included: the ward watch goes on after a stop or the end of a
        cycle while the patient is admitted, and an open episode has no end in time.
        """
        patients = schedule_repo.admitted_with_plans(session)
        for patient in patients:
            self.reschedule(session, patient, now)
        return len(patients)


class Rescheduler:
    """Rescheduling as a use case of its own (after a plan change, and the start-up sweep)."""

    def __init__(self, db: Database, clock: Clock, rules: ScheduleRules) -> None:
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
