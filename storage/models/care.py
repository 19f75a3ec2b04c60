"""Patients, their infusion plans, scheduled checks, assessments, events, grades and labs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.columns import big, created, enum, json_dict, json_list, ts
from storage.models.enums import (
    AssessmentStatus,
    CheckKind,
    CheckStatus,
    ClinicalEventKind,
    InfusionEventKind,
    LabTest,
    PatientStatus,
    PlanStatus,
    WeightBand,
)


class Patient(SQLModel, table=True):
    """A monitored patient, known to Telegram only by ``label`` (bed, initials or study code)."""

    __tablename__ = "patient"
    __table_args__ = (sa.Index("ix_patient_ward_status", "ward_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id")
    label: str = Field(max_length=32)
    date_of_birth: dt.date
    weight_band: WeightBand = enum(WeightBand, WeightBand.AT_LEAST_45KG)
    risk_flags: list[str] = json_list()
    use_capd: bool = Field(default=False, description="developmental delay: use CAPD")
    status: PatientStatus = enum(PatientStatus, PatientStatus.ACTIVE)
    admitted_at: dt.datetime = created()
    discharged_at: dt.datetime | None = ts(nullable=True)
    baseline_assessment_id: int | None = Field(default=None)


class InfusionPlan(SQLModel, table=True):
    """One cycle of blinatumomab for one patient; ``protocol`` names a protocol data file."""

    __tablename__ = "infusion_plan"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    protocol: str = Field(max_length=32)
    cycle_number: int = Field(ge=1)
    starts_at: dt.datetime = ts()
    status: PlanStatus = enum(PlanStatus, PlanStatus.PLANNED)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = created()


class InfusionEvent(SQLModel, table=True):
    __tablename__ = "infusion_event"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="infusion_plan.id", index=True)
    kind: InfusionEventKind = enum(InfusionEventKind)
    at: dt.datetime = ts()
    dose_mcg_per_day: float | None = Field(default=None)
    reason: str | None = Field(default=None, max_length=500)
    recorded_by_id: int | None = Field(default=None, foreign_key="staff.id")
    recorded_at: dt.datetime = created()


class ScheduledCheck(SQLModel, table=True):
    """A neuro check that must happen. The scheduler claims rows whose ``next_action_at`` passed.

    ``claim_token``/``claimed_until`` make a claim idempotent: a second instance, or a crash
    between claiming and sending, can neither double-send nor lose the prompt.
    """

    __tablename__ = "scheduled_check"
    __table_args__ = (sa.Index("ix_check_status_next", "status", "next_action_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    due_at: dt.datetime = ts()
    kind: CheckKind = enum(CheckKind, CheckKind.ROUTINE)
    cadence_hours: int | None = Field(default=None)  # the interval that set due_at
    status: CheckStatus = enum(CheckStatus, CheckStatus.DUE)
    next_action_at: dt.datetime | None = ts(nullable=True)
    reminder_level: int = Field(default=0)
    claim_token: str | None = Field(default=None, max_length=36)
    claimed_until: dt.datetime | None = ts(nullable=True)
    prompted_at: dt.datetime | None = ts(nullable=True)
    late: bool = Field(default=False)
    assessment_id: int | None = Field(default=None)
    created_at: dt.datetime = created()


class Assessment(SQLModel, table=True):
    """A check, in progress or done: the conversation's state machine lives in this row.

    ``step`` is the current question; ``answers`` the working copy of every answer so far;
    ``version`` increases with each accepted answer so a doubled or stale press is detected.
    """

    __tablename__ = "assessment"
    __table_args__ = (sa.Index("ix_assessment_patient_status", "patient_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    scheduled_check_id: int | None = Field(default=None, foreign_key="scheduled_check.id")
    holder_id: int = Field(foreign_key="staff.id")
    status: AssessmentStatus = enum(AssessmentStatus, AssessmentStatus.IN_PROGRESS)
    step: str = Field(max_length=32)
    tool: str | None = Field(default=None, max_length=8)
    answers: dict[str, Any] = json_dict()
    version: int = Field(default=0)
    chat_id: int | None = big(nullable=True)
    message_id: int | None = Field(default=None)
    is_baseline: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=1000)
    photo_file_id: str | None = Field(default=None, max_length=200)
    started_at: dt.datetime = created()
    updated_at: dt.datetime = created()
    submitted_at: dt.datetime | None = ts(nullable=True)


class AssessmentAnswer(SQLModel, table=True):
    """One answered item of a submitted check, with who answered it and when."""

    __tablename__ = "assessment_answer"
    __table_args__ = (sa.UniqueConstraint("assessment_id", "item"),)
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    item: str = Field(max_length=32)
    value: str = Field(max_length=32)
    reason: str | None = Field(default=None, max_length=200)
    answered_by_id: int = Field(foreign_key="staff.id")
    answered_at: dt.datetime = ts()


class ClinicalEvent(SQLModel, table=True):
    """A seizure, new weakness or imaging result reported between checks; one row per seizure."""

    __tablename__ = "clinical_event"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    kind: ClinicalEventKind = enum(ClinicalEventKind)
    detail: dict[str, Any] = json_dict()
    occurred_at: dt.datetime = ts()
    reported_by_id: int = Field(foreign_key="staff.id")
    reported_at: dt.datetime = created()
    source_key: str | None = Field(default=None, max_length=64, unique=True)


class GradeResult(SQLModel, table=True):
    """A computed grade. Re-grading (attribution) adds a row and never edits the original."""

    __tablename__ = "grade_result"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="clinical_event.id")
    supersedes_id: int | None = Field(default=None, foreign_key="grade_result.id")
    current: bool = Field(default=True)
    ruleset: str = Field(max_length=64)
    tool: str | None = Field(default=None, max_length=8)
    ice_score: int | None = Field(default=None)
    capd_score: int | None = Field(default=None)
    icans_grade: int | None = Field(default=None)
    complete: bool = Field(default=True)
    domain_grades: dict[str, Any] = json_dict()
    flags: list[str] = json_list()
    recorded_seizure: str = Field(default="none", max_length=40)
    recorded_hemorrhage: bool = Field(default=False)
    attributed_elsewhere: list[str] = json_list()
    attribution_reason: str | None = Field(default=None, max_length=500)
    graded_by_id: int | None = Field(default=None, foreign_key="staff.id")
    graded_at: dt.datetime = ts()
    # CRS, asked in the round during the intensive window (None: not asked at this check).
    crs_grade: int | None = Field(default=None)
    temperature_c: float | None = Field(default=None)
    crs_inputs: dict[str, Any] = json_dict()  # hypotension, oxygen, treated, flags


class LabResult(SQLModel, table=True):
    """A laboratory value, stored in the test's canonical unit (IL-6 pg/mL, CRP mg/L,
    ferritin ng/mL) beside what was entered. Shown, never a trigger."""

    __tablename__ = "lab_result"
    __table_args__ = (sa.Index("ix_lab_patient_sampled", "patient_id", "sampled_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    test: LabTest = enum(LabTest)
    value: float
    unit: str = Field(max_length=16)
    entered_value: str = Field(max_length=32)
    entered_unit: str = Field(max_length=16)
    sampled_at: dt.datetime = ts()
    source: str = Field(max_length=16)  # "chat" or "import"
    recorded_by_id: int | None = Field(default=None, foreign_key="staff.id")
    recorded_at: dt.datetime = created()
