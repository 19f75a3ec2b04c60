"""Infusion plans: one cycle of blinatumomab per plan, and what happened to the infusion.

A patient has at most one current plan (planned, running or held); creating the next cycle
ends the previous one. The infusion moves through a small state machine, one event at a
time, each an ``infusion_event`` row and an audit row::

    planned --start--> running --hold--> held --restart--> running
                       running --step_up--> running (once per start or restart)
           running | held --stop--> stopped      running | held --end_cycle--> completed

Label rule (bot/clinical/README.md section 9): an interruption of more than 7 days starts a new
cycle. A restart recorded more than 7 days after the hold began is refused with the advice to
create the next cycle, rather than renumbering anything silently.

The plan's event count is its version: buttons carry it, so a stale or doubled press is seen
and changes nothing. After each committed change ``on_change(patient_id)`` runs (the bot
wires it to recompute the patient's check schedule).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services.errors import LegacyRefusedError
from bot.services.localtime import TimeInputError, parse_local_time
from bot.services.staff import Clock
from bot.services.wards import normalise_code
from storage.db import Database
from storage.models import (
    InfusionEvent,
    InfusionEventKind,
    InfusionPlan,
    Patient,
    PatientStatus,
    PlanStatus,
    Role,
    Staff,
    Ward,
)
from storage.repositories import audit
from storage.repositories import checks as checks_repo
from storage.repositories import patients as patients_repo
from storage.repositories import plans as plans_repo
from storage.repositories import staff as staff_repo
from storage.repositories import wards as wards_repo

log = logging.getLogger(__name__)

Kind = InfusionEventKind

DEFAULT_PROTOCOLS: Final = ("rr", "mrd")
RECORD_ROLES: Final = frozenset({Role.NURSE, Role.CHARGE_NURSE, Role.PHYSICIAN})
"""Who may create plans and record infusion events; every enrolled role may look."""
CURRENT_STATUSES: Final = plans_repo.CURRENT
MAX_CYCLE: Final = 20
MAX_INTERRUPTION: Final = dt.timedelta(days=7)
MAX_START_PAST: Final = dt.timedelta(days=28)
"""A plan may be entered late, up to one cycle's length after its start."""
MAX_START_AHEAD: Final = dt.timedelta(days=90)
MAX_REASON: Final = 200
DOUBLED_WITHIN: Final = dt.timedelta(minutes=5)
"""The same protocol and cycle starting this close to the current plan is a doubled request
(``now`` sent twice), not a new plan."""

NEXT_KINDS: Final[Mapping[PlanStatus, tuple[Kind, ...]]] = {
    PlanStatus.PLANNED: (Kind.START,),
    PlanStatus.RUNNING: (Kind.STEP_UP, Kind.HOLD, Kind.STOP, Kind.END_CYCLE),
    PlanStatus.HELD: (Kind.RESTART, Kind.STOP, Kind.END_CYCLE),
    PlanStatus.STOPPED: (),
    PlanStatus.COMPLETED: (),
}
STATUS_AFTER: Final[Mapping[Kind, PlanStatus]] = {
    Kind.START: PlanStatus.RUNNING,
    Kind.STEP_UP: PlanStatus.RUNNING,
    Kind.HOLD: PlanStatus.HELD,
    Kind.RESTART: PlanStatus.RUNNING,
    Kind.STOP: PlanStatus.STOPPED,
    Kind.END_CYCLE: PlanStatus.COMPLETED,
}
HOLD_REASONS: Final[Mapping[str, str]] = {
    "neurotoxicity": "Neurotoxicity",
    "crs": "CRS",
    "infection": "Infection",
    "line": "Line problem",
    "other": "Other",
}
"""Reason codes (stored, and carried by buttons) and how they read."""

NO_SUCH_PATIENT = "No such patient on your wards. /patients lists them."
_RECORD_NUMBER = re.compile(r"\d{6,}")


class Problem(StrEnum):
    PROTOCOL = "protocol"
    CYCLE = "cycle"
    TIME = "time"
    START_RANGE = "start_range"
    KIND = "kind"
    REASON = "reason"
    UNKNOWN_WARD = "unknown_ward"
    WARD_REQUIRED = "ward_required"
    NO_SUCH_PATIENT = "no_such_patient"
    NOT_ALLOWED = "not_allowed"
    NO_PLAN = "no_plan"
    NOT_NOW = "not_now"
    EVENT_TIME = "event_time"
    STILL_RUNNING = "still_running"
    SAME_CYCLE = "same_cycle"
    STALE = "stale"
    NEW_CYCLE_NEEDED = "new_cycle_needed"


