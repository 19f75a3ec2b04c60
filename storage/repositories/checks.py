"""Scheduled-check queries: each patient's open check, for the ward board and the plan view."""

from __future__ import annotations

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
