"""The tables of a CSV export and every column's meaning: the data dictionary is this module.

Keeping the column list and its description in one place means the dictionary file can never
describe a column that the tables do not have, or miss one they do (a test checks both ways).
Times are ISO 8601 with the UTC offset, in the hospital's zone (shifted per patient in a
pseudonymised export). Lists are joined with ``;``. Booleans are ``true``/``false``. An empty
cell is a missing value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

from bot.clinical import CapdQuestion, Domain, IceItem


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, integer, decimal, boolean, datetime, list
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: str, description: str) -> Column:
    return Column(name, type_, description)


PATIENT = _c(
    "patient",
    "text",
    "The patient's ward label; a random identifier, stable within this "
    "export only, when pseudonymised.",
)
PATIENT_ID = _c("patient_id", "integer", "Database id of the patient; empty when pseudonymised.")


def _ref(name: str, what: str) -> Column:
    return _c(name, "text", f"Id of the {what} (a random key when pseudonymised).")


def _who(prefix: str, what: str) -> tuple[Column, ...]:
    return (
        _ref(f"{prefix}_id", f"member of staff who {what}"),
        _c(f"{prefix}_name", "text", f"Name of who {what}; empty when pseudonymised."),
        _c(f"{prefix}_role", "text", "nurse, charge_nurse, physician or admin."),
    )


CRS = (
    _c(
        "crs_grade",
        "integer",
        "ASTCT CRS grade 0-4, when the check asked the CRS questions (checks in an intensive "
        "window); empty otherwise.",
    ),
    _c(
        "temperature_c",
        "decimal",
        "Temperature in degrees Celsius recorded with the CRS questions; empty otherwise.",
    ),
)

CRS_NAMES = tuple(column.name for column in CRS)

GRADE = (
    _c("ice_score", "integer", "ICE score 0-10 (ICE tool)."),
    _c("capd_score", "integer", "CAPD score 0-32 (CAPD tool, children under 12)."),
    _c("icans_grade", "integer", "ASTCT ICANS grade 0-4 (the current grade)."),
    _c("complete", "boolean", "false: an item could not be assessed, the grade is a lower bound."),
    *(_c(f"grade_{d.value}", "integer", f"ICANS grade of the {d.value} domain.") for d in Domain),
    _c("flags", "list", "Findings that change no grade but reach a physician (e.g. tremor)."),
    _c("attributed_elsewhere", "list", "Domains a physician attributed to another cause."),
    _c("regraded", "boolean", "true: a physician re-graded this (see grades.csv)."),
    _c("ruleset", "text", "Version of the grading rules that produced the grade."),
    _c("graded_at", "datetime", "When the current grade was computed."),
    *CRS,
)

ICE_ITEMS = tuple(f"ice_{i.value}" for i in IceItem)
CAPD_ITEMS = tuple(f"capd_{q.value}" for q in CapdQuestion)

PATIENTS: Final = Table(
    "patients",
    "One row per patient on the ward at any time in the period.",
    (
        PATIENT,
        PATIENT_ID,
        _c(
            "age_at_admission",
            "integer",
            "Age in whole years on admission (90 means 90 or more "
            "when pseudonymised). The date of birth is never exported.",
        ),
        _c("weight_band", "text", "ge45 (45 kg or more) or lt45."),
        _c("use_capd", "boolean", "A clinician chose the CAPD (developmental delay)."),
        _c("risk_flags", "list", "Clinicians' risk flags; empty when pseudonymised (free text)."),
        _c("status", "text", "active or discharged (now, not at the end of the period)."),
        _c("admitted_at", "datetime", "When the patient was admitted."),
        _c("discharged_at", "datetime", "When the patient was discharged."),
    ),
)

CHECKS: Final = Table(
    "checks",
    "One row per neuro check started in the period, whatever became of it.",
    (
        _ref("check_id", "check"),
        PATIENT,
        PATIENT_ID,
        _ref("scheduled_check_id", "scheduled check it fulfilled (empty: unscheduled)"),
        _c("baseline", "boolean", "true: the baseline check before the first dose."),
        _c("status", "text", "submitted, cancelled, abandoned or in_progress."),
        _c("tool", "text", "ice (adults and children 12 or older) or capd."),
        *_who("nurse", "held the check"),
        _c("started_at", "datetime", "When the check was started."),
        _c("submitted_at", "datetime", "When it was submitted (empty if it was not)."),
        _c("consciousness", "text", "alert, wakes_to_voice, ... unarousable (submitted checks)."),
        *(_c(n, "text", "ICE item: correct, wrong or not_assessable.") for n in ICE_ITEMS),
        *(
            _c(n, "text", "CAPD answer: never, rarely, sometimes, often, always.")
            for n in CAPD_ITEMS
        ),
        _c("capd_not_assessable", "boolean", "true: the CAPD could not be done."),
        _c("not_assessable_reasons", "list", "item=reason for every item not assessable."),
        _c("seizure", "text", "Seizure since the last check (none, resolved_rapidly, ...)."),
        _c("motor_findings", "list", "tremor, myoclonus, focal_weakness."),
        _c("icp_findings", "list", "Raised intracranial pressure and imaging findings."),
        _c("note", "text", "The nurse's note; empty when pseudonymised (free text)."),
        _c("has_photo", "boolean", "A photo of the handwriting sample was attached."),
        *GRADE,
    ),
)

CHECK_ANSWERS: Final = Table(
    "check_answers",
    "One row per answered item of a submitted check, with who answered it and when.",
    (
        _ref("check_id", "check"),
        PATIENT,
        _c("item", "text", "consciousness, an ICE item, capd_<question>, seizure, motor_*, icp_*."),
        _c("value", "text", "The answer."),
        _c("reason", "text", "Why the item could not be assessed."),
        *_who("answered_by", "answered"),
        _c("answered_at", "datetime", "When it was answered."),
    ),
)

GRADES: Final = Table(
    "grades",
    "One row per computed grade of a check or event in the period, originals and re-gradings.",
    (
        _ref("grade_id", "grade"),
        PATIENT,
        _ref("check_id", "check graded (empty for an event)"),
        _ref("event_id", "event graded (empty for a check)"),
        _c("current", "boolean", "false: superseded by a physician's re-grading."),
        _ref("supersedes_id", "grade this one replaced"),
        _c("tool", "text", "ice or capd."),
        *(c for c in GRADE if c.name not in ("regraded", "graded_at", *CRS_NAMES)),
        _c("recorded_seizure", "text", "The seizure finding graded."),
        _c("recorded_hemorrhage", "boolean", "Intracranial haemorrhage recorded (not graded)."),
        _c("attribution_reason", "text", "Why (free text; empty when pseudonymised)."),
        *_who("graded_by", "re-graded it (empty: computed at submit)"),
        _c("graded_at", "datetime", "When the grade was computed."),
        *CRS,
    ),
)

EVENTS: Final = Table(
    "events",
    "One row per seizure, new weakness or imaging finding reported between checks.",
    (
        _ref("event_id", "event"),
        PATIENT,
        PATIENT_ID,
        _c("kind", "text", "seizure, weakness, imaging or other."),
        _c("finding", "text", "The finding, e.g. seizure.resolved_rapidly."),
        _c("occurred_at", "datetime", "When it happened."),
        *_who("reported_by", "reported it"),
        _c("reported_at", "datetime", "When it was reported."),
        _ref("grade_id", "current grade of the event"),
        _c("icans_grade", "integer", "ICANS grade known from the event (a lower bound)."),
    ),
)

ALERTS: Final = Table(
    "alerts",
    "One row per alert (escalation) opened in the period.",
    (
        _ref("alert_id", "alert"),
        PATIENT,
        PATIENT_ID,
        _c("urgency", "text", "critical, high, normal or info."),
        _c("reasons", "list", "Why it was raised (grade_rose, seizure, missed_check, ...)."),
        _c("source", "text", "check, event or missed_check."),
        _ref("check_id", "check that raised it"),
        _ref("event_id", "event that raised it"),
        _ref("scheduled_check_id", "scheduled check missed"),
        _c("status", "text", "open, acknowledged, exhausted (nobody acknowledged) or closed."),
        _c("opened_at", "datetime", "When the alert was opened."),
        _c("pages", "integer", "Pages written (see alert_pages.csv)."),
        _c("pages_delivered", "integer", "Pages Telegram accepted."),
        _c("first_page_sent_at", "datetime", "When the first page was delivered."),
        *_who("acknowledged_by", "acknowledged it"),
        _c("acknowledged_at", "datetime", "When it was acknowledged."),
        _c("acknowledgement", "text", "ack, or coming (to the bedside)."),
        _c("minutes_to_acknowledgement", "decimal", "From opening to acknowledgement."),
        _c("closed_at", "datetime", "When it closed without acknowledgement (e.g. check done)."),
        _c("closed_reason", "text", "Why it closed."),
        _c("decisions", "list", "Decisions recorded (see alert_decisions.csv)."),
    ),
)

ALERT_PAGES: Final = Table(
    "alert_pages",
    "One row per page of an alert to one person at one step, and its delivery.",
    (
        _ref("page_id", "page"),
        _ref("alert_id", "alert"),
        PATIENT,
        _c("step", "integer", "Step of the escalation policy (0 = first)."),
        *_who("recipient", "was paged"),
        _c("channel", "text", "telegram (the only channel so far)."),
        _c("status", "text", "pending, sent, failed or skipped (unreachable)."),
        _c("created_at", "datetime", "When the page was written."),
        _c("sent_at", "datetime", "When Telegram accepted it."),
        _c("error", "text", "Why it failed."),
    ),
)

ALERT_DECISIONS: Final = Table(
    "alert_decisions",
    "One row per decision a physician recorded on an alert (recorded, never acted on).",
    (
        _ref("alert_id", "alert"),
        PATIENT,
        _c("decision", "text", "continue, hold, restart, discontinue, dexamethasone, ..."),
        *_who("decided_by", "recorded it"),
        _c("decided_at", "datetime", "When."),
    ),
)

PROMPTS: Final = Table(
    "prompts",
    "One row per scheduled check due in the period: prompted, started, late or missed.",
    (
        _ref("scheduled_check_id", "scheduled check"),
        PATIENT,
        PATIENT_ID,
        _c("kind", "text", "baseline, routine, abnormal or adhoc."),
        _c("status", "text", "due, prompted, in_progress, done, missed or cancelled."),
        _c("due_at", "datetime", "When the check was due."),
        _c("prompted_at", "datetime", "When the prompt was sent to the nurses."),
        _c("reminder_level", "integer", "Rung reached: 0 prompt, 1 reminder, 2 charge, 3 MD."),
        _c("started_at", "datetime", "When the check was started."),
        _ref("check_id", "check that fulfilled it"),
        _c("late_by_minutes", "decimal", "Start minus due (0 when started early)."),
        _c("timeliness", "text", "on_time, late, missed, pending or cancelled (see summary)."),
    ),
)

TABLES: Final = (
    PATIENTS,
    CHECKS,
    CHECK_ANSWERS,
    GRADES,
    EVENTS,
    ALERTS,
    ALERT_PAGES,
    ALERT_DECISIONS,
    PROMPTS,
)

DICTIONARY: Final = Table(
    "data_dictionary",
    "Every column of every table of this export.",
    (
        _c("table", "text", "File name without .csv."),
        _c("column", "text", "Column name."),
        _c("type", "text", "text, integer, decimal, boolean, datetime or list (;-separated)."),
        _c("description", "text", "What it means."),
    ),
)


def dictionary_rows() -> list[dict[str, str]]:
    """The data dictionary's rows: every table's description, then its columns."""
    rows: list[dict[str, str]] = []
    for table in TABLES:
        rows.append(
            {"table": table.name, "column": "", "type": "", "description": table.description}
        )
        rows += [
            {"table": table.name, "column": c.name, "type": c.type, "description": c.description}
            for c in table.columns
        ]
    return rows
