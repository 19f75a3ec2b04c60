"""SQLModel tables: the database is the source of truth for everything the bot does.

Due checks, reminders, escalation steps and outgoing messages are rows, so a restart, a crash
or a second instance picks up exactly where the last one stopped. Every datetime is
timezone-aware UTC (``UTCDateTime``). Enumerations are stored as their string values.

Clinical answers (``AssessmentAnswer.value``, grading results) are stored with the clinical
vocabulary's string values; this module deliberately does not import ``bot.clinical`` so that
storage and the clinical core stay independent layers.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.types import JSONType, UTCDateTime, enum_type, utcnow


class Role(StrEnum):
    NURSE = "nurse"
    CHARGE_NURSE = "charge_nurse"
    PHYSICIAN = "physician"
    ADMIN = "admin"


class WeightBand(StrEnum):
    """Blinatumomab is dosed flat at 45 kg or more and by body surface area below."""

    AT_LEAST_45KG = "ge45"
    UNDER_45KG = "lt45"


class PatientStatus(StrEnum):
    ACTIVE = "active"
    DISCHARGED = "discharged"


class PlanStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    HELD = "held"
    STOPPED = "stopped"
    COMPLETED = "completed"


class InfusionEventKind(StrEnum):
    START = "start"
    STEP_UP = "step_up"
    HOLD = "hold"
    RESTART = "restart"
    STOP = "stop"
    END_CYCLE = "end_cycle"


class CheckKind(StrEnum):
    """Why a check was asked for: the cadence's reasons (`bot.clinical.cadence.DueKind`,
    whose values must all be here; a test keeps them in step) and ad-hoc checks."""

    BASELINE = "baseline"
    ROUTINE = "routine"  # the intensive cadence
    ABNORMAL = "abnormal"
    RECOVERY = "recovery"
    WATCH = "watch"  # the ward watch
    ADHOC = "adhoc"


class CheckStatus(StrEnum):
    DUE = "due"
    PROMPTED = "prompted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class AssessmentStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"
    ABANDONED = "abandoned"


class ClinicalEventKind(StrEnum):
    SEIZURE = "seizure"
    WEAKNESS = "weakness"
    IMAGING = "imaging"
    OTHER = "other"


class Urgency(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    INFO = "info"


class EscalationStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    EXHAUSTED = "exhausted"
    CLOSED = "closed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Duty(StrEnum):
    NURSE = "nurse"
    CHARGE_NURSE = "charge_nurse"
    PRIMARY = "primary"
    BACKUP = "backup"
    ATTENDING = "attending"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


def _ts(*, index: bool = False, nullable: bool = False) -> Any:
    """A UTC timestamp column."""
    return Field(sa_type=UTCDateTime, index=index, nullable=nullable)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _big(*, index: bool = False, unique: bool = False, nullable: bool = False) -> Any:
    """Telegram ids exceed 32 bits."""
    return Field(sa_type=sa.BigInteger, index=index, unique=unique, nullable=nullable)


def _enum(enum_cls: type[StrEnum], default: StrEnum | None = None, *, index: bool = False) -> Any:
    if default is None:
        return Field(sa_type=enum_type(enum_cls), index=index, nullable=False)
    return Field(default=default, sa_type=enum_type(enum_cls), index=index, nullable=False)


def _json_dict() -> Any:
    return Field(default_factory=dict, sa_type=JSONType, nullable=False)


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=JSONType, nullable=False)


class Ward(SQLModel, table=True):
    """A ward; ``settings`` holds its overrides of cadence and escalation defaults."""

    __tablename__ = "ward"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=120)
    settings: dict[str, Any] = _json_dict()
    created_at: dt.datetime = _created()


class Staff(SQLModel, table=True):
    """An enrolled Telegram account. Deactivated rather than deleted: the audit refers to it."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = _big(unique=True)
    chat_id: int = _big()
    display_name: str = Field(max_length=120)
    role: Role = _enum(Role)
    active: bool = Field(default=True)
    created_at: dt.datetime = _created()
    # When the person's last update was handled, written at most every few minutes
    # (bot.services.staff.SEEN_EVERY), so that the hot path stays read-only.
    last_seen_at: dt.datetime | None = _ts(nullable=True)
    deactivated_at: dt.datetime | None = _ts(nullable=True)
    # A second channel for alerts nobody acknowledges in Telegram (bot.services.second_channel):
    # "email" (sent by SMTP) or "pager" (a number the ward's webhook gateway pages).
    contact_channel: str | None = Field(default=None, max_length=16)
    contact_address: str | None = Field(default=None, max_length=254)


