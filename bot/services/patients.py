"""Patients: admit, list and discharge, always within the wards of the person asking.

A patient is known to Telegram only by a ward label (bed, initials or study code). The
checks here are the last line against real identifiers leaking into chats: a label or flag
with six or more digits in a row looks like a record number and is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.clinical.protocols import Protocol
from bot.clinical.risk import is_high_risk
from bot.clinical.tool import age_on
from bot.services import escalations
from bot.services.board import BoardInfo, board
from bot.services.errors import LegacyRefusedError
from bot.services.schedule import OPEN_UNSTARTED
from bot.services.staff import Clock
from bot.services.wards import normalise_code
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentStatus,
    CheckStatus,
    GradeResult,
    Patient,
    PatientStatus,
    Role,
    ScheduledCheck,
    Staff,
    Ward,
    WeightBand,
)
from storage.repositories import audit
from storage.repositories import patients as patients_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

ADMIT_ROLES = frozenset({Role.NURSE, Role.CHARGE_NURSE, Role.PHYSICIAN, Role.ADMIN})
DISCHARGE_ROLES = ADMIT_ROLES
MAX_LABEL = 32
MAX_FLAG = 60
MAX_FLAGS = 10
MAX_AGE_YEARS = 130
CAPD_FLAGS = frozenset({"use capd", "developmental delay"})
"""Clinician flags (case-insensitive) that switch the patient to the CAPD at any age."""

LABEL_REMINDER = "use a bed, initials or study code — never a name or record number"
_RECORD_NUMBER = re.compile(r"\d{6,}")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_WEIGHT_BANDS = {
    "45+": WeightBand.AT_LEAST_45KG,
    ">=45": WeightBand.AT_LEAST_45KG,
    "≥45": WeightBand.AT_LEAST_45KG,
    "ge45": WeightBand.AT_LEAST_45KG,
    "<45": WeightBand.UNDER_45KG,
    "lt45": WeightBand.UNDER_45KG,
}


class Problem(StrEnum):
    LABEL = "label"
    LABEL_RECORD_NUMBER = "label_record_number"
    LABEL_IN_USE = "label_in_use"
    DATE_FORMAT = "date_format"
    DATE_FUTURE = "date_future"
    DATE_TOO_OLD = "date_too_old"
    WEIGHT_BAND = "weight_band"
    FLAG = "flag"
    UNKNOWN_WARD = "unknown_ward"
    NOT_YOUR_WARD = "not_your_ward"
    WARD_REQUIRED = "ward_required"
    NO_WARD = "no_ward"
    NOT_ALLOWED = "not_allowed"
    NO_SUCH_PATIENT = "no_such_patient"


class PatientError(LegacyRefusedError[Problem]):
    """A refused request; the message is for the person (chat or command line) as it is."""


NO_SUCH_PATIENT = "There is no such patient on your ward."


@dataclass(frozen=True)
class GradeView:
    """The latest current grade of a patient's check."""

    tool: str | None
    ice_score: int | None
    capd_score: int | None
    icans_grade: int | None
    complete: bool
    graded_at: dt.datetime


@dataclass(frozen=True)
class PatientView:
    id: int
    ward_id: int
    ward_code: str
    label: str
    date_of_birth: dt.date
    age_years: int
    weight_band: WeightBand
    risk_flags: tuple[str, ...]
    use_capd: bool
    status: PatientStatus
    admitted_at: dt.datetime
    discharged_at: dt.datetime | None
    last_grade: GradeView | None
    board: BoardInfo | None = None  # cycle, dose and next check, on the ward board

    @property
    def high_risk(self) -> bool:
        return is_high_risk(self.age_years, self.risk_flags)


@dataclass(frozen=True)
class PatientList:
    """The active patients of the wards the asker is on (``ward_codes``, maybe none)."""

    ward_codes: tuple[str, ...]
    patients: tuple[PatientView, ...]


@dataclass(frozen=True)
class DischargeView:
    patient: PatientView
    already_discharged: bool
    alert_open: bool = False  # an alert about a finding still pages until acknowledged
    # (chat id, message id) of the questions of checks the discharge cancelled
    cancelled_questions: tuple[tuple[int, int], ...] = ()


# -- validation, shared by the chat and the command line ------------------------------------


def clean_label(text: str) -> str:
    label = " ".join(text.split())
    if not label or len(label) > MAX_LABEL:
        raise PatientError(
            Problem.LABEL,
            f"The label must be 1 to {MAX_LABEL} characters: {LABEL_REMINDER}.",
        )
    if not label.isprintable():
        raise PatientError(Problem.LABEL, f"The label has characters that are not text: {label!r}.")
    if _RECORD_NUMBER.search(label):
        raise PatientError(
            Problem.LABEL_RECORD_NUMBER,
            f"The label {label!r} looks like a record number. For the label, {LABEL_REMINDER}.",
        )
    return label


