"""Laboratory values (IL-6, CRP, ferritin): recorded in chat or imported from a file, shown
beside the neuro check and never acted on (bot/clinical/README.md section 11).

One transaction per use case; every value recorded is audited. An import is all rows or
none, like the rota's: a file with one bad line changes nothing, and every bad line is named
(``bot.services.csv_import``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical.labs import LabInputError, LabTest, LabValue, normalise
from bot.clock import Clock
from bot.services import csv_import
from bot.services.errors import RefusedError
from bot.services.lab_refusals import LabRefusal, refused
from bot.services.labs_csv import LabFileRefusal, LabRow, parse_labs, sample_time
from bot.services.patient_refusals import PatientRefusal
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import LabResult, Patient
from storage.models import LabTest as StoredLabTest
from storage.repositories import audit
from storage.repositories import labs as labs_repo
from storage.repositories import patients as patients_repo
from storage.repositories import wards as wards_repo

_CLOCK_TIME: Final = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class LabPoint:
    """One sample as it is shown: value in the test's canonical unit."""

    test: LabTest
    value: float
    sampled_at: dt.datetime


@dataclass(frozen=True)
class LabRecorded:
    label: str
    point: LabPoint
    entered: str  # "4.2 mg/dL", when converted


@dataclass(frozen=True)
class LabsImported:
    added: int
    existing: int


def latest(session: Session, patient_id: int) -> tuple[LabPoint, ...]:
    """The newest value of each test, in the order IL-6, CRP, ferritin."""
    rows = labs_repo.latest_each(session, patient_id=patient_id)
    return tuple(_point(rows[t.value]) for t in LabTest if t.value in rows)


def series(session: Session, patient_id: int, since: dt.datetime) -> tuple[LabPoint, ...]:
    return tuple(_point(r) for r in labs_repo.series(session, patient_id=patient_id, since=since))


def _point(row: LabResult) -> LabPoint:
    return LabPoint(LabTest(row.test.value), row.value, row.sampled_at)


class LabService:
    def __init__(self, db: Database, clock: Clock, *, zone: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone

    def find_patient(self, actor: StaffView, label: str) -> tuple[int, str, tuple[LabPoint, ...]]:
        """The patient (id, label) and its latest values; ``RefusedError`` when not on the
        actor's wards."""
        with self._db.session() as session:
            patient = patients_repo.active_by_label(session, ward_ids=actor.ward_ids, label=label)
            if patient is None or patient.id is None:
                raise RefusedError(PatientRefusal.UNKNOWN)
            return patient.id, patient.label, latest(session, patient.id)

    def record(self, actor: StaffView, patient_id: int, test: LabTest, text: str) -> LabRecorded:
        """``text`` is what the nurse typed: ``850``, ``4.2 mg/dL``, ``850 06:30`` or
        ``4.2 mg/dL 2026-11-24 06:30``; the sample time defaults to now. ``RefusedError``
        when it cannot be read, or the patient is not on the actor's wards."""
        now = self._clock()
        try:
            value, sampled = self._parse(test, text, now)
        except LabInputError as error:
            raise refused(error) from error
        with self._db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.ward_id not in actor.ward_ids:
                raise RefusedError(PatientRefusal.UNKNOWN)
            self._add(session, patient, value, sampled, now, source="chat", actor_id=actor.id)
            entered = f"{value.entered_value} {value.entered_unit}"
            return LabRecorded(patient.label, LabPoint(test, value.value, sampled), entered)

    def import_csv(self, text: str, *, dry_run: bool = False) -> LabsImported:
        """Every row in one transaction, or none (RefusedError ``csv.bad_lines`` lists why:
        the rows that parsed are checked against the wards and patients too)."""
        now = self._clock()
        parsed = parse_labs(text, zone=self._zone, now=now)

        def apply(session: Session, row: LabRow) -> bool:
            patient = self._patient_of(session, row)
            if labs_repo.exists(
                session,
                patient_id=patient.id or 0,
                test=row.value.test.value,
                sampled_at=row.sampled_at,
                value=row.value.value,
            ):
                return False
            self._add(session, patient, row.value, row.sampled_at, now, source="import")
            return True

        with self._db.session() as session:
            tally = csv_import.apply_all_or_none(
                session, parsed.rows, apply, dry_run=dry_run, problems=parsed.problems
            )
        return LabsImported(tally.added, tally.existing)

    @staticmethod
    def _patient_of(session: Session, row: LabRow) -> Patient:
        ward = wards_repo.by_code(session, row.ward_code)
        if ward is None or ward.id is None:
            raise RefusedError(LabFileRefusal.NO_WARD, ward=row.ward_code)
        patient = patients_repo.active_by_label(session, ward_ids=[ward.id], label=row.label)
        if patient is None:
            raise RefusedError(LabFileRefusal.NO_PATIENT, label=row.label, ward=ward.code)
        return patient

    def _parse(self, test: LabTest, text: str, now: dt.datetime) -> tuple[LabValue, dt.datetime]:
        words = text.split()
        if not words:
            raise RefusedError(LabRefusal.NO_VALUE)
        unit = words[1] if len(words) > 1 and "/" in words[1] else None
        when = " ".join(words[2:] if unit else words[1:])
        value = normalise(test, words[0], unit)
        return value, self._sample_time(when, now)

    def _sample_time(self, text: str, now: dt.datetime) -> dt.datetime:
        """Empty: now. ``06:30``: the latest such time today or yesterday (hospital time)."""
        if not text:
            return now
        clock = _CLOCK_TIME.match(text)
        if clock:
            local = now.astimezone(self._zone)
            at = local.replace(hour=int(clock[1]), minute=int(clock[2]), second=0, microsecond=0)
            if at > local:
                at -= dt.timedelta(days=1)
            text = at.strftime("%Y-%m-%d %H:%M")
        at_utc = sample_time(text, self._zone, now)
        if isinstance(at_utc, RefusedError):  # not a time, or after now
            raise RefusedError(LabRefusal.SAMPLED_AT, cause=at_utc)
        return at_utc

    @staticmethod
    def _add(
        session: Session,
        patient: Patient,
        value: LabValue,
        sampled_at: dt.datetime,
        now: dt.datetime,
        *,
        source: str,
        actor_id: int | None = None,
    ) -> None:
        row = LabResult(
            patient_id=patient.id or 0,
            test=StoredLabTest(value.test.value),
            value=value.value,
            unit=value.unit,
            entered_value=value.entered_value,
            entered_unit=value.entered_unit,
            sampled_at=sampled_at,
            source=source,
            recorded_by_id=actor_id,
            recorded_at=now,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            at=now,
            action="lab.recorded",
            actor_staff_id=actor_id,
            entity="lab_result",
            entity_id=row.id,
            patient_id=patient.id,
            ward_id=patient.ward_id,
            test=value.test.value,
            value=value.value,
            unit=value.unit,
            entered=f"{value.entered_value} {value.entered_unit}",
            sampled_at=sampled_at.isoformat(),
            source=source,
        )
