"""FHIR for the health record: a Bundle per patient, every resource validated before writing.

The models come from ``fhir.resources`` (its ``R4B`` package: FHIR 4.3, which reads and
writes these resources exactly as R4 4.0.1 does). A check is a QuestionnaireResponse against
the ICE or CAPD Questionnaire (written once per export beside the bundles); its ICANS grade
is an Observation derived from it; an event is an Observation and its grade one derived from
that. The Patient carries the ward label (or the export's pseudonym) as an identifier in the
hospital's system, and nothing else: no name, no date of birth. Staff are not exported.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any, Final

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from bot.clinical import (
    CapdAnswer,
    CapdQuestion,
    Consciousness,
    Domain,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    NotAssessableReason,
    Seizure,
)
from bot.services.export.loader import PatientRows
from bot.services.export.present import Present
from bot.services.export.rows import current_grades
from storage.models import Assessment, AssessmentStatus, ClinicalEvent, GradeResult

BASE: Final = "urn:neurocheck"
CODES: Final = f"{BASE}:codes"
ANSWERS: Final = f"{BASE}:answers"
QUESTIONNAIRE_URL: Final = f"{BASE}:questionnaire:"
CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
ABSENT: Final = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


Json = dict[str, Any]


def validated(data: Json) -> Json:
    """``data``, once the FHIR model library has read it as its resource type without error
    (it raises otherwise). What is written is this JSON itself: serialising the library's
    model again cost more than building and validating it (tests/bench/bench_export.py)."""
    get_fhir_model_class(data["resourceType"]).model_validate(data)
    return data


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _choice(link: str, text: str, codes: list[str], reason: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": link,
        "text": text,
        "type": "choice",
        "answerOption": [{"valueCoding": _coding(ANSWERS, c)} for c in codes],
    }
    if reason:
        item["item"] = [
            _choice(f"{link}.reason", "Why not assessable", [r.value for r in NotAssessableReason])
        ]
    return item


def questionnaire(tool: str) -> Json:
    """The ICE or CAPD check as Neurocheck asks it, with the other ICANS domains."""
    items = [_choice("consciousness", "Level of consciousness", [c.value for c in Consciousness])]
    if tool == "ice":
        answers = [a.value for a in ItemAnswer]
        items += [_choice(i.value, f"ICE: {i.value}", answers, reason=True) for i in IceItem]
    else:
        answers = [a.value for a in CapdAnswer]
        items += [_choice(f"capd_{q.value}", f"CAPD: {q.value}", answers) for q in CapdQuestion]
        items.append(
            _choice("capd", "CAPD not assessable", [ItemAnswer.NOT_ASSESSABLE.value], True)
        )
    items.append(_choice("seizure", "Seizure since the last check", [s.value for s in Seizure]))
    items += [_choice(f"motor_{m.value}", f"Motor: {m.value}", ["present"]) for m in MotorFinding]
    items += [_choice(f"icp_{i.value}", f"ICP/imaging: {i.value}", ["present"]) for i in IcpFinding]
    title = "ICE score" if tool == "ice" else "Cornell Assessment of Pediatric Delirium"
    return validated(
        {
            "resourceType": "Questionnaire",
            "url": QUESTIONNAIRE_URL + tool,
            "name": f"Neurocheck{tool.upper()}",
            "title": f"Neurocheck neuro check: {title} and ICANS domains",
            "status": "active",
            "subjectType": ["Patient"],
            "item": items,
        }
    )


def _url() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _when(p: Present, value: dt.datetime | None, patient_id: int) -> str | None:
    return p.time(value, patient_id)


def bundle(rows: PatientRows, p: Present, now: dt.datetime) -> Json:
    """The patient's bundle (type collection); each resource validated as it is made, then
    the envelope (type, timestamp, full URLs) without them, so none is validated twice."""
    patient_url = _url()
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": patient_url,
            "resource": validated(
                {
                    "resourceType": "Patient",
                    "identifier": [{"system": p.fhir_system, "value": _label(rows, p)}],
                    "active": rows.patient.status.value == "active",
                }
            ),
        }
    ]
    entries += _entries(rows, p, patient_url)
    envelope: Json = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.astimezone(p.zone).isoformat(),
    }
    Bundle.model_validate({**envelope, "entry": [{"fullUrl": e["fullUrl"]} for e in entries]})
    return {**envelope, "entry": entries}


def _label(rows: PatientRows, p: Present) -> str:
    return p.patient(rows.id, rows.patient.label)


def _entries(rows: PatientRows, p: Present, patient_url: str) -> Iterator[dict[str, Any]]:
    grades = current_grades(rows)
    for check in rows.checks:
        if check.status is not AssessmentStatus.SUBMITTED:
            continue
        url = _url()
        yield {"fullUrl": url, "resource": _response(check, rows, p, patient_url)}
        grade = grades.get(("check", check.id or 0))
        if grade is not None:
            yield from _grade_observations(grade, rows, p, patient_url, url)
    for event in rows.events:
        url = _url()
        yield {"fullUrl": url, "resource": _event(event, rows, p, patient_url)}
        grade = grades.get(("event", event.id or 0))
        if grade is not None:
            yield from _grade_observations(grade, rows, p, patient_url, url)


def _response(check: Assessment, rows: PatientRows, p: Present, subject: str) -> Json:
    items = []
    for answer in rows.answers.get(check.id or 0, []):
        value: dict[str, Any] = {"valueCoding": _coding(ANSWERS, answer.value)}
        if answer.reason:
            value["item"] = [
                {
                    "linkId": f"{answer.item}.reason",
                    "answer": [{"valueCoding": _coding(ANSWERS, answer.reason)}],
                }
            ]
        items.append({"linkId": answer.item, "answer": [value]})
    return validated(
        {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": QUESTIONNAIRE_URL + (check.tool or "ice"),
            "status": "completed",
            "subject": {"reference": subject},
            "authored": _when(p, check.submitted_at, rows.id),
            "item": items,
        }
    )


def _event(event: ClinicalEvent, rows: PatientRows, p: Present, subject: str) -> Json:
    finding = str(event.detail.get("finding", event.kind.value))
    return validated(
        {
            "resourceType": "Observation",
            "status": "final",
            "category": [{"coding": [_coding(CATEGORY, "exam", "Exam")]}],
            "code": {
                "coding": [_coding(CODES, f"event-{event.kind.value}")],
                "text": f"Neurological event: {event.kind.value}",
            },
            "subject": {"reference": subject},
            "effectiveDateTime": _when(p, event.occurred_at, rows.id),
            "issued": _when(p, event.reported_at, rows.id),
            "valueCodeableConcept": {"coding": [_coding(ANSWERS, finding)], "text": finding},
        }
    )


def _grade_observations(
    grade: GradeResult, rows: PatientRows, p: Present, subject: str, source: str
) -> Iterator[dict[str, Any]]:
    yield {"fullUrl": _url(), "resource": _icans(grade, rows, p, subject, source)}
    crs = grade.crs_grade
    if crs is not None:
        yield {
            "fullUrl": _url(),
            "resource": _observation(
                grade, rows, p, subject, source, "crs-grade", "CRS grade (ASTCT)", crs, []
            ),
        }


def _icans(grade: GradeResult, rows: PatientRows, p: Present, subject: str, source: str) -> Json:
    components = [
        _component("ice-score", "ICE score", grade.ice_score),
        _component("capd-score", "CAPD score", grade.capd_score),
        *(
            _component(
                f"icans-{d.value}", f"ICANS {d.value} domain", grade.domain_grades.get(d.value)
            )
            for d in Domain
        ),
    ]
    return _observation(
        grade,
        rows,
        p,
        subject,
        source,
        "icans-grade",
        "ICANS grade (ASTCT)",
        grade.icans_grade,
        [c for c in components if c is not None],
    )


def _component(code: str, text: str, value: int | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"code": {"coding": [_coding(CODES, code)], "text": text}, "valueInteger": value}


def _observation(
    grade: GradeResult,
    rows: PatientRows,
    p: Present,
    subject: str,
    source: str,
    code: str,
    text: str,
    value: int | None,
    components: list[dict[str, Any]],
) -> Json:
    data: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "amended" if grade.supersedes_id is not None else "final",
        "category": [{"coding": [_coding(CATEGORY, "survey", "Survey")]}],
        "code": {"coding": [_coding(CODES, code, text)], "text": text},
        "subject": {"reference": subject},
        "effectiveDateTime": _when(p, grade.graded_at, rows.id),
        "derivedFrom": [{"reference": source}],
        "method": {"text": f"ruleset {grade.ruleset}"},
    }
    if value is None:
        data["dataAbsentReason"] = {"coding": [_coding(ABSENT, "unknown")]}
    else:
        data["valueInteger"] = value
    if not grade.complete:
        data["note"] = [{"text": "incomplete check: the grade is a lower bound"}]
    if components:
        data["component"] = components
    return validated(data)
