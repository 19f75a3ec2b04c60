"""What a nurse can do with a check prompt: start the check, or snooze the reminder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from bot.clock import Clock
from bot.services.checks import CheckRefusal, CheckService, StartResult
from bot.services.errors import RefusedError
from bot.services.patient_refusals import PatientRefusal
from bot.services.schedule import ScheduleRules
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import CheckStatus, Patient, ScheduledCheck, Ward
from storage.repositories import audit

SNOOZE: Final = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Snoozed:
    label: str
    until: dt.datetime


class PromptService:
    def __init__(
        self, db: Database, clock: Clock, checks: CheckService, rules: ScheduleRules
    ) -> None:
        self._db = db
        self._clock = clock
        self._checks = checks
        self._rules = rules

    def start(self, actor: StaffView, check_id: int) -> StartResult:
        """Start (or resume, or be told who holds) the check this prompt asked for;
        ``RefusedError`` when the prompt is not the actor's to answer or its check is done."""
        with self._db.session() as session:
            row = session.get(ScheduledCheck, check_id)
            patient = session.get(Patient, row.patient_id) if row else None
            if row is None or patient is None or patient.ward_id not in actor.ward_ids:
                raise RefusedError(PatientRefusal.UNKNOWN)
            if row.status in (CheckStatus.DONE, CheckStatus.CANCELLED):
                raise RefusedError(CheckRefusal.ALREADY_DONE)
            patient_id = patient.id
        return self._checks.start(
            actor,
            patient_id=patient_id,
            baseline=row.kind == "baseline",
            scheduled_check_id=check_id,
        )

    def snooze(self, actor: StaffView, check_id: int, level: int) -> Snoozed:
        """Delay the nurse's reminder; never the charge nurse's or the physician's alert
        (``RefusedError`` then, and for a prompt that has moved on)."""
        now = self._clock()
        with self._db.session() as session:
            row = session.get(ScheduledCheck, check_id, with_for_update=True)
            patient = session.get(Patient, row.patient_id) if row else None
            if row is None or patient is None or patient.ward_id not in actor.ward_ids:
                raise RefusedError(PatientRefusal.UNKNOWN)
            if row.status is not CheckStatus.PROMPTED or row.reminder_level > level + 1:
                raise RefusedError(CheckRefusal.PROMPT_MOVED_ON)
            if row.reminder_level > 1 or row.next_action_at is None:
                raise RefusedError(CheckRefusal.CANNOT_WAIT)
            settings = self._rules.settings_for(session.get(Ward, patient.ward_id))
            charge_at = row.due_at + dt.timedelta(minutes=settings.alert_charge_minutes)
            # The reminder may wait, up to the charge nurse's alert, which never moves.
            row.next_action_at = min(max(row.next_action_at, now + SNOOZE), charge_at)
            audit.record(
                session,
                at=now,
                action="check.snoozed",
                actor_staff_id=actor.id,
                entity="scheduled_check",
                entity_id=row.id,
                patient_id=patient.id,
                ward_id=patient.ward_id,
                until=row.next_action_at.isoformat(),
            )
            return Snoozed(patient.label, row.next_action_at)