class StaffWard(SQLModel, table=True):
    __tablename__ = "staff_ward"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", primary_key=True)


class Invite(SQLModel, table=True):
    """A one-time enrolment code. Only its hash is stored, so a database leak enrols nobody."""

    __tablename__ = "invite"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    role: Role = _enum(Role)
    ward_id: int = Field(foreign_key="ward.id")
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = _created()
    expires_at: dt.datetime = _ts()
    used_at: dt.datetime | None = _ts(nullable=True)
    used_by_id: int | None = Field(default=None, foreign_key="staff.id")


class Patient(SQLModel, table=True):
    """A monitored patient, known to Telegram only by ``label`` (bed, initials or study code)."""

    __tablename__ = "patient"
    __table_args__ = (sa.Index("ix_patient_ward_status", "ward_id", "status"),)
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id")
    label: str = Field(max_length=32)
    date_of_birth: dt.date
    weight_band: WeightBand = _enum(WeightBand, WeightBand.AT_LEAST_45KG)
    risk_flags: list[str] = _json_list()
    use_capd: bool = Field(default=False, description="developmental delay: use CAPD")
    status: PatientStatus = _enum(PatientStatus, PatientStatus.ACTIVE)
    admitted_at: dt.datetime = _created()
    discharged_at: dt.datetime | None = _ts(nullable=True)
    baseline_assessment_id: int | None = Field(default=None)


class InfusionPlan(SQLModel, table=True):
    """One cycle of blinatumomab for one patient; ``protocol`` names a protocol data file."""

    __tablename__ = "infusion_plan"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    protocol: str = Field(max_length=32)
    cycle_number: int = Field(ge=1)
    starts_at: dt.datetime = _ts()
    status: PlanStatus = _enum(PlanStatus, PlanStatus.PLANNED)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = _created()


class InfusionEvent(SQLModel, table=True):
    __tablename__ = "infusion_event"
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="infusion_plan.id", index=True)
    kind: InfusionEventKind = _enum(InfusionEventKind)
    at: dt.datetime = _ts()
    dose_mcg_per_day: float | None = Field(default=None)
    reason: str | None = Field(default=None, max_length=500)
    recorded_by_id: int | None = Field(default=None, foreign_key="staff.id")
    recorded_at: dt.datetime = _created()