class PlanError(LegacyRefusedError[Problem]):
    """A refused request; the message is for the person (chat or command line) as it is."""


class StalePlanError(PlanError):
    """The plan changed since the button was drawn; ``plan`` is how it is now."""

    def __init__(self, plan: PlanView) -> None:
        super().__init__(
            Problem.STALE,
            "The plan has changed since that message: nothing was recorded. "
            "Here is the plan as it is now.",
        )
        self.plan = plan


class NewCycleNeededError(PlanError):
    """A restart after more than 7 days on hold: the label makes that a new cycle."""

    def __init__(
        self, *, label: str, protocol: str, next_cycle: int, held_since: str, held_days: int
    ) -> None:
        super().__init__(
            Problem.NEW_CYCLE_NEEDED,
            f"The infusion of {label} was held since {held_since} ({held_days} days). An "
            "interruption of more than 7 days starts a new cycle, so no restart was recorded. "
            f"Start cycle {next_cycle} instead: /plan {label} new {protocol} {next_cycle} "
            "<start time>",
        )
        self.label = label
        self.protocol = protocol
        self.next_cycle = next_cycle


@dataclass(frozen=True)
class PlanEventView:
    kind: InfusionEventKind
    at: dt.datetime
    reason: str | None
    recorded_by: str | None
    """Display name of whoever recorded it; None when recorded on the server (CLI)."""

    @property
    def reason_text(self) -> str | None:
        return None if self.reason is None else HOLD_REASONS.get(self.reason, self.reason)


@dataclass(frozen=True)
class PlanView:
    id: int
    patient_id: int
    patient_label: str
    ward_code: str
    protocol: str
    cycle_number: int
    starts_at: dt.datetime
    status: PlanStatus
    cycle_day: int | None
    """Day of the cycle today in the hospital's zone (day 1 = the start's calendar day);
    None unless the infusion is running or held."""
    events: tuple[PlanEventView, ...]
    next_kinds: tuple[InfusionEventKind, ...]
    """The events that may be recorded next, in the order the buttons show them."""
    next_check_at: dt.datetime | None = None
    cadence: str | None = None
    """Why the next check is due (a `DueKind` value) and at what interval."""
    cadence_hours: int | None = None

    @property
    def version(self) -> int:
        return len(self.events)

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def held_since(self) -> dt.datetime | None:
        if self.status is not PlanStatus.HELD:
            return None
        return next((e.at for e in reversed(self.events) if e.kind is Kind.HOLD), None)


@dataclass(frozen=True)
class PatientPlan:
    """A patient and their newest plan (None: no plan yet)."""

    patient_id: int
    label: str
    ward_code: str
    plan: PlanView | None


@dataclass(frozen=True)
class PlanCreated:
    plan: PlanView
    ended: PlanView | None
    """The previous plan this one ended, as it is now."""
    already_existed: bool = False
    """The same plan (protocol, cycle, a start within 5 minutes) was already current: a
    doubled request, and nothing changed."""


@dataclass(frozen=True)
class EventRecorded:
    plan: PlanView
    event: PlanEventView


def parse_kind(text: str | InfusionEventKind) -> InfusionEventKind:
    """``step_up``, ``step-up`` or ``step up`` alike."""
    if isinstance(text, InfusionEventKind):
        return text
    key = "_".join(text.strip().lower().replace("-", " ").split())
    try:
        return InfusionEventKind(key)
    except ValueError:
        kinds = ", ".join(k.value for k in InfusionEventKind)
        raise PlanError(
            Problem.KIND, f"{text.strip()!r} is not an infusion event: use one of {kinds}."
        ) from None


