"""CRS in the check round: whether a check asks, what it is graded and compared with.

Which checks ask (bot/clinical/README.md section 11): every check taken while the patient is
within an intensive window (the protocol's hospital days, 48 h after a step-up or restart),
whatever started it: the scheduled intensive and baseline checks, and also an ad-hoc
``/check`` or an hourly abnormal check in that window (the safer reading: CRS comes early, in
exactly those days). A scheduled intensive or baseline check asks even when the window has
just closed. Ward-watch and recovery checks outside the window do not ask. A ward can switch
the questions off (``neurocheck ward settings H7 crs.ask=off``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from sqlmodel import Session

from bot.clinical import FEVER_THRESHOLD_C, CrsResult, check_crs, grade_crs
from bot.clinical.crs_triggers import CrsChange
from bot.clinical.vocabulary import Flag
from storage.models import Assessment, CheckKind, GradeResult, Patient, ScheduledCheck, Ward
from storage.repositories import grades as grades_repo
from storage.repositories import plans as plans_repo

if TYPE_CHECKING:
    from bot.services.schedule import ScheduleRules

ASKING_KINDS: Final = (CheckKind.ROUTINE, CheckKind.BASELINE)


def ward_asks(ward: Ward | None) -> bool:
    """The ward setting ``crs.ask`` (on unless switched off)."""
    return bool((ward.settings if ward else {}).get("crs", {}).get("ask", True))


def should_ask(
    session: Session,
    patient: Patient,
    scheduled: ScheduledCheck | None,
    now: dt.datetime,
    rules: ScheduleRules | None,
) -> bool:
    if not ward_asks(session.get(Ward, patient.ward_id)):
        return False
    if scheduled is not None and scheduled.kind in ASKING_KINDS:
        return True
    return rules is not None and rules.in_intensive_window(session, patient, now)


def open_round(
    session: Session,
    assessment: Assessment,
    patient: Patient,
    now: dt.datetime,
    rules: ScheduleRules | None,
) -> None:
    """Whether a check asks the CRS questions is decided once, when it starts: if so, its
    answers open with the flag and the last temperature."""
    scheduled = (
        session.get(ScheduledCheck, assessment.scheduled_check_id)
        if assessment.scheduled_check_id is not None
        else None
    )
    if should_ask(session, patient, scheduled, now, rules):
        assessment.answers = {**assessment.answers, **opening_answers(session, patient)}


def opening_answers(session: Session, patient: Patient) -> dict[str, Any]:
    """What a check that asks CRS starts with: the flag and the last temperature (buttons)."""
    last = grades_repo.latest_crs(session, patient_id=patient.id or 0)
    return {"crs_ask": True, "crs_last_c": last.temperature_c if last else None}


def result(answers: Mapping[str, Any]) -> CrsResult | None:
    """The CRS grade of a check's answers; None when CRS was not asked (or not finished)."""
    observations = check_crs.crs_input(answers)
    return None if observations is None else grade_crs(observations)


def change(
    session: Session, patient: Patient, answers: Mapping[str, Any], now: dt.datetime
) -> CrsChange | None:
    """The new CRS grade against the last one and the cycle's earlier fevers (read before the
    new grade is stored)."""
    observations = check_crs.crs_input(answers)
    if observations is None:
        return None
    patient_id = patient.id or 0
    previous = grades_repo.latest_crs(session, patient_id=patient_id)
    return CrsChange(
        result=grade_crs(observations),
        temperature_c=observations.temperature_c,
        previous_grade=previous.crs_grade if previous else None,
        fever_earlier_in_cycle=grades_repo.fever_since(
            session,
            patient_id=patient_id,
            since=cycle_start(session, patient),
            threshold=FEVER_THRESHOLD_C,
        ),
    )


def cycle_start(session: Session, patient: Patient) -> dt.datetime:
    """The current cycle's planned start, or admission when there is no plan."""
    plan = plans_repo.latest_for_patient(session, patient.id or 0)
    return plan.starts_at if plan is not None else patient.admitted_at


def store(row: GradeResult, answers: Mapping[str, Any], crs: CrsResult | None) -> None:
    """The CRS grade and what it was graded from, on the check's grade row."""
    observations = check_crs.crs_input(answers)
    if crs is None or observations is None:
        return
    row.crs_grade = crs.crs_grade
    row.temperature_c = observations.temperature_c
    row.crs_inputs = {
        "hypotension": observations.hypotension.value,
        "oxygen": observations.oxygen.value,
        "treated": observations.fever_treated,
        "flags": sorted(f.value for f in crs.flags),
    }


def from_row(row: GradeResult) -> CrsResult | None:
    """The stored CRS grade as the engine's result (None: not asked at that check)."""
    if row.crs_grade is None:
        return None
    flags = frozenset(Flag(f) for f in row.crs_inputs.get("flags", ()))
    return CrsResult(crs_grade=row.crs_grade, flags=flags, ruleset=row.ruleset)
