"""The refusal codes of the patients, wards and plans areas (see ``bot.services.errors``).

A light module of its own so that every service refusing "no such patient" (checks, labs,
history, events ...) can import the code without importing the patient service; the words
are in ``bot/telegram/words/{patients,plans,common}.py``.
"""

from __future__ import annotations

from bot.services.errors import RefusalCode


class PatientRefusal(RefusalCode):
    """Why a request about a patient is refused."""

    UNKNOWN = "patient.unknown"
    """No such active patient on the asker's wards (another ward's patient looks the same)."""
    NOT_ON_WARD = "patient.not_on_ward"
    """The same, as the admit/discharge commands word it."""
    AMBIGUOUS = "patient.ambiguous"
    LABEL_LENGTH = "patient.label_length"
    LABEL_NOT_TEXT = "patient.label_not_text"
    LABEL_RECORD_NUMBER = "patient.label_record_number"
    LABEL_IN_USE = "patient.label_in_use"
    DATE_FORMAT = "patient.date_format"
    DATE_FUTURE = "patient.date_future"
    DATE_TOO_OLD = "patient.date_too_old"
    WEIGHT_BAND = "patient.weight_band"
    FLAG_LENGTH = "patient.flag_length"
    FLAG_RECORD_NUMBER = "patient.flag_record_number"
    TOO_MANY_FLAGS = "patient.too_many_flags"
    NOT_ALLOWED = "patient.not_allowed"
    NO_WARD = "patient.no_ward"
    WARD_CHOICE = "patient.ward_choice"
    NOT_YOUR_WARD = "patient.not_your_ward"


class WardRefusal(RefusalCode):
    """A ward named wrongly (or not at all) where one is needed, or a ward setting refused."""

    UNKNOWN = "ward.unknown"
    REQUIRED = "ward.required"
    MISSING = "ward.missing"
    """No such ward, as the operator's ``ward settings`` says it (with where to look)."""
    CODE_INVALID = "ward.code_invalid"
    NAME_LENGTH = "ward.name_length"
    EXISTS = "ward.exists"
    SHIFT_CHANGES = "ward.shift_changes"
    WHOLE_NUMBER = "ward.whole_number"
    UNKNOWN_SETTING = "ward.unknown_setting"
    CADENCE = "ward.cadence"
    """A cadence override the clinical rules refuse; ``detail`` is their one-line reason."""
    CRS_ASK = "ward.crs_ask"
    WEBHOOK = "ward.webhook"
    ESCALATION = "ward.escalation"
    """An escalation override the policy refuses; ``detail`` is its one-line reason."""


class PlanRefusal(RefusalCode):
    """Why an infusion plan request is refused."""

    PROTOCOL = "plan.protocol"
    CYCLE = "plan.cycle"
    START_RANGE = "plan.start_range"
    KIND = "plan.kind"
    REASON_LENGTH = "plan.reason_length"
    REASON_RECORD_NUMBER = "plan.reason_record_number"
    REASON_MISSING = "plan.reason_missing"
    NOT_ENROLLED = "plan.not_enrolled"
    NOT_ALLOWED = "plan.not_allowed"
    NO_PLAN = "plan.no_plan"
    NOT_NOW = "plan.not_now"
    STEP_UP_DONE = "plan.step_up_done"
    EVENT_IN_FUTURE = "plan.event_in_future"
    EVENT_BEFORE_LAST = "plan.event_before_last"
    START_TOO_OLD = "plan.start_too_old"
    CYCLE_BEFORE_LAST = "plan.cycle_before_last"
    STILL_RUNNING = "plan.still_running"
    SAME_CYCLE = "plan.same_cycle"
    STALE = "plan.stale"
    NEW_CYCLE_NEEDED = "plan.new_cycle_needed"


FIELD_REFUSALS: frozenset[RefusalCode] = frozenset(
    {
        PatientRefusal.LABEL_LENGTH,
        PatientRefusal.LABEL_NOT_TEXT,
        PatientRefusal.LABEL_RECORD_NUMBER,
        PatientRefusal.LABEL_IN_USE,
        PatientRefusal.DATE_FORMAT,
        PatientRefusal.DATE_FUTURE,
        PatientRefusal.DATE_TOO_OLD,
        PatientRefusal.WEIGHT_BAND,
        PatientRefusal.FLAG_LENGTH,
        PatientRefusal.FLAG_RECORD_NUMBER,
        PatientRefusal.TOO_MANY_FLAGS,
        PlanRefusal.PROTOCOL,
        PlanRefusal.CYCLE,
        PlanRefusal.START_RANGE,
    }
)
"""Refusals of one field as typed in /admit or /plan: the chat adds the example of a whole
command to their words."""
