"""One patient's stored rows as the rows of the CSV tables (see ``columns`` for each column).

Each function returns plain dicts keyed by column name, values still typed (the writer
formats them), so the same rows feed the CSV files and the quality summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from bot.clinical import Domain, age_on
from bot.clinical.quality import Timeliness, late_by, timeliness
from bot.services.export.loader import Alert, PatientRows, Prompt
from bot.services.export.present import Present, Row
from storage.models import CheckStatus, DeliveryStatus, GradeResult


def patient_row(rows: PatientRows, p: Present) -> Row:
    patient, pid = rows.patient, rows.id
    admitted = patient.admitted_at.astimezone(p.zone).date()
    age = age_on(patient.date_of_birth, max(admitted, patient.date_of_birth))
    return {
        "patient": p.patient(pid, patient.label),
        "patient_id": p.patient_id(pid),
        "age_at_admission": p.age(age),
        "weight_band": patient.weight_band.value,
        "use_capd": patient.use_capd,
        "risk_flags": p.texts(patient.risk_flags),
        "status": patient.status.value,
        "admitted_at": p.time(patient.admitted_at, pid),
        "discharged_at": p.time(patient.discharged_at, pid),
    }


def _grade_cells(grade: GradeResult | None) -> Row:
    """The grade columns shared by checks and grades (CRS only when the check asked it)."""
    if grade is None:
        return {}
    domains: dict[str, Any] = grade.domain_grades
    return {
        "ice_score": grade.ice_score,
        "capd_score": grade.capd_score,
        "icans_grade": grade.icans_grade,
        "complete": grade.complete,
        **{f"grade_{d.value}": domains.get(d.value) for d in Domain},
        "flags": list(grade.flags),
        "attributed_elsewhere": list(grade.attributed_elsewhere),
        "ruleset": grade.ruleset,
        "crs_grade": grade.crs_grade,
        "temperature_c": grade.temperature_c,
    }


def current_grades(rows: PatientRows) -> dict[tuple[str, int], GradeResult]:
    """The current grade of each check (``("check", id)``) and event (``("event", id)``)."""
    found: dict[tuple[str, int], GradeResult] = {}
    for grade in rows.grades:
        if not grade.current:
            continue
        if grade.assessment_id is not None:
            found["check", grade.assessment_id] = grade
        elif grade.event_id is not None:
            found["event", grade.event_id] = grade
    return found


def check_rows(rows: PatientRows, p: Present) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    grades = current_grades(rows)
    for check in rows.checks:
        grade = grades.get(("check", check.id or 0))
        answers = {a.item: a for a in rows.answers.get(check.id or 0, [])}
        yield {
            "check_id": p.ref("check", check.id),
            "patient": p.patient(pid, label),
            "patient_id": p.patient_id(pid),
            "scheduled_check_id": p.ref("scheduled", check.scheduled_check_id),
            "baseline": check.is_baseline,
            "status": check.status.value,
            "tool": check.tool,
            **p.who("nurse", check.holder_id),
            "started_at": p.time(check.started_at, pid),
            "submitted_at": p.time(check.submitted_at, pid),
            **_items(answers),
            "note": p.text(check.note),
            "has_photo": check.photo_file_id is not None,
            **_grade_cells(grade),
            "regraded": None if grade is None else grade.supersedes_id is not None,
            "graded_at": None if grade is None else p.time(grade.graded_at, pid),
        }


def _items(answers: dict[str, Any]) -> Row:
    """The answered items spread into columns (a check not submitted has none)."""
    if not answers:
        return {}
    cells: Row = {"consciousness": _value(answers, "consciousness")}
    for item, answer in answers.items():
        if item in ("year", "month", "city", "hospital", "command", "writing", "attention") or (
            item.startswith("naming_")
        ):
            cells[f"ice_{item}"] = answer.value
        elif item.startswith("capd_"):
            cells[item] = answer.value
    cells["capd_not_assessable"] = "capd" in answers
    cells["not_assessable_reasons"] = [
        f"{item}={a.reason}" for item, a in answers.items() if a.reason
    ]
    cells["seizure"] = _value(answers, "seizure")
    cells["motor_findings"] = [i.removeprefix("motor_") for i in answers if i.startswith("motor_")]
    cells["icp_findings"] = [i.removeprefix("icp_") for i in answers if i.startswith("icp_")]
    return cells


def _value(answers: dict[str, Any], item: str) -> str | None:
    answer = answers.get(item)
    return None if answer is None else str(answer.value)


def answer_rows(rows: PatientRows, p: Present) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    for check in rows.checks:
        for answer in rows.answers.get(check.id or 0, []):
            yield {
                "check_id": p.ref("check", check.id),
                "patient": p.patient(pid, label),
                "item": answer.item,
                "value": answer.value,
                "reason": answer.reason,
                **p.who("answered_by", answer.answered_by_id),
                "answered_at": p.time(answer.answered_at, pid),
            }


def grade_rows(rows: PatientRows, p: Present) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    for grade in rows.grades:
        yield {
            "grade_id": p.ref("grade", grade.id),
            "patient": p.patient(pid, label),
            "check_id": p.ref("check", grade.assessment_id),
            "event_id": p.ref("event", grade.event_id),
            "current": grade.current,
            "supersedes_id": p.ref("grade", grade.supersedes_id),
            "tool": grade.tool,
            **_grade_cells(grade),
            "recorded_seizure": grade.recorded_seizure,
            "recorded_hemorrhage": grade.recorded_hemorrhage,
            "attribution_reason": p.text(grade.attribution_reason),
            **p.who("graded_by", grade.graded_by_id),
            "graded_at": p.time(grade.graded_at, pid),
        }


def event_rows(rows: PatientRows, p: Present) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    grades = current_grades(rows)
    for event in rows.events:
        grade = grades.get(("event", event.id or 0))
        yield {
            "event_id": p.ref("event", event.id),
            "patient": p.patient(pid, label),
            "patient_id": p.patient_id(pid),
            "kind": event.kind.value,
            "finding": event.detail.get("finding"),
            "occurred_at": p.time(event.occurred_at, pid),
            **p.who("reported_by", event.reported_by_id),
            "reported_at": p.time(event.reported_at, pid),
            "grade_id": p.ref("grade", grade.id if grade else None),
            "icans_grade": grade.icans_grade if grade else None,
        }


def minutes_to_ack(alert: Alert) -> float | None:
    row = alert.row
    if row.acknowledged_at is None:
        return None
    return (row.acknowledged_at - row.created_at).total_seconds() / 60


def alert_rows(rows: PatientRows, p: Present) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    for alert in rows.alerts:
        row = alert.row
        sent = [d.sent_at for d in alert.pages if d.sent_at is not None]
        delivered = [d for d in alert.pages if d.status is DeliveryStatus.SENT]
        waited = minutes_to_ack(alert)
        yield {
            "alert_id": p.ref("alert", row.id),
            "patient": p.patient(pid, label),
            "patient_id": p.patient_id(pid),
            "urgency": row.urgency.value,
            "reasons": list(row.reasons),
            "source": row.source,
            "check_id": p.ref("check", alert.check_id),
            "event_id": p.ref("event", alert.event_id),
            "scheduled_check_id": p.ref("scheduled", row.scheduled_check_id),
            "status": row.status.value,
            "opened_at": p.time(row.created_at, pid),
            "pages": len(alert.pages),
            "pages_delivered": len(delivered),
            "first_page_sent_at": p.time(min(sent), pid) if sent else None,
            **p.who("acknowledged_by", row.acknowledged_by_id),
            "acknowledged_at": p.time(row.acknowledged_at, pid),
            "acknowledgement": row.ack_kind,
            "minutes_to_acknowledgement": None if waited is None else round(waited, 2),
            "closed_at": p.time(row.closed_at, pid),
            "closed_reason": row.closed_reason,
            "decisions": [str(d.detail.get("decision")) for d in alert.decisions],
        }


def page_rows(rows: PatientRows, p: Present) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    for alert in rows.alerts:
        for page in alert.pages:
            yield {
                "page_id": p.ref("page", page.id),
                "alert_id": p.ref("alert", alert.row.id),
                "patient": p.patient(pid, label),
                "step": page.step_index,
                **p.who("recipient", page.staff_id),
                "channel": "telegram",
                "status": page.status.value,
                "created_at": p.time(page.created_at, pid),
                "sent_at": p.time(page.sent_at, pid),
                "error": page.error,
            }


def decision_rows(rows: PatientRows, p: Present) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    for alert in rows.alerts:
        for decision in alert.decisions:
            yield {
                "alert_id": p.ref("alert", alert.row.id),
                "patient": p.patient(pid, label),
                "decision": str(decision.detail.get("decision")),
                **p.who("decided_by", decision.actor_staff_id),
                "decided_at": p.time(decision.at, pid),
            }


def prompt_rows(
    rows: PatientRows, p: Present, *, on_time_within: dt.timedelta, now: dt.datetime
) -> Iterator[Row]:
    pid, label = rows.id, rows.patient.label
    for prompt in rows.prompts:
        row, started = prompt.row, prompt.started_at
        late = late_by(row.due_at, started)
        yield {
            "scheduled_check_id": p.ref("scheduled", row.id),
            "patient": p.patient(pid, label),
            "patient_id": p.patient_id(pid),
            "kind": row.kind.value,
            "status": row.status.value,
            "due_at": p.time(row.due_at, pid),
            "prompted_at": p.time(row.prompted_at, pid),
            "reminder_level": row.reminder_level,
            "started_at": p.time(started, pid),
            "check_id": p.ref("check", row.assessment_id),
            "late_by_minutes": None if late is None else round(late.total_seconds() / 60, 2),
            "timeliness": prompt_timeliness(prompt, on_time_within, now).value,
        }


def prompt_timeliness(prompt: Prompt, on_time_within: dt.timedelta, now: dt.datetime) -> Timeliness:
    return timeliness(
        due_at=prompt.row.due_at,
        started_at=prompt.started_at,
        cancelled=prompt.row.status is CheckStatus.CANCELLED,
        on_time_within=on_time_within,
        now=now,
    )