class ScheduledCheck(SQLModel, table=True):
    """A neuro check that must happen. The scheduler claims rows whose ``next_action_at`` passed.

    ``claim_token``/``claimed_until`` make a claim idempotent: a second instance, or a crash
    between claiming and sending, can neither double-send nor lose the prompt.
    """

    __tablename__ = "scheduled_check"
    __table_args__ = (sa.Index("ix_check_status_next", "status", "next_action_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    due_at: dt.datetime = _ts()
    kind: CheckKind = _enum(CheckKind, CheckKind.ROUTINE)
    cadence_hours: int | None = Field(default=None)  # the interval that set due_at
    status: CheckStatus = _enum(CheckStatus, CheckStatus.DUE)
    next_action_at: dt.datetime | None = _ts(nullable=True)
    reminder_level: int = Field(default=0)
    claim_token: str | None = Field(default=None, max_length=36)
    claimed_until: dt.datetime | None = _ts(nullable=True)
    prompted_at: dt.datetime | None = _ts(nullable=True)
    late: bool = Field(default=False)
    assessment_id: int | None = Field(default=None)
    created_at: dt.datetime = _created()


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
    status: AssessmentStatus = _enum(AssessmentStatus, AssessmentStatus.IN_PROGRESS)
    step: str = Field(max_length=32)
    tool: str | None = Field(default=None, max_length=8)
    answers: dict[str, Any] = _json_dict()
    version: int = Field(default=0)
    chat_id: int | None = _big(nullable=True)
    message_id: int | None = Field(default=None)
    is_baseline: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=1000)
    photo_file_id: str | None = Field(default=None, max_length=200)
    started_at: dt.datetime = _created()
    updated_at: dt.datetime = _created()
    submitted_at: dt.datetime | None = _ts(nullable=True)


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
    answered_at: dt.datetime = _ts()


class ClinicalEvent(SQLModel, table=True):
    """A seizure, new weakness or imaging result reported between checks; one row per seizure."""

    __tablename__ = "clinical_event"
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    kind: ClinicalEventKind = _enum(ClinicalEventKind)
    detail: dict[str, Any] = _json_dict()
    occurred_at: dt.datetime = _ts()
    reported_by_id: int = Field(foreign_key="staff.id")
    reported_at: dt.datetime = _created()
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
    domain_grades: dict[str, Any] = _json_dict()
    flags: list[str] = _json_list()
    recorded_seizure: str = Field(default="none", max_length=40)
    recorded_hemorrhage: bool = Field(default=False)
    attributed_elsewhere: list[str] = _json_list()
    attribution_reason: str | None = Field(default=None, max_length=500)
    graded_by_id: int | None = Field(default=None, foreign_key="staff.id")
    graded_at: dt.datetime = _ts()
    # CRS, asked in the round during the intensive window (None: not asked at this check).
    crs_grade: int | None = Field(default=None)
    temperature_c: float | None = Field(default=None)
    crs_inputs: dict[str, Any] = _json_dict()  # hypotension, oxygen, treated, flags


class LabTest(StrEnum):
    IL6 = "il6"
    CRP = "crp"
    FERRITIN = "ferritin"


class LabResult(SQLModel, table=True):
    """A laboratory value, stored in the test's canonical unit (IL-6 pg/mL, CRP mg/L,
    ferritin ng/mL) beside what was entered. Shown, never a trigger."""

    __tablename__ = "lab_result"
    __table_args__ = (sa.Index("ix_lab_patient_sampled", "patient_id", "sampled_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    test: LabTest = _enum(LabTest)
    value: float
    unit: str = Field(max_length=16)
    entered_value: str = Field(max_length=32)
    entered_unit: str = Field(max_length=16)
    sampled_at: dt.datetime = _ts()
    source: str = Field(max_length=16)  # "chat" or "import"
    recorded_by_id: int | None = Field(default=None, foreign_key="staff.id")
    recorded_at: dt.datetime = _created()


class DutyAssignment(SQLModel, table=True):
    """Who is on duty (nurses) or on call (physicians) for a ward, and when."""

    __tablename__ = "duty_assignment"
    __table_args__ = (sa.Index("ix_duty_ward_duty_start", "ward_id", "duty", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id")
    staff_id: int = Field(foreign_key="staff.id")
    duty: Duty = _enum(Duty)
    starts_at: dt.datetime = _ts()
    ends_at: dt.datetime = _ts()
    is_override: bool = Field(default=False)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = _created()


class Escalation(SQLModel, table=True):
    """An alert climbing its policy. ``policy`` is a snapshot taken when it started."""

    __tablename__ = "escalation"
    __table_args__ = (sa.Index("ix_escalation_status_next", "status", "next_step_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    ward_id: int = Field(foreign_key="ward.id")
    urgency: Urgency = _enum(Urgency)
    reasons: list[str] = _json_list()
    grade_result_id: int | None = Field(default=None, foreign_key="grade_result.id")
    scheduled_check_id: int | None = Field(default=None, foreign_key="scheduled_check.id")
    status: EscalationStatus = _enum(EscalationStatus, EscalationStatus.OPEN)
    policy: dict[str, Any] = _json_dict()
    step_index: int = Field(default=0)
    next_step_at: dt.datetime | None = _ts(nullable=True)
    step_token: str | None = Field(default=None, max_length=36)
    created_at: dt.datetime = _created()
    acknowledged_at: dt.datetime | None = _ts(nullable=True)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="staff.id")
    ack_kind: str | None = Field(default=None, max_length=32)
    source: str = Field(default="check", max_length=16)
    closed_at: dt.datetime | None = _ts(nullable=True)
    closed_reason: str | None = Field(default=None, max_length=32)
    # A critical alert acknowledged: when to remind the physician if no check follows.
    follow_up_at: dt.datetime | None = _ts(nullable=True, index=True)
    # When the alert leaves Telegram if still unacknowledged (the policy's second_channel
    # minute); cleared once it has, and the instant it did so.
    second_channel_at: dt.datetime | None = _ts(nullable=True, index=True)
    second_channel_sent_at: dt.datetime | None = _ts(nullable=True)


class EscalationDelivery(SQLModel, table=True):
    """One page to one person at one step; failures are rows too. Unique per person and step,
    so a step that runs twice pages nobody twice."""

    __tablename__ = "escalation_delivery"
    __table_args__ = (
        sa.UniqueConstraint(
            "escalation_id", "step_index", "staff_id", name="uq_delivery_escalation_step_staff"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    step_index: int
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    chat_id: int | None = _big(nullable=True)
    status: DeliveryStatus = _enum(DeliveryStatus, DeliveryStatus.PENDING)
    message_id: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = _created()
    sent_at: dt.datetime | None = _ts(nullable=True)


class OutboundMessage(SQLModel, table=True):
    """The outbox: a message is a row before it is sent, and is retried from the row.

    ``dedupe_key`` makes enqueueing idempotent (one prompt per check and reminder level).
    """

    __tablename__ = "outbound_message"
    __table_args__ = (sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    # The channel's sender takes the row: "telegram" sends to ``chat_id``; "webhook" and
    # "email" send to ``address`` (a URL, an e-mail address) and leave ``chat_id`` 0.
    channel: str = Field(
        default="telegram", max_length=16, sa_column_kwargs={"server_default": "telegram"}
    )
    address: str | None = Field(default=None, max_length=500)
    chat_id: int = _big()
    purpose: str = Field(max_length=32)
    payload: dict[str, Any] = _json_dict()
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    status: OutboxStatus = _enum(OutboxStatus, OutboxStatus.PENDING)
    attempts: int = Field(default=0)
    next_attempt_at: dt.datetime = _ts()
    claim_token: str | None = Field(default=None, max_length=36)
    claimed_until: dt.datetime | None = _ts(nullable=True)
    message_id: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = _created()
    sent_at: dt.datetime | None = _ts(nullable=True)


class AuditLog(SQLModel, table=True):
    """Append-only trail of who did what. Rows are never updated or deleted (see db guard)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _ts(index=True)
    # No foreign keys: the trail is evidence about rows, not part of them, and an insert that
    # had to lock a referenced row could deadlock with the append lock (storage.repositories
    # .audit).
    actor_staff_id: int | None = Field(default=None)
    actor_telegram_id: int | None = _big(nullable=True)
    action: str = Field(max_length=64)
    entity: str | None = Field(default=None, max_length=32)
    entity_id: int | None = Field(default=None)
    patient_id: int | None = Field(default=None, index=True)
    ward_id: int | None = Field(default=None)
    detail: dict[str, Any] = _json_dict()
    chain_hash: str = Field(max_length=64)
    """SHA-256 over this row and the previous row's hash (storage.audit_chain)."""


class RefusalTally(SQLModel, table=True):
    """Refusals of one unknown Telegram account in one hour, after the first.

    The first refusal of the hour is an audit row; the rest only count here, so a stranger
    hammering the bot cannot grow the trail without bound. When the hour is over the count is
    appended to the trail as one summary row and this row is deleted: audit rows stay
    append-only, and the trail grows by at most two rows per stranger and hour.
    """

    __tablename__ = "refusal_tally"
    telegram_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    hour: dt.datetime = Field(sa_type=UTCDateTime, primary_key=True)
    count: int = Field(default=1)
    last_at: dt.datetime = _ts()