def parse_date_of_birth(text: str) -> dt.date:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY``."""
    value = text.strip()
    iso, dotted = _ISO_DATE.match(value), _DOTTED_DATE.match(value)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dotted:
            return dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    except ValueError:
        pass
    raise PatientError(
        Problem.DATE_FORMAT,
        f"{value!r} is not a date of birth: write YYYY-MM-DD or DD.MM.YYYY, e.g. 1958-03-02.",
    )


def parse_weight_band(text: str | WeightBand) -> WeightBand:
    """``45+`` (45 kg or more: flat dosing) or ``<45`` (dosed by body surface area)."""
    if isinstance(text, WeightBand):
        return text
    key = "".join(text.lower().split()).removesuffix("kg")
    band = _WEIGHT_BANDS.get(key)
    if band is None:
        raise PatientError(
            Problem.WEIGHT_BAND, f"{text.strip()!r} is not a weight band: write 45+ or <45."
        )
    return band


def clean_flags(flags: Sequence[str]) -> tuple[str, ...]:
    """Free-text clinician flags: trimmed, without duplicates, never a record number."""
    cleaned: list[str] = []
    for raw in flags:
        flag = " ".join(raw.split())
        if not flag or flag.lower() in (f.lower() for f in cleaned):
            continue
        if len(flag) > MAX_FLAG or not flag.isprintable():
            raise PatientError(Problem.FLAG, f"A risk flag must be 1 to {MAX_FLAG} characters.")
        if _RECORD_NUMBER.search(flag):
            raise PatientError(
                Problem.FLAG,
                f"The flag {flag!r} looks like a record number; flags are clinical facts "
                "such as 'TP53 mutation'.",
            )
        cleaned.append(flag)
    if len(cleaned) > MAX_FLAGS:
        raise PatientError(Problem.FLAG, f"At most {MAX_FLAGS} risk flags.")
    return tuple(cleaned)


def uses_capd(flags: Sequence[str]) -> bool:
    return any(flag.lower() in CAPD_FLAGS for flag in flags)


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
            raise PatientError(
                Problem.DATE_FUTURE, f"The date of birth {dob.isoformat()} is in the future."
            )
        if age_on(dob, today) > MAX_AGE_YEARS:
            raise PatientError(
                Problem.DATE_TOO_OLD,
                f"The date of birth {dob.isoformat()} gives an age over {MAX_AGE_YEARS}.",
            )
        with self._db.session() as session:
            ward = self._admission_ward(session, ward_code, actor_staff_id)
            assert ward.id is not None
            if patients_repo.active_by_label(session, ward_ids=[ward.id], label=label):
                raise PatientError(
                    Problem.LABEL_IN_USE,
                    f"Ward {ward.code} already has an active patient labelled {label!r}; "
                    "choose another label (or discharge that patient first).",
                )
            patient = Patient(
                ward_id=ward.id,
                label=label,
                date_of_birth=dob,
                weight_band=band,
                risk_flags=list(flags),
                use_capd=uses_capd(flags),
                admitted_at=now,
            )
            session.add(patient)
            session.flush()
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
            return self._view(patient, ward.code, None, today)

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
                raise PatientError(Problem.NO_SUCH_PATIENT, NO_SUCH_PATIENT)
            ward = wards_repo.by_id(session, patient.ward_id)
            assert ward is not None
            return self._view(patient, ward.code, None, self._today(self._clock()))

    def list_active(self, ward_code: str | None = None) -> tuple[PatientView, ...]:
        """For the operator: the active patients of one ward, or of every ward."""
        with self._db.session() as session:
            if ward_code is None:
                ward_ids = [w.id for w in wards_repo.all_wards(session) if w.id is not None]
            else:
                ward = wards_repo.by_code(session, ward_code)
                if ward is None or ward.id is None:
                    raise _unknown_ward(ward_code)
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
            wards = {w.id: w for w in wards_repo.by_ids(session, ward_ids)}
            if ward_code is not None:
                wanted = normalise_code(ward_code)
                ward_ids = tuple(i for i in ward_ids if wards[i].code == wanted)
            found = patients_repo.active_with_label(
                session, ward_ids=ward_ids, label=" ".join(label.split())
            )
            if not found:
                raise PatientError(Problem.NO_SUCH_PATIENT, NO_SUCH_PATIENT)
            if len(found) > 1:
                codes = " and ".join(wards[p.ward_id].code for p in found)
                raise PatientError(
                    Problem.WARD_REQUIRED,
                    f"{found[0].label} is on wards {codes}: put the ward code first, "
                    f"e.g. /discharge {wards[found[0].ward_id].code}, {found[0].label}",
                )
            patient, today = found[0], self._today(self._clock())
            return self._view(patient, wards[patient.ward_id].code, None, today)

    def discharge(self, actor_staff_id: int, patient_id: int) -> DischargeView:
        """Discharge once; a repeated (stale, doubled) request changes nothing."""
        now = self._clock()
        with self._db.session() as session:
            ward_ids = self._actor_ward_ids(session, actor_staff_id, DISCHARGE_ROLES, "discharge")
            patient = patients_repo.by_id(session, patient_id, lock=True)
            if patient is None or patient.ward_id not in ward_ids:
                raise PatientError(Problem.NO_SUCH_PATIENT, NO_SUCH_PATIENT)
            ward = wards_repo.by_id(session, patient.ward_id)
            assert ward is not None
            already = patient.status == PatientStatus.DISCHARGED
            cancelled: tuple[tuple[int, int], ...] = ()
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
            view = self._view(patient, ward.code, None, self._today(now))
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
    ) -> tuple[tuple[int, int], ...]:
        """Nothing is asked of the ward for a discharged patient any more. In the discharge's
        transaction, so that no prompt, reminder or page follows it: checks due or started
        are cancelled (a started one is never submitted later) and an alert for a missed
        check is closed. Alerts about findings go on until acknowledged. Returns where the
        cancelled checks' questions are shown, to take their buttons away."""
        assert patient.id is not None
        for due in session.exec(
            select(ScheduledCheck)
            .where(
                ScheduledCheck.patient_id == patient.id,
                col(ScheduledCheck.status).in_((*OPEN_UNSTARTED, CheckStatus.IN_PROGRESS)),
            )
            .with_for_update()
        ).all():
            due.status, due.next_action_at = CheckStatus.CANCELLED, None
        escalations.close_missed_checks_on_discharge(session, patient.id, now)
        open_checks = session.exec(
            select(Assessment).where(
                Assessment.patient_id == patient.id,
                Assessment.status == AssessmentStatus.IN_PROGRESS,
            )
        ).all()
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
        return tuple(
            (a.chat_id, a.message_id)
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
                self._view(p, codes[p.ward_id], grades.get(p.id or 0), today),
                board=info.get(p.id or 0),
            )
            for p in patients
        ]
        return tuple(sorted(views, key=lambda v: (v.ward_code, _natural(v.label))))

    def _actor_ward_ids(
        self, session: Session, actor_staff_id: int, roles: frozenset[Role], verb: str
    ) -> tuple[int, ...]:
        actor = session.get(Staff, actor_staff_id)
        if actor is None or not actor.active or actor.role not in roles:
            raise PatientError(Problem.NOT_ALLOWED, f"Your role may not {verb} patients.")
        return staff_repo.ward_ids(session, actor_staff_id)

    def _admission_ward(
        self, session: Session, ward_code: str | None, actor_staff_id: int | None
    ) -> Ward:
        """The ward to admit to, locked so that admissions to one ward serialise."""
        if actor_staff_id is None:
            if ward_code is None:
                raise PatientError(Problem.WARD_REQUIRED, "Name the ward.")
            ward = wards_repo.by_code(session, ward_code, lock=True)
            if ward is None:
                raise _unknown_ward(ward_code)
            return ward
        actor_wards = self._actor_ward_ids(session, actor_staff_id, ADMIT_ROLES, "admit")
        own = wards_repo.by_ids(session, actor_wards)
        if not own:
            raise PatientError(
                Problem.NO_WARD,
                "You are not on any ward yet: ask your ward administrator for an invite.",
            )
        if ward_code is None:
            if len(own) > 1:
                codes = ", ".join(w.code for w in own)
                raise PatientError(
                    Problem.WARD_REQUIRED,
                    f"You are on wards {codes}: put the ward code first, "
                    f"e.g. /admit {own[0].code}, Bed 4 AB, 1958-03-02, 45+",
                )
            chosen = own[0]
        else:
            wanted = normalise_code(ward_code)
            matching = [w for w in own if w.code == wanted]
            if not matching:
                raise PatientError(
                    Problem.NOT_YOUR_WARD,
                    f"You are not on ward {wanted}; your wards: "
                    + ", ".join(w.code for w in own)
                    + ".",
                )
            chosen = matching[0]
        assert chosen.id is not None
        locked = wards_repo.by_id(session, chosen.id, lock=True)
        assert locked is not None
        return locked

    @staticmethod
    def _view(
        patient: Patient, ward_code: str, grade: GradeResult | None, today: dt.date
    ) -> PatientView:
        assert patient.id is not None
        return PatientView(
            id=patient.id,
            ward_id=patient.ward_id,
            ward_code=ward_code,
            label=patient.label,
            date_of_birth=patient.date_of_birth,
            age_years=age_on(patient.date_of_birth, max(today, patient.date_of_birth)),
            weight_band=patient.weight_band,
            risk_flags=tuple(patient.risk_flags),
            use_capd=patient.use_capd,
            status=patient.status,
            admitted_at=patient.admitted_at,
            discharged_at=patient.discharged_at,
            last_grade=None
            if grade is None
            else GradeView(
                tool=grade.tool,
                ice_score=grade.ice_score,
                capd_score=grade.capd_score,
                icans_grade=grade.icans_grade,
                complete=grade.complete,
                graded_at=grade.graded_at,
            ),
        )


def _natural(label: str) -> list[str | int]:
    """Sort key that puts "Bed 2" before "Bed 10"."""
    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", label.lower())]


def _unknown_ward(code: str) -> PatientError:
    return PatientError(Problem.UNKNOWN_WARD, f"There is no ward {normalise_code(code)!r}.")
