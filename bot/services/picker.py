"""Which patient a nurse means: the picker behind every command that takes a patient.

A tired nurse types "/check bed 4" for "Bed 4 AB", or "/check" alone. Both must land on the
right patient without a second guess: an exact label wins, else a unique start, else the
candidates are offered as buttons (the nurse chooses; the bot never guesses between two).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Final

from bot.clock import Clock
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import Patient, PatientStatus
from storage.repositories import patients as patients_repo

# At most this many buttons: a longer list is scrolled past at 3 a.m., not read.
MAX_CANDIDATES: Final = 12
# How alike a typed label must be to a real one to be offered as "did you mean" (0..1).
NEAR_MISS_CUTOFF: Final = 0.6
_NUMBER: Final = re.compile(r"\d+")


@dataclass(frozen=True)
class Candidate:
    patient_id: int
    label: str
    due_at: dt.datetime | None  # the earliest open scheduled check (None: none open)


@dataclass(frozen=True)
class Resolution:
    """``label`` when the text names one patient; else the candidates to offer (maybe none).

    ``near`` says the candidates only resemble the text (none starts with it)."""

    label: str | None
    candidates: tuple[Candidate, ...] = ()
    near: bool = False


class PickerService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def now(self) -> dt.datetime:
        return self._clock()

    def candidates(self, actor: StaffView) -> tuple[Candidate, ...]:
        """The actor's active patients, most urgent first (overdue, then due soonest)."""
        with self._db.session() as session:
            rows = patients_repo.active_by_urgency(session, ward_ids=actor.ward_ids)
            return tuple(_candidate(p, due) for p, due in rows)[:MAX_CANDIDATES]

    def resolve(self, actor: StaffView, text: str) -> Resolution:
        """Exact label (any case) first, then a unique start, then the candidates."""
        typed = " ".join(text.split())
        with self._db.session() as session:
            rows = patients_repo.active_by_urgency(
                session, ward_ids=actor.ward_ids, label_start=typed
            )
            starting = [_candidate(p, due) for p, due in rows]
            exact = [c for c in starting if c.label.lower() == typed.lower()]
            if exact:
                # Two wards may share a label: the command itself asks which ward.
                return Resolution(label=exact[0].label)
            if len(starting) == 1:
                return Resolution(label=starting[0].label)
            if starting:
                return Resolution(label=None, candidates=tuple(starting[:MAX_CANDIDATES]))
            everyone = [
                _candidate(p, due)
                for p, due in patients_repo.active_by_urgency(session, ward_ids=actor.ward_ids)
            ]
        return Resolution(label=None, candidates=near_misses(typed, everyone), near=True)

    def label_of(self, actor: StaffView, patient_id: int) -> str | None:
        """The label of a patient the actor may still see (a picker button can be old)."""
        with self._db.session() as session:
            patient = patients_repo.by_id(session, patient_id)
            if patient is None or patient.ward_id not in actor.ward_ids:
                return None
            active = patient.status is PatientStatus.ACTIVE
            return patient.label if active else None


def near_misses(typed: str, everyone: list[Candidate]) -> tuple[Candidate, ...]:
    """Labels that contain the text or look like it ("Bde 4 AB" for "Bed 4 AB").

    The numbers must agree: "Bed 7" is another bed, not a typo for "Bed 4"."""
    wanted = typed.lower()
    numbers = set(_NUMBER.findall(wanted))
    by_label = {c.label.lower(): c for c in everyone}
    close = difflib.get_close_matches(wanted, list(by_label), n=max(1, len(by_label)), cutoff=0.0)
    alike = [
        label
        for label in close
        if wanted in label
        or (
            numbers <= set(_NUMBER.findall(label))
            and max(
                difflib.SequenceMatcher(None, wanted, label[: len(wanted)]).ratio(),
                difflib.SequenceMatcher(None, wanted, label).ratio(),
            )
            >= NEAR_MISS_CUTOFF
        )
    ]
    return tuple(by_label[label] for label in alike[:MAX_CANDIDATES])


def _candidate(patient: Patient, due_at: dt.datetime | None) -> Candidate:
    assert patient.id is not None
    return Candidate(patient.id, patient.label, due_at)
