"""Pseudonymised and FHIR exports of the seeded ward: no label leaves a pseudonymised export
and every interval survives it; every FHIR resource validates and points where it should."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from sqlmodel import col, select

from bot.services.export.fhir import QUESTIONNAIRE_URL
from bot.services.export.service import ExportRequest, Format
from storage.db import Database
from storage.models import Assessment, AssessmentStatus, GradeResult, Patient, Staff
from tests.services.export_seed import DAY, Seeded, seed
from tests.services.test_export import Rows, at, service, table
from tests.support.clock import FakeClock


@pytest.fixture
def seeded(db: Database, clock: FakeClock) -> Seeded:
    return seed(db, clock)


def run(
    db: Database, clock: FakeClock, target: Path, kind: Format = Format.CSV, **options: Any
) -> Path:
    service(db, clock).run(ExportRequest("H7", DAY, DAY, kind, target, **options))
    return target


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file())


def minutes(later: str, earlier: str) -> float | None:
    a, b = at(later), at(earlier)
    return None if a is None or b is None else (a - b).total_seconds() / 60


# -- pseudonymised ------------------------------------------------------------------------------


def test_no_label_or_name_appears_in_a_pseudonymised_export(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    csv_out = run(db, clock, tmp_path / "csv", pseudonymise=True)
    fhir_out = run(db, clock, tmp_path / "fhir", Format.FHIR, pseudonymise=True)
    with db.session() as session:
        labels = [p.label for p in session.exec(select(Patient)).all()]
        names = [s.display_name for s in session.exec(select(Staff)).all()]
    for folder in (csv_out, fhir_out):
        text = all_text(folder).lower()
        for word in (*labels, *names):
            assert word.lower() not in text, (folder.name, word)
        assert "bed " not in text
    patients = table(csv_out, "patients")
    assert all(r["patient"].startswith("P-") and r["patient_id"] == "" for r in patients)
    assert {r["patient"] for r in table(csv_out, "checks")} <= {r["patient"] for r in patients}


def test_a_pseudonymised_export_keeps_every_interval_but_no_date(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    plain = run(db, clock, tmp_path / "plain")
    pseudo = run(db, clock, tmp_path / "pseudo", pseudonymise=True)

    def intervals(folder: Path) -> list[tuple[float | None, ...]]:
        admitted = {r["patient"]: r["admitted_at"] for r in table(folder, "patients")}
        found: list[tuple[float | None, ...]] = [
            (
                minutes(r["submitted_at"], r["started_at"]),
                minutes(r["started_at"], admitted[r["patient"]]),
            )
            for r in table(folder, "checks")
        ]
        found += [
            (
                minutes(r["acknowledged_at"], r["opened_at"]),
                minutes(r["opened_at"], admitted[r["patient"]]),
            )
            for r in table(folder, "alerts")
        ]
        found += [
            (minutes(r["started_at"], r["due_at"]), minutes(r["due_at"], admitted[r["patient"]]))
            for r in table(folder, "prompts")
        ]
        return found

    assert intervals(pseudo) == intervals(plain)
    assert len(intervals(plain)) == 4 + 3 + 3
    shown: dict[str, Rows] = {"plain": table(plain, "checks"), "pseudo": table(pseudo, "checks")}
    for before, after in zip(shown["plain"], shown["pseudo"], strict=True):
        moved = at(after["started_at"]) - at(before["started_at"])  # type: ignore[operator]
        assert (
            moved.days != 0
            and abs(moved.days) <= 366
            and moved % dt.timedelta(days=1) == dt.timedelta()
        )
        assert (
            after["note"] == "" and after["nurse_name"] == "" and after["check_id"].startswith("C-")
        )


def test_each_pseudonymised_export_draws_new_identifiers(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    first = table(run(db, clock, tmp_path / "a", pseudonymise=True), "patients")
    second = table(run(db, clock, tmp_path / "b", pseudonymise=True), "patients")
    assert not {r["patient"] for r in first} & {r["patient"] for r in second}


# -- FHIR ---------------------------------------------------------------------------------------


def bundles(folder: Path) -> list[Bundle]:
    return [
        Bundle.model_validate_json(p.read_text(encoding="utf-8"))
        for p in sorted((folder / "bundles").glob("*.json"))
    ]


def test_every_fhir_resource_validates(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    out = run(db, clock, tmp_path / "fhir", Format.FHIR)
    checked = 0
    for path in sorted(out.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        resources = [data] + [e["resource"] for e in data.get("entry", [])]
        for resource in resources:
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            checked += 1
    # Bed 4: the patient, 2 responses and an event, 3 ICANS grades, and the CRS grades of its 2
    # checks (taken in the intensive window, so they asked the CRS questions); the child:
    # the patient, a response, a grade.
    assert checked == 2 + 2 + (1 + 3 + 3 + 2) + (1 + 1 + 1), "2 questionnaires, 2 bundles"
    questionnaires = {
        json.loads(p.read_text(encoding="utf-8"))["url"] for p in out.glob("Questionnaire-*.json")
    }
    assert questionnaires == {QUESTIONNAIRE_URL + "ice", QUESTIONNAIRE_URL + "capd"}


def test_bundles_hold_the_checks_grades_and_events_by_ward_label_only(
    db: Database, clock: FakeClock, seeded: Seeded, tmp_path: Path
) -> None:
    out = run(db, clock, tmp_path / "fhir", Format.FHIR)
    with db.session() as session:
        submitted = session.exec(
            select(Assessment).where(Assessment.status == AssessmentStatus.SUBMITTED)
        ).all()
        grades = session.exec(select(GradeResult).where(col(GradeResult.current))).all()
    by_label: dict[str, list[dict[str, Any]]] = {}
    for bundle in bundles(out):
        entries = [e.resource.model_dump(mode="json") for e in bundle.entry or []]  # type: ignore[union-attr]
        urls = {e.fullUrl for e in bundle.entry or []}
        [patient] = [r for r in entries if r["resourceType"] == "Patient"]
        assert set(patient) == {"resourceType", "identifier", "active"}, "no name, no birth date"
        [identifier] = patient["identifier"]
        assert identifier["system"] == "urn:test:label"
        by_label[identifier["value"]] = entries
        for resource in entries:
            references = [resource.get("subject", {}).get("reference")]
            references += [d["reference"] for d in resource.get("derivedFrom", [])]
            assert all(r in urls for r in references if r), "references stay in the bundle"
    assert set(by_label) == {"Bed 4", "Bed 9 child"}
    kinds = [r["resourceType"] for r in by_label["Bed 4"]]
    assert kinds.count("QuestionnaireResponse") == sum(
        c.patient_id == seeded.bed4 for c in submitted
    )
    observations = [r for r in by_label["Bed 4"] if r["resourceType"] == "Observation"]
    icans = sorted(
        o["valueInteger"] for o in observations if o["code"]["coding"][0]["code"] == "icans-grade"
    )
    assert icans == sorted(g.icans_grade or 0 for g in grades if g.patient_id == seeded.bed4)
    [event] = [o for o in observations if o["code"]["coding"][0]["code"] == "event-seizure"]
    assert event["valueCodeableConcept"]["text"] == "seizure.resolved_rapidly"
    [capd] = [r for r in by_label["Bed 9 child"] if r["resourceType"] == "QuestionnaireResponse"]
    assert capd["questionnaire"] == QUESTIONNAIRE_URL + "capd"
    assert {i["linkId"] for i in capd["item"]} >= {"consciousness", "capd_eye_contact", "seizure"}
