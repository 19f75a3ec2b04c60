"""A patient's audit trail, newest first, a page at a time (``/timeline``).

The audit log already says who did what and when; this reads it back for one patient, so a
physician reviewing an alert sees the checks, the pages and the acknowledgements in order
without a database. Staff ids in a row's detail are replaced by display names here, with one
query per page, because the chat must say "Dr Bo", not "staff 7". How an action is worded is
the Telegram adapter's business: entries carry the action name and raw facts only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlmodel import Session

from bot.clock import Clock
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import AuditLog, Patient, PatientStatus, Ward
from storage.repositories import patients as patients_repo
from storage.repositories import timeline as timeline_repo

# A discharged patient's trail stays reachable for the review that follows a discharge.
DISCHARGED_VISIBLE_FOR: Final = dt.timedelta(days=30)
DEFAULT_PAGE: Final = 25
MAX_PAGE: Final = 100

# Detail keys that hold one staff id, or a list of them; they are shown as names.
STAFF_KEYS: Final = frozenset({"by", "staff_id", "from_staff_id"})
STAFF_LIST_KEYS: Final = frozenset({"recipients", "told", "without"})


@dataclass(frozen=True)
class TimelineEntry:
    """One audit row. ``facts`` is the row's detail with staff ids replaced by names (an id
    that names nobody stays an int, so it is still shown, never dropped)."""

    id: int
    at: dt.datetime
    action: str
    actor: str | None
    facts: Mapping[str, Any]


@dataclass(frozen=True)
class Timeline:
    """A page of a patient's trail. ``has_older`` says whether a page before it exists; the
    next page starts before the last entry's id."""

    patient_id: int
    label: str
    ward_code: str
    discharged_at: dt.datetime | None
    entries: tuple[TimelineEntry, ...]
    has_older: bool

    @property
    def older_than(self) -> int | None:
        """The ``before_id`` of the next page, or None when this page is the oldest."""
        return self.entries[-1].id if self.has_older and self.entries else None


class TimelineService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def timeline(
        self,
        actor: StaffView,
        label: str,
        *,
        before_id: int | None = None,
        limit: int = DEFAULT_PAGE,
    ) -> Timeline | None:
        """The trail of the patient with this label on the actor's wards; None when no active
        or recently discharged patient there has it (an active one wins over a discharged one
        whose label was reused)."""
        with self._db.session() as session:
            patient = self._by_label(session, actor, label)
            return None if patient is None else _page(session, patient, before_id, limit)

    def older(
        self, actor: StaffView, patient_id: int, *, before_id: int, limit: int = DEFAULT_PAGE
    ) -> Timeline | None:
        """The next page for the "Older" button, which carries the patient's id: a label may
        have been reused since the first page was sent."""
        with self._db.session() as session:
            patient = session.get(Patient, patient_id)
            if patient is None or not self._visible(patient, actor):
                return None
            return _page(session, patient, before_id, limit)

    def _by_label(self, session: Session, actor: StaffView, label: str) -> Patient | None:
        active = patients_repo.active_by_label(session, ward_ids=actor.ward_ids, label=label)
        if active is not None or not actor.ward_ids:
            return active
        return timeline_repo.discharged_by_label(
            session,
            ward_ids=actor.ward_ids,
            label=label,
            since=self._clock() - DISCHARGED_VISIBLE_FOR,
        )

    def _visible(self, patient: Patient, actor: StaffView) -> bool:
        if patient.ward_id not in actor.ward_ids:
            return False
        if patient.status is PatientStatus.ACTIVE:
            return True
        gone = patient.discharged_at
        return gone is not None and gone >= self._clock() - DISCHARGED_VISIBLE_FOR


def _page(session: Session, patient: Patient, before_id: int | None, limit: int) -> Timeline:
    assert patient.id is not None
    limit = max(1, min(limit, MAX_PAGE))
    rows = timeline_repo.audit_page(
        session, patient_id=patient.id, before_id=before_id, count=limit + 1
    )
    shown = rows[:limit]
    names = timeline_repo.staff_names(session, ids=_staff_ids(shown))
    ward = session.get(Ward, patient.ward_id)
    return Timeline(
        patient_id=patient.id,
        label=patient.label,
        ward_code=ward.code if ward else "",
        discharged_at=patient.discharged_at if patient.status is PatientStatus.DISCHARGED else None,
        entries=tuple(_entry(row, names) for row in shown),
        has_older=len(rows) > limit,
    )


def _staff_ids(rows: Iterable[AuditLog]) -> set[int]:
    """Every staff id a page mentions: actors and the ids inside the detail."""
    ids: set[int] = set()
    for row in rows:
        if row.actor_staff_id is not None:
            ids.add(row.actor_staff_id)
        for key, value in row.detail.items():
            if key in STAFF_KEYS and _is_id(value):
                ids.add(value)
            elif key in STAFF_LIST_KEYS and isinstance(value, list):
                ids.update(v for v in value if _is_id(v))
    return ids


def _entry(row: AuditLog, names: Mapping[int, str]) -> TimelineEntry:
    assert row.id is not None
    actor = None if row.actor_staff_id is None else names.get(row.actor_staff_id)
    return TimelineEntry(
        id=row.id,
        at=row.at,
        action=row.action,
        actor=actor,
        facts={key: _resolved(key, value, names) for key, value in row.detail.items()},
    )


def _resolved(key: str, value: Any, names: Mapping[int, str]) -> Any:
    if key in STAFF_KEYS and _is_id(value):
        return names.get(value, value)
    if key in STAFF_LIST_KEYS and isinstance(value, list):
        return [names.get(v, v) if _is_id(v) else v for v in value]
    return value


def _is_id(value: Any) -> bool:
    """A JSON integer (bool is an int in Python, and never a staff id)."""
    return isinstance(value, int) and not isinstance(value, bool)
