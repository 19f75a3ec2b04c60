"""One scheduler pass: claim what is due at ``now`` and act, writing rows before messages.

A scheduled check climbs a ladder (bot/clinical/README.md section 10, ward-configurable):

    level 0 at due         prompt the nurses on duty (the charge nurse when none is)
    level 1 at due + 15'   remind them
    level 2 at due + 30'   alert the charge nurse
    level 3 at due + 60'   alert the physician on call (the charge nurse when none is set)

Each step is one transaction that moves the row to its next level and enqueues the messages
(idempotent keys), so a pass that crashes, runs twice or runs on two instances sends each
message once. Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises writers (transactions begin IMMEDIATE). A pass touches only due rows (an index
on status and next_action_at), however many patients there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session, col

from bot.clinical import ladder
from bot.clinical.ladder import CHARGE, PHYSICIAN, PROMPT, REMIND
from bot.clinical.policy import missed_check_urgency
from bot.clinical.protocols import CadenceSettings
from bot.clock import Clock
from bot.services import escalations, grades, outbox, rota_gaps
from bot.services.due_batch import Batch
from bot.services.schedule import OPEN_UNSTARTED as OPEN
from bot.services.schedule import ScheduleRules
from bot.services.wards import DEFAULT_SHIFT_CHANGES
from storage.db import Database
from storage.models import (
    CheckStatus,
    Patient,
    PatientStatus,
    ScheduledCheck,
)
from storage.repositories import audit, claims
from storage.repositories import due as due_repo
from storage.repositories import duty as duty_repo
from storage.repositories import grades as grades_repo
from storage.repositories import wards as wards_repo

LATE_AFTER: Final = dt.timedelta(minutes=5)
BATCH: Final = 200
SHIFT_BOARD_WINDOW: Final = dt.timedelta(minutes=15)  # a board is news only around the change
RETRY_UNHEARD: Final = dt.timedelta(minutes=1)
INCOMING: Final = dt.timedelta(minutes=1)  # on duty just after the change = the incoming nurses
GAPS_RECHECK: Final = dt.timedelta(hours=1)  # rota gaps looked for at least this often
GAP_HORIZON: Final = rota_gaps.GAP_HORIZON


@dataclass
class PassReport:
    """What one pass did; also what the self-check reports."""

    prompted: int = 0
    reminders: int = 0
    late: int = 0
    messages: int = 0
    nobody_to_tell: list[int] = field(default_factory=list)
    boards: int = 0
    gap_warnings: int = 0


class Runner:
    def __init__(self, db: Database, clock: Clock, rules: ScheduleRules) -> None:
        self._db = db
        self._clock = clock
        self._rules = rules
        self._gaps_next: dt.datetime | None = None  # when to look for rota gaps again
        self._audit_seen = 0

    def run_due(self) -> PassReport:
        """Everything due at ``now``, in bounded batches of one transaction each."""
        now = self._clock()
        report = PassReport()
        while True:
            with self._db.session() as session:
                rows = claims.claim_due(
                    session,
                    ScheduledCheck,
                    due=ScheduledCheck.next_action_at,  # type: ignore[arg-type]
                    now=now,
                    where=(col(ScheduledCheck.status).in_(OPEN),),
                    limit=BATCH,
                )
                batch = Batch(session, rows, now)
                for row in rows:
                    self._advance(batch, row, report)
                batch.flush()
            if len(rows) < BATCH:
                break
        with self._db.session() as session:
            self._shift_boards(session, now, report)
            if self._gaps_due(session, now):
                report.gap_warnings = rota_gaps.warn_gaps(session, now, self._rules.zone)
        return report

    def _gaps_due(self, session: Session, now: dt.datetime) -> bool:
        """Whether to look for gaps in the on-call rota on this pass: at the first pass; when
        the rota, a plan, a patient or a person changed since the last look (an audit row,
        whoever wrote it: this instance, another, the command line); when the end of a
        primary period comes within the 12-hour horizon with time alone; and at least
        hourly. Not on every pass: the look costs about six statements per ward."""
        seen, newest = self._audit_seen, due_repo.last_audit_id(session)
        changed = newest > seen and due_repo.rota_changed_since(session, after_id=seen)
        self._audit_seen = newest
        if self._gaps_next is not None and now < self._gaps_next and not changed:
            return False
        horizon = now + rota_gaps.GAP_HORIZON
        entering = due_repo.next_primary_end(session, at_or_after=horizon)
        soonest = now + GAPS_RECHECK
        self._gaps_next = soonest if entering is None else min(soonest, entering - GAP_HORIZON)
        if self._gaps_next <= now:
            self._gaps_next = now + dt.timedelta(microseconds=1)  # the next pass, not this
        return True

    def _shift_boards(self, session: Session, now: dt.datetime, report: PassReport) -> None:
        """At a ward's shift change, the incoming nurses get the board (once each).

        Wards sharing shift times share one computation; only a ward inside its window costs
        a query, so an ordinary pass stays cheap however many wards there are.
        """
        by_times: dict[tuple[str, ...], list[int]] = {}
        for ward_id, settings in wards_repo.shift_settings(session):
            times = tuple(settings.get("shift_changes", DEFAULT_SHIFT_CHANGES))
            by_times.setdefault(times, []).append(ward_id)
        for times, ward_ids in by_times.items():
            change = latest_shift_change(times, self._rules.zone, now)
            if change is None or now - change > SHIFT_BOARD_WINDOW:
                continue
            for ward_id in ward_ids:
                self._board_for(session, ward_id, change, now, report)

    @staticmethod
    def _board_for(
        session: Session, ward_id: int, change: dt.datetime, now: dt.datetime, report: PassReport
    ) -> None:
        for staff in duty_repo.on_duty(session, ward_id=ward_id, at=change + INCOMING):
            outbox.enqueue(
                session,
                chat_id=staff.chat_id,
                purpose="ward_board",
                payload={"staff_id": staff.id, "shift_at": change.isoformat()},
                dedupe_key=f"board:{ward_id}:{change.isoformat()}:{staff.id}",
                now=now,
            )
            report.boards += 1

    def _advance(self, batch: Batch, row: ScheduledCheck, report: PassReport) -> None:
        """Act on one row: the levels whose time has come, at most one message per audience.

        After downtime several levels may have fallen due at once: the nurses get one (late)
        prompt rather than a prompt and a reminder seconds apart, and the highest due alert
        goes out in the same pass.
        """
        session, now = batch.session, batch.now
        patient = batch.patient(row)
        assert row.id is not None
        if patient.status is not PatientStatus.ACTIVE:
            row.status, row.next_action_at = CheckStatus.CANCELLED, None
            return
        settings = self._rules.settings_for(batch.ward(patient))
        level = row.reminder_level if row.status is CheckStatus.PROMPTED else PROMPT
        target = ladder.highest_due(level, row.due_at, settings, now)
        if level == PROMPT:
            row.late = now - row.due_at > LATE_AFTER
            if not self._notify(batch, row, patient, PROMPT, report):
                # Nobody on the ward could be told: the prompt is not sent, so it is not
                # "prompted". It stays due and is tried again shortly (and reported each time).
                row.next_action_at = now + RETRY_UNHEARD
                return
            row.status, row.prompted_at = CheckStatus.PROMPTED, now
            report.prompted += 1
            report.late += int(row.late)
        if target == PHYSICIAN:
            report.reminders += 1
            self._escalate(session, row, patient, settings, now)
        elif target >= CHARGE or (target == REMIND and level == REMIND):
            report.reminders += 1
            self._notify(batch, row, patient, target, report)
        row.reminder_level = target + 1
        row.next_action_at = (
            None if target >= PHYSICIAN else ladder.level_at(row.due_at, settings, target + 1)
        )

    @staticmethod
    def _notify(
        batch: Batch, row: ScheduledCheck, patient: Patient, level: int, report: PassReport
    ) -> int:
        """Queue the message for everyone who should hear it; returns how many will."""
        now = batch.now
        recipients = batch.recipients(patient.ward_id, level)
        if not recipients:
            assert row.id is not None
            report.nobody_to_tell.append(row.id)
        for staff in recipients:
            batch.queue(
                staff, _payload(row, patient, level, now), f"check:{row.id}:{level}:{staff.id}"
            )
            report.messages += 1
        audit.record(
            batch.session,
            at=now,
            action=f"check.ladder.{ladder.Level(level).name.lower()}",
            entity="scheduled_check",
            entity_id=row.id,
            patient_id=patient.id,
            ward_id=patient.ward_id,
            recipients=[s.id for s in recipients],
            late=row.late,
        )
        return len(recipients)

    def _escalate(
        self,
        session: Session,
        row: ScheduledCheck,
        patient: Patient,
        settings: CadenceSettings,
        now: dt.datetime,
    ) -> None:
        """An hour without the check: the physician on call is paged through the escalation
        chain (acknowledged, re-paged, backed up), as urgent as the patient it concerns."""
        assert patient.id is not None
        latest = grades_repo.latest(session, patient_id=patient.id)
        latest_grade = grades.from_row(latest).known_grade if latest else None
        since = now - dt.timedelta(hours=settings.missed_seizure_hours)
        recent_seizure = grades_repo.seizure_since(session, patient_id=patient.id, since=since)
        in_episode = self._rules.episode_open(session, patient)
        latest_crs = latest.crs_grade if latest else None
        urgency = missed_check_urgency(
            latest_grade=latest_grade,
            recent_seizure=recent_seizure,
            in_episode=in_episode,
            latest_crs_grade=latest_crs,
        )
        audit.record(
            session,
            at=now,
            action="check.ladder.physician",
            entity="scheduled_check",
            entity_id=row.id,
            patient_id=patient.id,
            ward_id=patient.ward_id,
            late=row.late,
            urgency=urgency.value,
            latest_grade=latest_grade,
            latest_crs_grade=latest_crs,
            recent_seizure=recent_seizure,
            in_episode=in_episode,
        )
        escalations.open_escalation(
            session,
            patient=patient,
            urgency=urgency,
            reasons=[escalations.MISSED_CHECK],
            now=now,
            source=escalations.MISSED_CHECK,
            scheduled_check_id=row.id,
        )


def _payload(
    row: ScheduledCheck, patient: Patient, level: int, now: dt.datetime
) -> dict[str, object]:
    """Facts only; the Telegram layer words them. Ward label only, never a name."""
    return {
        "check_id": row.id,
        "patient_id": patient.id,
        "label": patient.label,
        "kind": row.kind.value,
        "due_at": row.due_at.isoformat(),
        "level": level,
        "late": row.late,
        "minutes_overdue": max(0, int((now - row.due_at).total_seconds() // 60)),
    }


def latest_shift_change(
    times: Sequence[str], zone: ZoneInfo, now: dt.datetime
) -> dt.datetime | None:
    """The most recent shift change at or before ``now`` (today's or yesterday's, local)."""
    local = now.astimezone(zone)
    instants = []
    for day in (local.date(), local.date() - dt.timedelta(days=1)):
        for text in times:
            hour, minute = (int(part) for part in str(text).split(":"))
            at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)
            if at <= now:
                instants.append(at)
    return max(instants, default=None)
