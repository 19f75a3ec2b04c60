"""What the patient service answers with: a patient as the ward sees them, built from rows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.clinical.risk import is_high_risk
from bot.clinical.tool import age_on
from bot.services.board import BoardInfo
from storage.models import GradeResult, Patient, PatientStatus, WeightBand


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
    # (chat id, message id, the nurse's language) of the questions of checks the discharge
    # cancelled
    cancelled_questions: tuple[tuple[int, int, str | None], ...] = ()


def patient_view(
    patient: Patient, ward_code: str, grade: GradeResult | None, today: dt.date
) -> PatientView:
    """The view of a patient row (``today`` on the ward: ages turn over at its midnight)."""
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


def natural(label: str) -> list[str | int]:
    """Sort key that puts "Bed 2" before "Bed 10"."""
    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", label.lower())]
