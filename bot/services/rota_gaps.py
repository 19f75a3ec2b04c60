"""Gaps in the primary on-call rota, told to the ward's leads while there is time to fill them.

A ward with a patient on a current infusion plan (planned, running or held, as
``bot.services.plans`` counts it) must have a primary physician at every moment: the scheduler
calls ``warn_gaps``, and each uncovered stretch in the next 12 hours is told once to the
ward's admins and charge nurses, while there is still time to fill it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services import outbox
from bot.services.roster import GAP_HORIZON, LOOKAHEAD, NEVER_COVERED, Gap, find_gaps
from storage.models import (
    Duty,
    Role,
    Staff,
    Ward,
)
from storage.repositories import audit
from storage.repositories import duty as duty_repo
from storage.repositories import outbox as outbox_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

__all__ = ["GAP_HORIZON", "warn_gaps"]


def warn_gaps(session: Session, now: dt.datetime, zone: ZoneInfo) -> int:
    """Tell each ward's admins and charge nurses, once per gap and person, when a ward with a
    patient on a current infusion plan has no primary physician at some point in the next 12
    hours. Returns how many warnings were newly queued (0 on an ordinary pass)."""
    queued = 0
    for ward in wards_repo.in_treatment(session):
        for gap in primary_gaps(session, ward, now):
            queued += _warn(session, ward, gap, now, zone)
    return queued


def primary_gaps(session: Session, ward: Ward, now: dt.datetime) -> list[Gap]:
    """The ward's gaps; one running now starts where the last primary period ended.

    A gap's start names it (the outbox key), so it must not move with ``now``: a ward that
    never had a primary dates its gap from ``NEVER_COVERED``.
    """
    assert ward.id is not None
    rows = duty_repo.spanning(
        session, ward_id=ward.id, starts_at=now, ends_at=now + LOOKAHEAD, duties=(Duty.PRIMARY,)
    )
    gaps = find_gaps([(a.starts_at, a.ends_at) for a, _ in rows], now)
    if gaps and gaps[0].start == now:
        began = duty_repo.last_end(session, ward_id=ward.id, duty=Duty.PRIMARY, at_or_before=now)
        gaps[0] = replace(gaps[0], start=began or NEVER_COVERED)
    return gaps


PURPOSE: Final = "rota_gap"


class GapState(StrEnum):
    """How the warning names the gap's start (decided when it is queued)."""

    NEVER = "never"  # the ward has never had a primary physician
    SINCE = "since"  # running now, since the end of the last primary period
    FROM = "from"  # coming


def gap_facts(ward: Ward, gap: Gap, now: dt.datetime) -> dict[str, Any]:
    """The warning's facts for the outbox row; ``bot.telegram.rota_texts`` words them."""
    state = (
        GapState.NEVER
        if gap.start == NEVER_COVERED
        else GapState.SINCE
        if gap.start < now
        else GapState.FROM
    )
    return {
        "ward_code": ward.code,
        "ward_name": ward.name,
        "state": state.value,
        "start": gap.start.isoformat(),
        "end": gap.end.isoformat() if gap.end is not None else None,
    }


def _warn(session: Session, ward: Ward, gap: Gap, now: dt.datetime, zone: ZoneInfo) -> int:
    """Queue the warning for everyone not yet told of this gap; audit when anyone was."""
    assert ward.id is not None
    wards_repo.by_id(session, ward.id, lock=True)  # two instances: one tells, one sees it told
    told: list[int] = []
    for staff in _gap_audience(session, ward.id, now):
        assert staff.id is not None
        key = f"oncall-gap:{ward.id}:{gap.start.isoformat()}:{staff.id}"
        if outbox_repo.queued(session, dedupe_key=key):
            continue
        outbox.enqueue(
            session,
            to=outbox.Recipient.of(staff),  # the person: the warning is said in their language
            purpose=PURPOSE,
            payload=gap_facts(ward, gap, now),
            dedupe_key=key,
            now=now,
        )
        told.append(staff.id)
    if told:
        audit.record(
            session,
            at=now,
            action="oncall.gap_warned",
            entity="ward",
            entity_id=ward.id,
            ward_id=ward.id,
            duty=Duty.PRIMARY.value,
            gap_start=gap.start.isoformat(),
            gap_end=None if gap.end is None else gap.end.isoformat(),
            recipients=told,
        )
    return len(told)


def _gap_audience(session: Session, ward_id: int, now: dt.datetime) -> list[Staff]:
    """The ward's admins and its charge nurses (on duty, or all of them), each once."""
    people = [
        *staff_repo.on_ward_with_role(session, ward_id=ward_id, role=Role.ADMIN),
        *duty_repo.charge_nurses(session, ward_id=ward_id, at=now),
    ]
    return list({staff.id: staff for staff in people}.values())
