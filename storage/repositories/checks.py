"""Scheduled-check queries: each patient's open check, for the ward board and the plan view;
the scheduled check a neuro check being started fulfils."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from storage.models import CheckStatus, ScheduledCheck

OPEN = (CheckStatus.DUE, CheckStatus.PROMPTED, CheckStatus.IN_PROGRESS)


def next_open(session: Session, *, patient_ids: Sequence[int]) -> dict[int, ScheduledCheck]:
    """The earliest open (due, prompted or under way) check of each patient, by patient id."""
    checks: dict[int, ScheduledCheck] = {}
    if not patient_ids:
        return checks
    for row in session.exec(
        select(ScheduledCheck)
        .where(
            col(ScheduledCheck.patient_id).in_(patient_ids), col(ScheduledCheck.status).in_(OPEN)
        )
        .order_by(col(ScheduledCheck.due_at))
    ):
        checks.setdefault(row.patient_id, row)
    return checks


def startable(
    session: Session, *, patient_id: int, check_id: int | None, due_before: dt.datetime
) -> ScheduledCheck | None:
    """The scheduled check a check being started fulfils, locked: ``check_id`` when given
    (still due or prompted), else the patient's earliest due or prompted one due before
    ``due_before``."""
    query = select(ScheduledCheck).where(
        ScheduledCheck.patient_id == patient_id,
        col(ScheduledCheck.status).in_((CheckStatus.DUE, CheckStatus.PROMPTED)),
    )
    if check_id is not None:
        query = query.where(ScheduledCheck.id == check_id)
    else:
        query = query.where(col(ScheduledCheck.due_at) <= due_before)
    return session.exec(query.order_by(col(ScheduledCheck.due_at)).with_for_update()).first()