def clean_reason(text: str | None) -> str | None:
    """A hold reason code, or short free text that is never a record number."""
    if text is None or not " ".join(text.split()):
        return None
    reason = " ".join(text.split())
    for code, words in HOLD_REASONS.items():
        if reason.lower() in (code, words.lower()):
            return code
    if len(reason) > MAX_REASON or not reason.isprintable():
        raise PlanError(Problem.REASON, f"A reason must be 1 to {MAX_REASON} characters of text.")
    if _RECORD_NUMBER.search(reason):
        raise PlanError(
            Problem.REASON,
            f"The reason {reason!r} looks like it holds a record number; describe the reason "
            "only (e.g. neurotoxicity, CRS, infection, line problem).",
        )
    return reason


def next_kinds(status: PlanStatus, events: Sequence[PlanEventView]) -> tuple[Kind, ...]:
    """What may happen next; a second step-up since the last (re)start is not one of them."""
    kinds = NEXT_KINDS[status]
    if Kind.STEP_UP in kinds:
        since_start = _since_last(events, (Kind.START, Kind.RESTART))
        if any(e.kind is Kind.STEP_UP for e in since_start):
            kinds = tuple(k for k in kinds if k is not Kind.STEP_UP)
    return kinds


def _since_last(events: Sequence[PlanEventView], kinds: tuple[Kind, ...]) -> list[PlanEventView]:
    for index in range(len(events) - 1, -1, -1):
        if events[index].kind in kinds:
            return list(events[index:])
    return list(events)


def _no_change(_patient_id: int) -> None:
    return None


@dataclass(frozen=True)
class _Target:
    plan: InfusionPlan
    patient: Patient
    ward: Ward


@dataclass(frozen=True)
class _Change:
    kind: InfusionEventKind
    reason: str | None
    at: dt.datetime
    actor: int | None
    version: int | None


