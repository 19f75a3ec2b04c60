"""The CSV export and the quality summary against the database: a ward seeded through the real
services, exported, and every table compared with the rows it came from."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.services.errors import RefusedError
from bot.services.export import columns
from bot.services.export.refusals import ExportRefusal
from bot.services.export.service import (
    ExportRequest,
    ExportResult,
    ExportService,
    Format,
)
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentAnswer,
    AuditLog,
    ClinicalEvent,
    Escalation,
    EscalationDelivery,
    GradeResult,
    Patient,
    ScheduledCheck,
)
from tests.services.export_seed import BERLIN, DAY, Seeded, seed
from tests.support.clock import FakeClock

Rows = list[dict[str, str]]


@pytest.fixture
def seeded(db: Database, clock: FakeClock) -> Seeded:
    return seed(db, clock)


def service(db: Database, clock: FakeClock, page: int = 200) -> ExportService:
    return ExportService(db, clock, BERLIN, fhir_system="urn:test:label", page=page)


def export(
    db: Database, clock: FakeClock, target: Path, *, page: int = 200, **changes: Any
) -> ExportResult:
    request = ExportRequest("H7", DAY, DAY, Format.CSV, target)
    return service(db, clock, page).run(dataclasses.replace(request, **changes))


def table(folder: Path, name: str) -> Rows:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def at(text: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def h7_patients(db: Database, seeded: Seeded) -> dict[int, str]:
    with db.session() as session:
        rows = session.exec(select(Patient).where(Patient.ward_id == seeded.ward_id)).all()
        return {p.id or 0: p.label for p in rows if p.discharged_at is None}


# -- the tables against the database ------------------------------------------------------------


def test_every_table_matches_the_database_row_for_row(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    out = tmp_path / "export"
    result = export(db, clock, out, page=1)  # one patient a page: the paging is exercised
    labels = h7_patients(db, seeded)
    with db.session() as session:
        checks = session.exec(
            select(Assessment).where(col(Assessment.patient_id).in_(labels))
        ).all()
        answers = session.exec(select(AssessmentAnswer)).all()
        grades = session.exec(
            select(GradeResult).where(col(GradeResult.patient_id).in_(labels))
        ).all()
        events = session.exec(select(ClinicalEvent)).all()
        alerts = session.exec(select(Escalation)).all()
        pages = session.exec(select(EscalationDelivery)).all()
        prompts = session.exec(
            select(ScheduledCheck).where(col(ScheduledCheck.patient_id).in_(labels))
        ).all()
        decisions = session.exec(
            select(AuditLog)
            .where(AuditLog.action == "escalation.decision")
            .order_by(col(AuditLog.entity_id), col(AuditLog.id))
        ).all()

    patients = table(out, "patients")
    assert {r["patient"] for r in patients} == set(labels.values()) == {"Bed 4", "Bed 9 child"}

    exported = {int(r["check_id"]): r for r in table(out, "checks")}
    assert set(exported) == {c.id for c in checks} and len(checks) == 4
    for check in checks:
        row = exported[check.id or 0]
        assert row["patient"] == labels[check.patient_id]
        assert (row["status"], row["tool"], row["nurse_name"]) == (
            check.status.value,
            check.tool,
            "Nurse Ada",
        )
        assert at(row["started_at"]) == check.started_at
        assert at(row["submitted_at"]) == check.submitted_at
        assert row["started_at"].endswith("+01:00"), "times are in the hospital's zone"
    current = {g.assessment_id: g for g in grades if g.current and g.assessment_id}
    for check_id, grade in current.items():
        row = exported[check_id or 0]
        assert row["icans_grade"] == str(grade.icans_grade)
        assert row["ice_score"] == ("" if grade.ice_score is None else str(grade.ice_score))
        assert row["ruleset"] == grade.ruleset
        assert row["crs_grade"] == ("" if grade.crs_grade is None else str(grade.crs_grade))
    ice8 = next(r for r in exported.values() if r["ice_score"] == "8")
    assert (ice8["ice_hospital"], ice8["ice_writing"], ice8["motor_findings"]) == (
        "wrong",
        "wrong",
        "tremor",
    )
    capd = next(r for r in exported.values() if r["tool"] == "capd" and r["status"] == "submitted")
    assert capd["capd_eye_contact"] == "always" and capd["capd_score"] == "0"

    assert sorted(
        (int(r["check_id"]), r["item"], r["value"]) for r in table(out, "check_answers")
    ) == sorted((a.assessment_id, a.item, a.value) for a in answers)
    assert sorted(int(r["grade_id"]) for r in table(out, "grades")) == sorted(
        g.id or 0 for g in grades
    )
    [event] = table(out, "events")
    assert (int(event["event_id"]), event["finding"], event["icans_grade"]) == (
        events[0].id,
        "seizure.resolved_rapidly",
        "3",
    )

    by_alert = {int(r["alert_id"]): r for r in table(out, "alerts")}
    assert set(by_alert) == {a.id for a in alerts} and len(alerts) == 3
    for alert in alerts:
        row = by_alert[alert.id or 0]
        assert (row["urgency"], row["status"], row["source"]) == (
            alert.urgency.value,
            alert.status.value,
            alert.source,
        )
        assert at(row["opened_at"]) == alert.created_at
        assert at(row["acknowledged_at"]) == alert.acknowledged_at
        assert int(row["pages"]) == sum(p.escalation_id == alert.id for p in pages)
    acknowledged = next(r for r in by_alert.values() if r["acknowledged_at"])
    assert acknowledged["acknowledged_by_name"] == "Dr Pim"
    assert acknowledged["minutes_to_acknowledgement"] == "4.0"
    assert acknowledged["decisions"] == "dexamethasone;continue"
    assert sorted((int(r["page_id"]), r["status"]) for r in table(out, "alert_pages")) == sorted(
        (p.id or 0, p.status.value) for p in pages
    )
    assert [(int(r["alert_id"]), r["decision"]) for r in table(out, "alert_decisions")] == [
        (d.entity_id, d.detail["decision"]) for d in decisions
    ]

    exported_prompts = {int(r["scheduled_check_id"]): r for r in table(out, "prompts")}
    in_day = [p for p in prompts if p.due_at.astimezone(BERLIN).date() == DAY]
    assert set(exported_prompts) == {p.id for p in in_day}
    timeliness = sorted(r["timeliness"] for r in exported_prompts.values())
    assert timeliness == ["late", "missed", "on_time"]
    late = next(r for r in exported_prompts.values() if r["timeliness"] == "late")
    assert late["late_by_minutes"] == "20.0" and late["kind"] == "baseline"
    assert result.counts["checks"] == 4 and result.counts["alerts"] == 3


def test_the_data_dictionary_describes_every_column_and_only_those(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    export(db, clock, tmp_path / "x")
    described = {(r["table"], r["column"]) for r in table(tmp_path / "x", "data_dictionary")}
    for spec in columns.TABLES:
        with (tmp_path / "x" / spec.file_name).open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert {(spec.name, c) for c in header} | {(spec.name, "")} == {
            d for d in described if d[0] == spec.name
        }


def test_the_window_and_the_ward_bound_the_export(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    result = service(db, clock).run(
        ExportRequest(
            "H7",
            DAY + dt.timedelta(days=1),
            DAY + dt.timedelta(days=2),
            Format.CSV,
            tmp_path / "later",
        )
    )
    assert table(tmp_path / "later", "checks") == []
    assert {r["patient"] for r in table(tmp_path / "later", "patients")} == {"Bed 4", "Bed 9 child"}
    assert result.summary.patients == 2
    export(db, clock, tmp_path / "day")
    text = (tmp_path / "day" / "patients.csv").read_text(encoding="utf-8")
    assert "Bed 1" not in text, "another ward's patient"
    assert "Bed 2" not in text, "discharged before the period"


# -- the summary --------------------------------------------------------------------------------


def test_the_summary_counts_checks_and_times_to_acknowledgement(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    result = service(db, clock).run(ExportRequest("H7", DAY, DAY, Format.SUMMARY))
    assert result.target is None
    lines = result.summary.text().splitlines()
    assert lines[0] == "Quality summary: ward H7, 2026-11-24 to 2026-11-24 (Europe/Berlin)"
    assert lines[1] == "patients: 2; checks started: 4; events: 1"
    assert lines[2].startswith("checks due: 3; done on time: 1; late: 1; missed: 1")
    assert "alerts critical: 2; acknowledged: 0" in lines  # the seizure, then the missed check
    assert (
        "alerts high: 1; acknowledged: 1; time to acknowledgement median 4.0 min, "
        "90th percentile 4.0 min" in lines
    )
    assert lines[-1].startswith("second channel: 1 alert also left Telegram")  # not acked in time
    export(db, clock, tmp_path / "x")
    assert (tmp_path / "x" / "summary.txt").read_text(encoding="utf-8").strip() == "\n".join(lines)


# -- refusals and the audit ---------------------------------------------------------------------


def test_refusals_name_the_rule_and_write_nothing(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    exporter = service(db, clock)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    cases = [
        (ExportRequest("H8", DAY, DAY, Format.CSV, tmp_path / "a"), ExportRefusal.UNKNOWN_WARD),
        (
            ExportRequest("H7", DAY, DAY - dt.timedelta(days=1), Format.CSV, tmp_path / "b"),
            ExportRefusal.PERIOD,
        ),
        (
            ExportRequest("H7", DAY, DAY, Format.CSV, tmp_path, actor=seeded.admin),
            ExportRefusal.TARGET_EXISTS,
        ),
        (
            ExportRequest("H7", DAY, DAY, Format.CSV, tmp_path / "c", actor=seeded.nurse),
            ExportRefusal.NOT_ADMIN,
        ),
    ]
    for request, problem in cases:
        with pytest.raises(RefusedError) as refused:
            exporter.run(request)
        assert refused.value.code is problem
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_every_export_is_audited_with_who_what_and_how_much(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    request = ExportRequest(
        "H7", DAY, DAY, Format.CSV, tmp_path / "x.zip", zip=True, actor=seeded.admin, via="chat"
    )
    service(db, clock).run(request)
    with db.session() as session:
        rows = session.exec(
            select(AuditLog)
            .where(col(AuditLog.action).startswith("export."))
            .order_by(col(AuditLog.id))
        ).all()
    assert [r.action for r in rows] == ["export.started", "export.completed"]
    assert all(r.actor_staff_id == seeded.admin.id and r.ward_id == seeded.ward_id for r in rows)
    assert rows[0].detail["format"] == "csv" and rows[0].detail["via"] == "chat"
    assert rows[1].detail["rows"]["checks"] == 4 and rows[1].detail["patients"] == 2
