"""The writers of the formats: each receives one patient's rows at a time and writes them
(CSV tables, a FHIR bundle), so nothing accumulates; the summary format writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum

from bot.services.export import columns, fhir, rows
from bot.services.export.files import CsvTables, Folder
from bot.services.export.loader import PatientRows
from bot.services.export.present import Present


class Format(StrEnum):
    CSV = "csv"
    FHIR = "fhir"
    SUMMARY = "summary"


class Writer:
    """Receives each patient's rows; the summary format writes nothing."""

    counts: dict[str, int]

    def __init__(self) -> None:
        self.counts = {}

    def add(self, patient: PatientRows) -> None:
        pass

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass


class CsvWriter(Writer):
    def __init__(self, folder: Folder, present: Present, on_time: dt.timedelta, now: dt.datetime):
        super().__init__()
        with CsvTables(folder, [columns.DICTIONARY]) as dictionary:
            dictionary.write(columns.DICTIONARY.name, columns.dictionary_rows())
        self._tables = CsvTables(folder, columns.TABLES)
        self._present, self._on_time, self._now = present, on_time, now

    def add(self, patient: PatientRows) -> None:
        p, t = self._present, self._tables
        t.write("patients", [rows.patient_row(patient, p)])
        t.write("checks", rows.check_rows(patient, p))
        t.write("check_answers", rows.answer_rows(patient, p))
        t.write("grades", rows.grade_rows(patient, p))
        t.write("events", rows.event_rows(patient, p))
        t.write("alerts", rows.alert_rows(patient, p))
        t.write("alert_pages", rows.page_rows(patient, p))
        t.write("alert_decisions", rows.decision_rows(patient, p))
        t.write(
            "prompts", rows.prompt_rows(patient, p, on_time_within=self._on_time, now=self._now)
        )
        self.counts = t.counts

    def __exit__(self, *_exc: object) -> None:
        self._tables.__exit__(None, None, None)


class FhirWriter(Writer):
    def __init__(self, folder: Folder, present: Present, now: dt.datetime) -> None:
        super().__init__()
        self._folder, self._present, self._now = folder, present, now
        for tool in ("ice", "capd"):
            with folder.open(f"Questionnaire-{tool}.json") as handle:
                json.dump(fhir.questionnaire(tool), handle, indent=2)
        self.counts = {"bundles": 0, "resources": 0}

    def add(self, patient: PatientRows) -> None:
        bundle = fhir.bundle(patient, self._present, self._now)
        key = self._present.ref("patient", patient.id)
        with self._folder.open(f"bundles/Patient-{key}.json") as handle:
            handle.write(json.dumps(bundle, separators=(",", ":")))  # the C encoder
        self.counts["bundles"] += 1
        self.counts["resources"] += len(bundle["entry"])


def make(
    kind: Format, folder: Folder | None, present: Present, on_time: dt.timedelta, now: dt.datetime
) -> Writer:
    if kind is Format.SUMMARY or folder is None:
        return Writer()
    if kind is Format.CSV:
        return CsvWriter(folder, present, on_time, now)
    return FhirWriter(folder, present, now)