class PlanService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        zone: ZoneInfo,
        protocols: Collection[str] = DEFAULT_PROTOCOLS,
        on_change: Callable[[int], None] = _no_change,
    ) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self._protocols = frozenset(protocols)
        self._on_change = on_change

    @property
    def protocols(self) -> tuple[str, ...]:
        return tuple(sorted(self._protocols))

    # -- reading ----------------------------------------------------------------------------

    def show(
        self, *, label: str, ward_code: str | None = None, actor_staff_id: int | None = None
    ) -> PatientPlan:
        """The active patient with this label and their newest plan.

        With ``actor_staff_id`` only the actor's wards are searched (any enrolled role may
        look); without it the operator names the ward. Another ward's patient gets the
        same answer as one that does not exist.
        """
        with self._db.session() as session:
            patient, ward = self._find_patient(
                session, label, ward_code, actor_staff_id, roles=None
            )
            assert patient.id is not None
            plan = plans_repo.latest_for_patient(session, patient.id)
            view = None if plan is None else self._view(session, plan, patient, ward.code)
            return PatientPlan(patient.id, patient.label, ward.code, view)

    def get(self, actor_staff_id: int, plan_id: int) -> PlanView:
        """A plan of an active patient on the actor's wards."""
        with self._db.session() as session:
            plan, patient, ward = self._plan_for_actor(session, actor_staff_id, plan_id, None)
            return self._view(session, plan, patient, ward.code)

    def current(self, patient_id: int) -> PlanView | None:
        """The patient's current plan (planned, running or held), for the ward board."""
        return self.current_many([patient_id]).get(patient_id)

    def current_many(self, patient_ids: Sequence[int]) -> dict[int, PlanView]:
        """Current plans of many patients in three queries (no query per patient)."""
        with self._db.session() as session:
            found = plans_repo.current_for_patients(session, patient_ids)
            if not found:
                return {}
            ward_ids = sorted({patient.ward_id for _, patient in found})
            codes = {w.id: w.code for w in wards_repo.by_ids(session, ward_ids)}
            events = plans_repo.events_for_plans(session, [plan.id or 0 for plan, _ in found])
            today = self._today()
            return {
                patient.id or 0: self._build(
                    plan, patient, codes[patient.ward_id], events[plan.id or 0], today
                )
                for plan, patient in found
            }

    # -- changing ---------------------------------------------------------------------------

    def create(
        self,
        *,
        label: str,
        protocol: str,
        cycle: int | str,
        starts_at: str | dt.datetime,
        ward_code: str | None = None,
        actor_staff_id: int | None = None,
    ) -> PlanCreated:
        """A new cycle for an active patient; it ends the patient's current plan.

        A start now or in the past makes the plan running, with its start event at that
        time; a start in the future makes it planned until the start is recorded.
        """
        code = self._protocol(protocol)
        number = _cycle(cycle)
        now = self._clock()
        start = self._time(starts_at, now)
        if start < now - MAX_START_PAST:
            raise PlanError(
                Problem.START_RANGE,
                f"The start {self._local(start)} is more than {MAX_START_PAST.days} days ago.",
            )
        if start > now + MAX_START_AHEAD:
            raise PlanError(
                Problem.START_RANGE,
                f"The start {self._local(start)} is more than {MAX_START_AHEAD.days} days ahead.",
            )
        with self._db.session() as session:
            patient, ward = self._find_patient(
                session, label, ward_code, actor_staff_id, roles=RECORD_ROLES, lock=True
            )
            assert patient.id is not None
            previous = plans_repo.current_for_patient(session, patient.id, lock=True)
            newest = previous[-1] if previous else None
            if newest is not None and (newest.protocol, newest.cycle_number) == (code, number):
                if abs(newest.starts_at - start) <= DOUBLED_WITHIN:
                    view = self._view(session, newest, patient, ward.code)
                    return PlanCreated(plan=view, ended=None, already_existed=True)
                if newest.status is not PlanStatus.PLANNED:
                    raise PlanError(
                        Problem.SAME_CYCLE,
                        f"{patient.label} is already on {code} cycle {number} "
                        f"({newest.status.value}, started {self._local(newest.starts_at)}). "
                        "Record how that cycle ended first, or give the next cycle's number.",
                    )
            ended = [
                self._end_for_new_cycle(session, old, patient, start, now, actor_staff_id)
                for old in previous
            ]
            running = start <= now
            plan = plans_repo.add_plan(
                session,
                InfusionPlan(
                    patient_id=patient.id,
                    protocol=code,
                    cycle_number=number,
                    starts_at=start,
                    status=PlanStatus.RUNNING if running else PlanStatus.PLANNED,
                    created_by_id=actor_staff_id,
                    created_at=now,
                ),
            )
            if running:
                plans_repo.add_event(
                    session,
                    InfusionEvent(
                        plan_id=plan.id or 0,
                        kind=Kind.START,
                        at=start,
                        recorded_by_id=actor_staff_id,
                        recorded_at=now,
                    ),
                )
            audit.record(
                session,
                at=now,
                action="plan.created",
                actor_staff_id=actor_staff_id,
                entity="infusion_plan",
                entity_id=plan.id,
                patient_id=patient.id,
                ward_id=patient.ward_id,
                protocol=code,
                cycle=number,
                starts_at=start.isoformat(),
                status=plan.status.value,
                ended_plan_ids=[p.id for p in previous],
                via=_via(actor_staff_id),
            )
            created = PlanCreated(
                plan=self._view(session, plan, patient, ward.code),
                ended=ended[-1] if ended else None,
            )
        self._changed(patient.id)
        return created

    def record(
        self,
        actor_staff_id: int,
        plan_id: int,
        kind: str | InfusionEventKind,
        *,
        version: int,
        reason: str | None = None,
        at: str | dt.datetime | None = None,
    ) -> EventRecorded:
        """Record an event on a plan shown to the actor at ``version`` (a button press)."""
        event_kind, cleaned = parse_kind(kind), clean_reason(reason)
        now = self._clock()
        when = now if at is None else self._time(at, now)
        with self._db.session() as session:
            plan, patient, ward = self._plan_for_actor(
                session, actor_staff_id, plan_id, RECORD_ROLES, lock=True
            )
            recorded = self._record(
                session,
                _Target(plan, patient, ward),
                _Change(event_kind, cleaned, when, actor_staff_id, version),
                now,
            )
        self._changed(patient.id or 0)
        return recorded

    def record_for_patient(
        self,
        *,
        label: str,
        kind: str | InfusionEventKind,
        ward_code: str | None = None,
        reason: str | None = None,
        at: str | dt.datetime | None = None,
        actor_staff_id: int | None = None,
    ) -> EventRecorded:
        """Record an event on the patient's current plan (the command line; no version)."""
        event_kind, cleaned = parse_kind(kind), clean_reason(reason)
        now = self._clock()
        when = now if at is None else self._time(at, now)
        with self._db.session() as session:
            patient, ward = self._find_patient(
                session, label, ward_code, actor_staff_id, roles=RECORD_ROLES, lock=True
            )
            assert patient.id is not None
            current = plans_repo.current_for_patient(session, patient.id, lock=True)
            if not current:
                raise PlanError(
                    Problem.NO_PLAN,
                    f"{patient.label} has no current infusion plan: create one first, e.g. "
                    f"/plan {patient.label} new rr 1 <start time>.",
                )
            recorded = self._record(
                session,
                _Target(current[-1], patient, ward),
                _Change(event_kind, cleaned, when, actor_staff_id, version=None),
                now,
            )
        self._changed(patient.id)
        return recorded

    # -- the rules --------------------------------------------------------------------------

    def _record(
        self, session: Session, target: _Target, change: _Change, now: dt.datetime
    ) -> EventRecorded:
        plan, patient, ward = target.plan, target.patient, target.ward
        kind, reason, at, actor_staff_id = change.kind, change.reason, change.at, change.actor
        before = self._view(session, plan, patient, ward.code)
        if change.version is not None and change.version != before.version:
            raise StalePlanError(before)
        if kind not in before.next_kinds:
            raise PlanError(Problem.NOT_NOW, self._not_now(before, kind))
        if at > now:
            raise PlanError(
                Problem.EVENT_TIME,
                f"{self._local(at)} is in the future: record an event when it has happened.",
            )
        last = before.events[-1] if before.events else None
        if last is not None and at < last.at:
            raise PlanError(
                Problem.EVENT_TIME,
                f"{self._local(at)} is before the last event ({_kind_words(last.kind)} at "
                f"{self._local(last.at)}): events are recorded in the order they happened.",
            )
        if kind is Kind.START and at < now - MAX_START_PAST:
            raise PlanError(
                Problem.EVENT_TIME,
                f"The start {self._local(at)} is more than {MAX_START_PAST.days} days ago.",
            )
        if kind is Kind.HOLD and reason is None:
            codes = ", ".join(HOLD_REASONS)
            raise PlanError(Problem.REASON, f"Give the reason for the hold: {codes}, or a word.")
        if kind is Kind.RESTART:
            held_since = before.held_since
            assert held_since is not None
            if at - held_since > MAX_INTERRUPTION:
                raise NewCycleNeededError(
                    label=patient.label,
                    protocol=plan.protocol,
                    next_cycle=plan.cycle_number + 1,
                    held_since=self._local(held_since),
                    held_days=(at - held_since).days,
                )
        event = plans_repo.add_event(
            session,
            InfusionEvent(
                plan_id=plan.id or 0,
                kind=kind,
                at=at,
                reason=reason,
                recorded_by_id=actor_staff_id,
                recorded_at=now,
            ),
        )
        planned_start = plan.starts_at
        plan.status = STATUS_AFTER[kind]
        if kind is Kind.START:
            plan.starts_at = at  # the cycle counts from when the infusion really began
        session.add(plan)
        session.flush()
        audit.record(
            session,
            at=now,
            action="plan.event",
            actor_staff_id=actor_staff_id,
            entity="infusion_event",
            entity_id=event.id,
            patient_id=patient.id,
            ward_id=patient.ward_id,
            plan_id=plan.id,
            kind=kind.value,
            event_at=at.isoformat(),
            reason=reason,
            status_before=before.status.value,
            status_after=plan.status.value,
            planned_start=planned_start.isoformat() if kind is Kind.START else None,
            via=_via(actor_staff_id),
        )
        after = self._view(session, plan, patient, ward.code)
        return EventRecorded(plan=after, event=after.events[-1])

    def _end_for_new_cycle(
        self,
        session: Session,
        old: InfusionPlan,
        patient: Patient,
        new_start: dt.datetime,
        now: dt.datetime,
        actor_staff_id: int | None,
    ) -> PlanView:
        """End the previous plan as the new cycle begins (or supersede it if never started)."""
        ward_code = self._ward_code(session, patient.ward_id)
        before = self._view(session, old, patient, ward_code)
        if old.status is PlanStatus.RUNNING and new_start > now:
            raise PlanError(
                Problem.STILL_RUNNING,
                f"Cycle {old.cycle_number} of {patient.label} is still running. Record how it "
                f"ended first (End cycle or Stop infusion under /plan {patient.label}), or give "
                "the new cycle a start that is now or past.",
            )
        detail: dict[str, Any]
        if old.status is PlanStatus.PLANNED:
            old.status = PlanStatus.STOPPED
            action, detail = "plan.superseded", {"never_started": True}
        else:
            end = min(now, new_start)
            last = before.events[-1] if before.events else None
            if last is not None and end < last.at:
                raise PlanError(
                    Problem.EVENT_TIME,
                    f"The new cycle cannot start before the last event of cycle "
                    f"{old.cycle_number} ({_kind_words(last.kind)} at {self._local(last.at)}).",
                )
            event = plans_repo.add_event(
                session,
                InfusionEvent(
                    plan_id=old.id or 0,
                    kind=Kind.END_CYCLE,
                    at=end,
                    reason="next cycle planned",
                    recorded_by_id=actor_staff_id,
                    recorded_at=now,
                ),
            )
            old.status = PlanStatus.COMPLETED
            action, detail = "plan.event", {"kind": Kind.END_CYCLE.value, "event_id": event.id}
        session.add(old)
        session.flush()
        audit.record(
            session,
            at=now,
            action=action,
            actor_staff_id=actor_staff_id,
            entity="infusion_plan",
            entity_id=old.id,
            patient_id=patient.id,
            ward_id=patient.ward_id,
            plan_id=old.id,
            status_before=before.status.value,
            status_after=old.status.value,
            reason="next cycle",
            via=_via(actor_staff_id),
            **detail,
        )
        return self._view(session, old, patient, ward_code)

    def _not_now(self, plan: PlanView, kind: Kind) -> str:
        if kind is Kind.STEP_UP and plan.status is PlanStatus.RUNNING:
            return (
                f"A step-up is already recorded for {plan.patient_label} since the infusion "
                "(re)started."
            )
        allowed = ", ".join(_kind_words(k) for k in plan.next_kinds) or "nothing more"
        return (
            f"The infusion of {plan.patient_label} is {plan.status.value}: "
            f"{_kind_words(kind)} cannot be recorded now (possible: {allowed})."
        )

    # -- lookups ----------------------------------------------------------------------------

    def _find_patient(
        self,
        session: Session,
        label: str,
        ward_code: str | None,
        actor_staff_id: int | None,
        *,
        roles: frozenset[Role] | None,
        lock: bool = False,
    ) -> tuple[Patient, Ward]:
        wanted = " ".join(label.split())
        if actor_staff_id is None:
            if ward_code is None:
                raise PlanError(Problem.WARD_REQUIRED, "Name the ward.")
            ward = wards_repo.by_code(session, ward_code)
            if ward is None or ward.id is None:
                raise PlanError(
                    Problem.UNKNOWN_WARD, f"There is no ward {normalise_code(ward_code)!r}."
                )
            wards = {ward.id: ward}
        else:
            ward_ids = self._actor_ward_ids(session, actor_staff_id, roles)
            wards = {w.id: w for w in wards_repo.by_ids(session, ward_ids) if w.id is not None}
            if ward_code is not None:
                code = normalise_code(ward_code)
                wards = {i: w for i, w in wards.items() if w.code == code}
        found = patients_repo.active_with_label(session, ward_ids=list(wards), label=wanted)
        if not found:
            raise PlanError(Problem.NO_SUCH_PATIENT, NO_SUCH_PATIENT)
        if len(found) > 1:
            codes = " and ".join(wards[p.ward_id].code for p in found)
            raise PlanError(
                Problem.WARD_REQUIRED,
                f"{found[0].label} is on wards {codes}: put the ward code first, "
                f"e.g. /plan {wards[found[0].ward_id].code}, {found[0].label}",
            )
        patient = found[0]
        if lock:
            assert patient.id is not None
            locked = patients_repo.by_id(session, patient.id, lock=True)
            assert locked is not None
            patient = locked
        return patient, wards[patient.ward_id]

    def _plan_for_actor(
        self,
        session: Session,
        actor_staff_id: int,
        plan_id: int,
        roles: frozenset[Role] | None,
        *,
        lock: bool = False,
    ) -> tuple[InfusionPlan, Patient, Ward]:
        ward_ids = self._actor_ward_ids(session, actor_staff_id, roles)
        plan = plans_repo.by_id(session, plan_id, lock=lock)
        patient = None if plan is None else patients_repo.by_id(session, plan.patient_id)
        if (
            plan is None
            or patient is None
            or patient.ward_id not in ward_ids
            or patient.status is not PatientStatus.ACTIVE
        ):
            raise PlanError(Problem.NO_SUCH_PATIENT, NO_SUCH_PATIENT)
        ward = wards_repo.by_id(session, patient.ward_id)
        assert ward is not None
        return plan, patient, ward

    @staticmethod
    def _actor_ward_ids(
        session: Session, actor_staff_id: int, roles: frozenset[Role] | None
    ) -> tuple[int, ...]:
        actor = session.get(Staff, actor_staff_id)
        if actor is None or not actor.active:
            raise PlanError(Problem.NOT_ALLOWED, "You are not enrolled.")
        if roles is not None and actor.role not in roles:
            raise PlanError(
                Problem.NOT_ALLOWED,
                "Only nurses, charge nurses and physicians may change infusion plans.",
            )
        return staff_repo.ward_ids(session, actor_staff_id)

    @staticmethod
    def _ward_code(session: Session, ward_id: int) -> str:
        ward = wards_repo.by_id(session, ward_id)
        assert ward is not None
        return ward.code

    # -- views and helpers ------------------------------------------------------------------

    def _view(
        self, session: Session, plan: InfusionPlan, patient: Patient, ward_code: str
    ) -> PlanView:
        assert plan.id is not None and patient.id is not None
        events = plans_repo.events_for_plans(session, [plan.id])[plan.id]
        view = self._build(plan, patient, ward_code, events, self._today())
        check = checks_repo.next_open(session, patient_ids=[patient.id]).get(patient.id)
        if check is None:
            return view
        return dataclasses.replace(
            view,
            next_check_at=check.due_at,
            cadence=check.kind.value,
            cadence_hours=check.cadence_hours,
        )

    def _build(
        self,
        plan: InfusionPlan,
        patient: Patient,
        ward_code: str,
        events: Sequence[tuple[InfusionEvent, str | None]],
        today: dt.date,
    ) -> PlanView:
        assert plan.id is not None and patient.id is not None
        shown = tuple(
            PlanEventView(kind=e.kind, at=e.at, reason=e.reason, recorded_by=name)
            for e, name in events
        )
        day: int | None = None
        if plan.status in (PlanStatus.RUNNING, PlanStatus.HELD):
            day = max(1, (today - plan.starts_at.astimezone(self._zone).date()).days + 1)
        return PlanView(
            id=plan.id,
            patient_id=patient.id,
            patient_label=patient.label,
            ward_code=ward_code,
            protocol=plan.protocol,
            cycle_number=plan.cycle_number,
            starts_at=plan.starts_at,
            status=plan.status,
            cycle_day=day,
            events=shown,
            next_kinds=next_kinds(plan.status, shown),
        )

    def _protocol(self, text: str) -> str:
        code = text.strip().lower()
        if code not in self._protocols:
            known = " or ".join(self.protocols)
            raise PlanError(Problem.PROTOCOL, f"{text.strip()!r} is not a protocol: use {known}.")
        return code

    def _time(self, value: str | dt.datetime, now: dt.datetime) -> dt.datetime:
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime")  # a programming error, not user input
            return value.astimezone(dt.UTC)
        try:
            return parse_local_time(value, self._zone, now)
        except TimeInputError as error:
            raise PlanError(Problem.TIME, error.message) from None

    def _today(self) -> dt.date:
        return self._clock().astimezone(self._zone).date()

    def _local(self, at: dt.datetime) -> str:
        return at.astimezone(self._zone).strftime("%d %b %Y %H:%M")

    def _changed(self, patient_id: int) -> None:
        """After commit; a failure here must not turn a recorded event into an error."""
        try:
            self._on_change(patient_id)
        except Exception:
            log.exception("plan change hook failed for patient %s", patient_id)


def _cycle(value: int | str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_CYCLE:
        raise PlanError(Problem.CYCLE, f"The cycle must be a number from 1 to {MAX_CYCLE}.")
    return number


def _kind_words(kind: Kind) -> str:
    return kind.value.replace("_", " ")


def _via(actor_staff_id: int | None) -> str:
    return "cli" if actor_staff_id is None else "chat"
