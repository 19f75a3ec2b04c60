"""SQLModel tables: the database is the source of truth for everything the bot does.

Due checks, reminders, escalation steps and outgoing messages are rows, so a restart, a crash
or a second instance picks up exactly where the last one stopped. Every datetime is
timezone-aware UTC (``UTCDateTime``). Enumerations are stored as their string values.

Clinical answers (``AssessmentAnswer.value``, grading results) are stored with the clinical
vocabulary's string values; this module deliberately does not import ``bot.clinical`` so that
storage and the clinical core stay independent layers.

The tables live in modules by area (``people``, ``care``, ``alerts``), the enumerations in
``enums``; this package re-exports every name, so ``from storage.models import X`` keeps working.
"""

from __future__ import annotations

from storage.models.alerts import (
    AuditLog,
    Escalation,
    EscalationDelivery,
    OutboundMessage,
)
from storage.models.care import (
    Assessment,
    AssessmentAnswer,
    ClinicalEvent,
    GradeResult,
    InfusionEvent,
    InfusionPlan,
    LabResult,
    Patient,
    ScheduledCheck,
)
from storage.models.enums import (
    AssessmentStatus,
    CheckKind,
    CheckStatus,
    ClinicalEventKind,
    DeliveryStatus,
    Duty,
    EscalationStatus,
    InfusionEventKind,
    LabTest,
    OutboxStatus,
    PatientStatus,
    PlanStatus,
    Role,
    Urgency,
    WeightBand,
)
from storage.models.people import (
    DutyAssignment,
    Invite,
    RefusalTally,
    Staff,
    StaffWard,
    Ward,
)

__all__ = [
    "Assessment",
    "AssessmentAnswer",
    "AssessmentStatus",
    "AuditLog",
    "CheckKind",
    "CheckStatus",
    "ClinicalEvent",
    "ClinicalEventKind",
    "DeliveryStatus",
    "Duty",
    "DutyAssignment",
    "Escalation",
    "EscalationDelivery",
    "EscalationStatus",
    "GradeResult",
    "InfusionEvent",
    "InfusionEventKind",
    "InfusionPlan",
    "Invite",
    "LabResult",
    "LabTest",
    "OutboundMessage",
    "OutboxStatus",
    "Patient",
    "PatientStatus",
    "PlanStatus",
    "RefusalTally",
    "Role",
    "ScheduledCheck",
    "Staff",
    "StaffWard",
    "Urgency",
    "Ward",
    "WeightBand",
]
