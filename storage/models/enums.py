"""The stored enumerations (string values; the clinical core keeps its own, see
``tests/storage``)."""

from __future__ import annotations

from enum import StrEnum


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


class LabTest(StrEnum):
    IL6 = "il6"
    CRP = "crp"
    FERRITIN = "ferritin"
