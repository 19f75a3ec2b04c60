"""Events between checks: a seizure, new weakness or an imaging result, graded at once.

Each report is one ``clinical_event`` row (each seizure counts: the blinatumomab label stops
treatment for good after more than one) plus a ``grade_result`` for it. Without an ICE the
grade is a lower bound ("at least grade 3"), which is exactly what is known. The report is
keyed by the message it was confirmed on, so a doubled press records one event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from bot.clinical import (
    Assessment,
    IcansResult,
    IcpFinding,
    MotorFinding,
    Seizure,
    Triggers,
    escalation,
    grade_icans,
    select_tool,
)
from bot.clock import Clock
from bot.services import escalations, grades
from bot.services.errors import RefusalCode, RefusedError
from bot.services.patient_refusals import PatientRefusal
from bot.services.schedule import ScheduleRules
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import ClinicalEvent, ClinicalEventKind, Patient, PatientStatus
from storage.repositories import audit
from storage.repositories import events as events_repo
from storage.repositories import patients as patients_repo


class EventRefusal(RefusalCode):
    UNKNOWN_FINDING = "event.unknown_finding"
    """A finding code this bot does not record (a forged or outdated button)."""


# Finding code (as carried by the button) -> (event kind, what it adds to the assessment).
FINDINGS: Final[Mapping[str, ClinicalEventKind]] = {
    **{f"seizure.{s.value}": ClinicalEventKind.SEIZURE for s in Seizure if s is not Seizure.NONE},
    f"motor.{MotorFinding.FOCAL_WEAKNESS.value}": ClinicalEventKind.WEAKNESS,
    **{f"icp.{i.value}": ClinicalEventKind.IMAGING for i in IcpFinding},
}


@dataclass(frozen=True)
class EventReport:
    event_id: int
    label: str
    finding: str
    at: dt.datetime
    result: IcansResult
    triggers: Triggers
    duplicate: bool = False


class EventService:
    def __init__(self, db: Database, clock: Clock, zone: ZoneInfo, rules: ScheduleRules) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self._rules = rules

    def find_patient(self, actor: StaffView, label: str) -> tuple[int, str] | None:
        """(id, label) of a patient on the actor's wards, matched case-insensitively."""
        with self._db.session() as session:
            patient = patients_repo.active_by_label(session, ward_ids=actor.ward_ids, label=label)
            return (patient.id, patient.label) if patient and patient.id else None

    def patient_label(self, actor: StaffView, patient_id: int) -> str | None:
        with self._db.session() as session:
            patient = _visible(patients_repo.by_id(session, patient_id), actor)
            return patient.label if patient else None

    def was_reported(self, source_key: str) -> bool:
        """Whether an event was confirmed on that message (a replayed confirmation)."""
        with self._db.session() as session:
            return events_repo.by_source(session, source_key=source_key) is not None

    def report(
        self, actor: StaffView, patient_id: int, finding: str, source_key: str
    ) -> EventReport:
        """Record and grade the finding, or refuse (``event.unknown_finding``, or
        ``patient.unknown`` for a patient the actor may not see)."""
        if finding not in FINDINGS:
            raise RefusedError(EventRefusal.UNKNOWN_FINDING)
        now = self._clock()
        with self._db.session() as session:
            patient = _visible(patients_repo.by_id(session, patient_id, lock=True), actor)
            if patient is None or patient.id is None:
                raise RefusedError(PatientRefusal.UNKNOWN)
            existing = events_repo.by_source(session, source_key=source_key)
            result = grade_icans(self._assessment(patient, finding, now))
            previous = grades.previous_check(session, patient.id)
            baseline = grades.baseline_check(session, patient)
            triggers = escalation(
                baseline.result if baseline else None,
                previous.result if previous else None,
                result,
            )
            if existing is not None and existing.id is not None:
                return EventReport(
                    existing.id,
                    patient.label,
                    finding,
                    existing.reported_at,
                    result,
                    triggers,
                    duplicate=True,
                )
            event = ClinicalEvent(
                patient_id=patient.id,
                kind=FINDINGS[finding],
                detail={"finding": finding},
                occurred_at=now,
                reported_by_id=actor.id,
                reported_at=now,
                source_key=source_key,
            )
            session.add(event)
            session.flush()
            assert event.id is not None
            grade_row = grades.to_row(result, patient_id=patient.id, at=now, event_id=event.id)
            session.add(grade_row)
            session.flush()
            escalations.escalate(
                session, patient, triggers, now, source="event", grade_result_id=grade_row.id
            )
            self._rules.reschedule(session, patient, now)  # a seizure means hourly checks now
            audit.record(
                session,
                at=now,
                action="event.reported",
                actor_staff_id=actor.id,
                entity="clinical_event",
                entity_id=event.id,
                patient_id=patient.id,
                ward_id=patient.ward_id,
                finding=finding,
                icans_grade=result.icans_grade,
                urgency=triggers.urgency.value,
                reasons=[r.value for r in triggers.reasons],
                grade_result_id=grade_row.id,
            )
            return EventReport(event.id, patient.label, finding, now, result, triggers)

    def _assessment(self, patient: Patient, finding: str, now: dt.datetime) -> Assessment:
        """Only the reported finding is known; no ICE was done (so the result is incomplete)."""
        domain, _, value = finding.partition(".")
        tool = select_tool(
            on=now.astimezone(self._zone).date(),
            date_of_birth=patient.date_of_birth,
            developmental_delay=patient.use_capd,
        )
        return Assessment(
            tool=tool,
            seizure=Seizure(value) if domain == "seizure" else Seizure.NONE,
            motor=frozenset({MotorFinding(value)}) if domain == "motor" else frozenset(),
            icp=frozenset({IcpFinding(value)}) if domain == "icp" else frozenset(),
        )


def _visible(patient: Patient | None, actor: StaffView) -> Patient | None:
    if patient is None or patient.ward_id not in actor.ward_ids:
        return None
    return patient if patient.status is PatientStatus.ACTIVE else None
