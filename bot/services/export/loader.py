"""Reading an export's rows a page of patients at a time, so that memory stays bounded.

``batches`` is a generator: it reads one page of patients (keyset on the id) and every row
of theirs in the window, hands it over, and forgets it before reading the next page. The
session is the export's snapshot, so the pages together are one consistent state.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

from sqlmodel import Session

from storage.models import (
    Assessment,
    AuditLog,
    ClinicalEvent,
    Escalation,
    EscalationDelivery,
    GradeResult,
    Patient,
    ScheduledCheck,
)
from storage.repositories import export as repo

PAGE: Final = 200


@dataclass
class Alert:
    row: Escalation
    check_id: int | None
    event_id: int | None
    pages: list[EscalationDelivery] = field(default_factory=list)
    decisions: list[AuditLog] = field(default_factory=list)


@dataclass
class Prompt:
    row: ScheduledCheck
    started_at: dt.datetime | None


@dataclass
class PatientRows:
    """One patient's rows in the window."""

    patient: Patient
    checks: list[Assessment] = field(default_factory=list)
    answers: dict[int, list[repo.Answer]] = field(default_factory=dict)
    grades: list[GradeResult] = field(default_factory=list)
    events: list[ClinicalEvent] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.patient.id or 0


@dataclass(frozen=True)
class Window:
    ward_id: int
    start: dt.datetime
    end: dt.datetime


def batches(session: Session, window: Window, page: int = PAGE) -> Iterator[list[PatientRows]]:
    """Pages of patients with their rows, in patient id order."""
    after = 0
    while True:
        patients = repo.patients_page(
            session,
            ward_id=window.ward_id,
            start=window.start,
            end=window.end,
            after_id=after,
            limit=page,
        )
        if not patients:
            return
        yield _load(session, window, patients)
        after = patients[-1].id or 0
        session.expunge_all()  # the page is written: let it go


def _load(session: Session, window: Window, patients: Sequence[Patient]) -> list[PatientRows]:
    rows = {p.id or 0: PatientRows(p) for p in patients}
    ids = list(rows)
    start, end = window.start, window.end
    checks = repo.checks(session, patient_ids=ids, start=start, end=end)
    for check in checks:
        rows[check.patient_id].checks.append(check)
    answers: dict[int, list[repo.Answer]] = defaultdict(list)
    for answer in repo.answers(session, assessment_ids=[c.id or 0 for c in checks]):
        answers[answer.assessment_id].append(answer)
    for check in checks:
        rows[check.patient_id].answers[check.id or 0] = answers.get(check.id or 0, [])
    events = repo.events(session, patient_ids=ids, start=start, end=end)
    for event in events:
        rows[event.patient_id].events.append(event)
    for grade in repo.grades(
        session,
        patient_ids=ids,
        assessment_ids=[c.id or 0 for c in checks],
        event_ids=[e.id or 0 for e in events],
    ):
        rows[grade.patient_id].grades.append(grade)
    _load_alerts(session, window, rows)
    for prompt, started_at in repo.prompts(session, patient_ids=ids, start=start, end=end):
        rows[prompt.patient_id].prompts.append(Prompt(prompt, started_at))
    return list(rows.values())


def _load_alerts(session: Session, window: Window, rows: dict[int, PatientRows]) -> None:
    ids = list(rows)
    alerts = {
        escalation.id or 0: Alert(escalation, check_id, event_id)
        for escalation, check_id, event_id in repo.alerts(
            session, patient_ids=ids, start=window.start, end=window.end
        )
    }
    for page in repo.pages(session, escalation_ids=list(alerts)):
        alerts[page.escalation_id].pages.append(page)
    for decision in repo.decisions(session, patient_ids=ids, escalation_ids=list(alerts)):
        alerts[decision.entity_id or 0].decisions.append(decision)
    for alert in alerts.values():
        rows[alert.row.patient_id].alerts.append(alert)
