"""Patients: admit, list and discharge, always within the wards of the person asking.

The fields people type are checked in ``bot.services.patient_fields`` (no record numbers in
labels or flags); the views are ``bot.services.patient_views``. Refusals are
``RefusedError`` with a ``patient.*`` or ``ward.*`` code, worded by ``bot.telegram.words``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical.protocols import Protocol
from bot.clinical.tool import age_on
from bot.clock import Clock
from bot.services import escalations
from bot.services.board import board
from bot.services.errors import RefusedError
from bot.services.patient_fields import (
    MAX_AGE_YEARS,
    clean_flags,
    clean_label,
    parse_date_of_birth,
    parse_weight_band,
    uses_capd,
)
from bot.services.patient_lookup import active_patient, named_ward
from bot.services.patient_refusals import PatientRefusal
from bot.services.patient_views import (
    DischargeView,
    GradeView,
    PatientList,
    PatientView,
    natural,
    patient_view,
)
from bot.services.schedule import OPEN_UNSTARTED
from bot.services.wards import normalise_code
from storage.db import Database
from storage.models import (
    AssessmentStatus,
    CheckStatus,
    Patient,
    PatientStatus,
    Role,
    Ward,
    WeightBand,
)
from storage.repositories import audit
from storage.repositories import patients as patients_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

__all__ = [
    "ADMIT_ROLES",
    "DISCHARGE_ROLES",
    "DischargeView",
    "GradeView",
    "PatientList",
    "PatientService",
    "PatientView",
    "clean_flags",
    "clean_label",
    "parse_date_of_birth",
    "parse_weight_band",
    "uses_capd",
]

ADMIT_ROLES = frozenset({Role.NURSE, Role.CHARGE_NURSE, Role.PHYSICIAN, Role.ADMIN})
DISCHARGE_ROLES = ADMIT_ROLES


class PatientService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        zone: ZoneInfo | None = None,
        protocols: Mapping[str, Protocol] | None = None,
    ) -> None:
        self._protocols = protocols or {}
        self._db = db
        self._clock = clock
        self._zone = zone or ZoneInfo("UTC")

    def _today(self, now: dt.datetime) -> dt.date:
        """Ages turn over at midnight on the ward, not in UTC."""
        return now.astimezone(self._zone).date()

    def admit(
        self,
        *,
        ward_code: str | None,
        label: str,
        date_of_birth: str | dt.date,
        weight_band: str | WeightBand,
        risk_flags: Sequence[str] = (),
        actor_staff_id: int | None = None,
    ) -> PatientView:
        """Admit a patient to a ward, after validating every field.

        Without ``actor_staff_id`` the operator admits (command line, ward required). With
        it, the actor must have an admitting role on that ward; ``ward_code`` may be None
        when they have exactly one ward.
        """
        label = clean_label(label)
        dob = (
            date_of_birth
            if isinstance(date_of_birth, dt.date)
            else parse_date_of_birth(date_of_birth)
        )
        band = parse_weight_band(weight_band)
        flags = clean_flags(risk_flags)
        now = self._clock()
        today = self._today(now)
        if dob > today:
            raise RefusedError(PatientRefusal.DATE_FUTURE, dob=dob)
        if age_on(dob, today) > MAX_AGE_YEARS:
            raise RefusedError(PatientRefusal.DATE_TOO_OLD, dob=dob, max_age=MAX_AGE_YEARS)
        with self._db.session() as session:
            ward = self._admission_ward(session, ward_code, actor_staff_id)
            assert ward.id is not None
            if patients_repo.active_by_label(session, ward_ids=[ward.id], label=label):
                raise RefusedError(PatientRefusal.LABEL_IN_USE, ward=ward.code, label=label)
            patient = patients_repo.add(
                session,
                patient=Patient(
                    ward_id=ward.id,
                    label=label,
                    date_of_birth=dob,
                    weight_band=band,
                    risk_flags=list(flags),
                    use_capd=uses_capd(flags),
                    admitted_at=now,
                ),
            )
            audit.record(
                session,
                at=now,
                action="patient.admitted",
                actor_staff_id=actor_staff_id,
                entity="patient",
                entity_id=patient.id,
                patient_id=patient.id,
                ward_id=ward.id,
                label=label,
                weight_band=band.value,
                risk_flags=list(flags),
                via="cli" if actor_staff_id is None else "chat",
            )
            return patient_view(patient, ward.code, None, today)

    def list_for_staff(self, actor_staff_id: int) -> PatientList:
        """The active patients of the actor's wards, with their latest grade."""
        with self._db.session() as session:
            ward_ids = staff_repo.ward_ids(session, actor_staff_id)
            return PatientList(
                ward_codes=tuple(w.code for w in wards_repo.by_ids(session, ward_ids)),
                patients=self._list(session, ward_ids),
            )

    def get(self, actor_staff_id: int, patient_id: int) -> PatientView:
        """A patient (active or discharged) of the actor's wards."""
        with self._db.session() as session:
            ward_ids = staff_repo.ward_ids(session, actor_staff_id)
            patient = patients_repo.by_id(session, patient_id)
            if patient is None or patient.ward_id not in ward_ids:
                raise RefusedError(PatientRefusal.NOT_ON_WARD)
            ward = wards_repo.by_id(session, patient.ward_id)
            assert ward is not None
            return patient_view(patient, ward.code, None, self._today(self._clock()))

    def list_active(self, ward_code: str | None = None) -> tuple[PatientView, ...]:
        """For the operator: the active patients of one ward, or of every ward."""
        with self._db.session() as session:
            if ward_code is None:
                ward_ids = [w.id for w in wards_repo.all_wards(session) if w.id is not None]
            else:
                ward = named_ward(session, ward_code)
                assert ward.id is not None
                ward_ids = [ward.id]
            return self._list(session, ward_ids)

    def find_for_discharge(
        self, actor_staff_id: int, label: str, ward_code: str | None = None
    ) -> PatientView:
        """The active patient with this label on the actor's wards (or on ``ward_code``).

        A patient of another ward gets the same answer as one that does not exist.
        """
        with self._db.session() as session:
            ward_ids = self._actor_ward_ids(session, actor_staff_id, DISCHARGE_ROLES, "discharge")
            wards = {w.id: w for w in wards_repo.by_ids(session, ward_ids) if w.id is not None}
            if ward_code is not None:
                wanted = normalise_code(ward_code)
                wards = {i: w for i, w in wards.items() if w.code == wanted}
            patient = active_patient(
                session,
                wards=wards,
                label=label,
                command="discharge",
                unknown=PatientRefusal.NOT_ON_WARD,
            )
            today = self._today(self._clock())
            return patient_view(patient, wards[patient.ward_id].code, None, today)

    def discharge(self, actor_staff_id: int, patient_id: int) -> DischargeView:
        """Discharge once; a repeated (stale, doubled) request changes nothing."""
        now = self._clock()
        with self._db.session() as session:
            ward_ids = self._actor_ward_ids(session, actor_staff_id, DISCHARGE_ROLES, "discharge")
            patient = patients_repo.by_id(session, patient_id, lock=True)
            if patient is None or patient.ward_id not in ward_ids:
                raise RefusedError(PatientRefusal.NOT_ON_WARD)
            ward = wards_repo.by_id(session, patient.ward_id)
            assert ward is not None
            already = patient.status == PatientStatus.DISCHARGED
            cancelled: tuple[tuple[int, int, str | None], ...] = ()
            if not already:
                patient.status, patient.discharged_at = PatientStatus.DISCHARGED, now
                session.add(patient)
                audit.record(
                    session,
                    at=now,
                    action="patient.discharged",
                    actor_staff_id=actor_staff_id,
                    entity="patient",
                    entity_id=patient.id,
                    patient_id=patient.id,
                    ward_id=patient.ward_id,
                    label=patient.label,
                )
                cancelled = self._stop_monitoring(session, patient, actor_staff_id, now)
            view = patient_view(patient, ward.code, None, self._today(now))
            return DischargeView(
                patient=view,
                already_discharged=already,
                alert_open=bool(escalations.live_for_patient(session, patient.id or 0)),
                cancelled_questions=cancelled,
            )

    # -- helpers ------------------------------------------------------------------------

    @staticmethod
    def _stop_monitoring(
        session: Session, patient: Patient, actor_staff_id: int, now: dt.datetime
    ) -> tuple[tuple[int, int, str | None], ...]:
        """Nothing is asked of the ward for a discharged patient any more. In the discharge's
        transaction, so that no prompt, reminder or page follows it: checks due or started
        are cancelled (a started one is never submitted later) and an alert for a missed
        check is closed. Alerts about findings go on until acknowledged. Returns where the
        cancelled checks' questions are shown, to take their buttons away, and the language of
        the nurse whose check it was."""
        assert patient.id is not None
        for due in patients_repo.checks_to_cancel(
            session,
            patient_id=patient.id,
            statuses=(*OPEN_UNSTARTED, CheckStatus.IN_PROGRESS),
        ):
            due.status, due.next_action_at = CheckStatus.CANCELLED, None
        escalations.close_missed_checks_on_discharge(session, patient.id, now)
        open_checks = patients_repo.checks_in_progress(session, patient_id=patient.id)
        for assessment in open_checks:
            assessment.status = AssessmentStatus.CANCELLED
            assessment.version += 1
            assessment.updated_at = now
            audit.record(
                session,
                at=now,
                action="check.cancelled",
                actor_staff_id=actor_staff_id,
                entity="assessment",
                entity_id=assessment.id,
                patient_id=patient.id,
                ward_id=patient.ward_id,
                reason="patient discharged",
            )
        holders = {a.holder_id for a in open_checks}
        spoken = staff_repo.languages(session, holders) if holders else {}
        return tuple(
            (a.chat_id, a.message_id, spoken.get(a.holder_id))
            for a in open_checks
            if a.chat_id is not None and a.message_id is not None
        )

    def _list(self, session: Session, ward_ids: Sequence[int]) -> tuple[PatientView, ...]:
        codes = {w.id: w.code for w in wards_repo.by_ids(session, ward_ids)}
        patients = patients_repo.active_in_wards(session, ward_ids)
        grades = patients_repo.latest_current_grades(
            session, [p.id for p in patients if p.id is not None]
        )
        now = self._clock()
        today = self._today(now)
        info = board(
            session,
            [p.id or 0 for p in patients],
            {p.id or 0: p.weight_band for p in patients},
            self._protocols,
            self._zone,
            now,
        )
        views = [
            replace(
                patient_view(p, codes[p.ward_id], grades.get(p.id or 0), today),
                board=info.get(p.id or 0),
            )
            for p in patients
        ]
        return tuple(sorted(views, key=lambda v: (v.ward_code, natural(v.label))))

    def _actor_ward_ids(
        self, session: Session, actor_staff_id: int, roles: frozenset[Role], action: str
    ) -> tuple[int, ...]:
        actor = staff_repo.by_id(session, actor_staff_id)
        if actor is None or not actor.active or actor.role not in roles:
            raise RefusedError(PatientRefusal.NOT_ALLOWED, action=action)
        return staff_repo.ward_ids(session, actor_staff_id)

    def _admission_ward(
        self, session: Session, ward_code: str | None, actor_staff_id: int | None
    ) -> Ward:
        """The ward to admit to, locked so that admissions to one ward serialise."""
        if actor_staff_id is None:
            return named_ward(session, ward_code, lock=True)
        actor_wards = self._actor_ward_ids(session, actor_staff_id, ADMIT_ROLES, "admit")
        own = wards_repo.by_ids(session, actor_wards)
        if not own:
            raise RefusedError(PatientRefusal.NO_WARD)
        if ward_code is None:
            if len(own) > 1:
                raise RefusedError(PatientRefusal.WARD_CHOICE, wards=tuple(w.code for w in own))
            chosen = own[0]
        else:
            wanted = normalise_code(ward_code)
            matching = [w for w in own if w.code == wanted]
            if not matching:
                raise RefusedError(
                    PatientRefusal.NOT_YOUR_WARD, ward=wanted, own=tuple(w.code for w in own)
                )
            chosen = matching[0]
        assert chosen.id is not None
        locked = wards_repo.by_id(session, chosen.id, lock=True)
        assert locked is not None
        return locked
