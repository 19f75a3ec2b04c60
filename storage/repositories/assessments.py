"""Assessment (neuro check) queries: the check with its patient and holder, the open check of
a patient or of a nurse, and the checks left idle. Locks are taken where the caller updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.models import Assessment, AssessmentStatus, Patient, Staff

# Built once, not per press: building a statement and its cache key is CPU spent in the
# worker thread on every press (with the staff lookup's, 0.2 of 0.95 ms; bench_press).
_LOAD = (
    select(Assessment, Patient, Staff)
    .join(Patient, col(Patient.id) == Assessment.patient_id)
    .join(Staff, col(Staff.id) == Assessment.holder_id)
    .where(Assessment.id == bindparam("assessment_id"))
    .with_for_update(of=Assessment)
)


_TABLE: sa.Table = Assessment.__table__  # type: ignore[attr-defined]
_SAVE_STEP = (
    sa.update(_TABLE)
    .where(_TABLE.c.id == bindparam("assessment_id"))
    .values(
        step=bindparam("step"),
        answers=bindparam("answers", type_=_TABLE.c.answers.type),
        version=bindparam("version"),
        updated_at=bindparam("updated_at", type_=_TABLE.c.updated_at.type),
    )
)


def save_step(
    session: Session, assessment: Assessment, *, step: str, answers: dict[str, Any], at: dt.datetime
) -> None:
    """An answered step of the loaded (locked) check, and its next version: one UPDATE, as the
    unit of work's flush would write it, without the flush's bookkeeping on the hot path
    (a button press). The loaded object takes the values as committed, so nothing is
    flushed again."""
    version = assessment.version + 1
    result = session.connection().execute(
        _SAVE_STEP,
        {
            "assessment_id": assessment.id,
            "step": step,
            "answers": answers,
            "version": version,
            "updated_at": at,
        },
    )
    if result.rowcount != 1:
        raise RuntimeError(f"assessment {assessment.id} vanished under its lock")
    for name, value in (
        ("step", step),
        ("answers", answers),
        ("version", version),
        ("updated_at", at),
    ):
        set_committed_value(assessment, name, value)


def load(session: Session, *, assessment_id: int) -> tuple[Assessment, Patient, Staff] | None:
    """The check, its patient and its holder in one query; only the check row is locked."""
    row = session.exec(_LOAD, params={"assessment_id": assessment_id}).first()
    return None if row is None else (row[0], row[1], row[2])


def in_progress_of_patient(session: Session, *, patient_id: int) -> Assessment | None:
    """The patient's check under way (at most one), locked."""
    return session.exec(
        select(Assessment)
        .where(
            Assessment.patient_id == patient_id,
            Assessment.status == AssessmentStatus.IN_PROGRESS,
        )
        .with_for_update()
    ).first()


def open_of_holder(session: Session, *, holder_id: int, lock: bool = False) -> Assessment | None:
    """The newest check the nurse holds and has not finished."""
    query = (
        select(Assessment)
        .where(
            Assessment.holder_id == holder_id,
            Assessment.status == AssessmentStatus.IN_PROGRESS,
        )
        .order_by(col(Assessment.updated_at).desc())
    )
    return session.exec(query.with_for_update() if lock else query).first()


def idle_since(session: Session, *, cutoff: dt.datetime) -> Sequence[Assessment]:
    """Checks under way with no answer since ``cutoff``, locked (to be closed)."""
    return session.exec(
        select(Assessment)
        .where(
            Assessment.status == AssessmentStatus.IN_PROGRESS,
            col(Assessment.updated_at) <= cutoff,
        )
        .with_for_update()
    ).all()
