"""Infusion plans: one cycle of blinatumomab per plan, and what happened to the infusion.

A patient has at most one current plan (planned, running or held); creating the next cycle
ends the previous one. The infusion moves through a small state machine, one event at a
time, each an ``infusion_event`` row and an audit row. The states, transitions and the
label's 7-day interruption rule are ``bot.clinical.infusion``: this use case loads the plan,
asks the rules, writes what they allow and refuses with their reason as a code.

The plan's event count is its version: buttons carry it, so a stale or doubled press is seen
and changes nothing. After each committed change ``on_change(patient_id)`` runs (the bot
wires it to recompute the patient's check schedule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.clinical import infusion
from bot.clinical.infusion import Ruling
from bot.services.errors import RefusedError
from bot.services.patient_refusals import PlanRefusal
from bot.services.plan_records import (
    DEFAULT_PROTOCOLS,
    RECORD_ROLES,
    Change,
    PlanRecords,
    Target,
    via,
)
from bot.services.plan_views import (
    CURRENT_STATUSES,
    EventRecorded,
    PatientPlan,
    PlanCreated,
    PlanEventView,
    PlanView,
    StalePlanError,
    build_view,
    clean_reason,
    next_kinds,
    parse_kind,
)
from storage.models import InfusionEventKind
from storage.repositories import audit
from storage.repositories import plans as plans_repo
from storage.repositories import wards as wards_repo

__all__ = [
    "CURRENT_STATUSES",
    "DEFAULT_PROTOCOLS",
    "RECORD_ROLES",
    "EventRecorded",
    "PatientPlan",
    "PlanCreated",
    "PlanEventView",
    "PlanService",
    "PlanView",
    "StalePlanError",
    "clean_reason",
    "next_kinds",
    "parse_kind",
]


class PlanService(PlanRecords):
    """The use cases: show, create a cycle, record an event."""

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
                patient.id or 0: build_view(
                    plan,
                    patient,
                    codes[patient.ward_id],
                    events[plan.id or 0],
                    today=today,
                    zone=self._zone,
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
        number = infusion.valid_cycle(cycle)
        if number is None:
            raise RefusedError(PlanRefusal.CYCLE, max_cycle=infusion.MAX_CYCLE)
        now = self._clock()
        start = self._time(starts_at, now)
        ruling = infusion.rule_on_start(start, now)
        if ruling is not Ruling.ALLOWED:
            ahead = ruling is Ruling.START_TOO_FAR
            limit = infusion.MAX_START_AHEAD if ahead else infusion.MAX_START_PAST
            raise RefusedError(
                PlanRefusal.START_RANGE, start=self._zoned(start), days=limit.days, ahead=ahead
            )
        with self._db.session() as session:
            patient, ward = self._find_patient(
                session, label, ward_code, actor_staff_id, roles=RECORD_ROLES, lock=True
            )
            assert patient.id is not None
            previous = plans_repo.current_for_patient(session, patient.id, lock=True)
            newest = previous[-1] if previous else None
            current = None
            if newest is not None:
                current = infusion.Cycle(
                    newest.protocol, newest.cycle_number, newest.status.value, newest.starts_at
                )
            ruling = infusion.rule_on_new_cycle(current, protocol=code, number=number, start=start)
            if newest is not None and ruling is Ruling.DOUBLED:
                view = self._view(session, newest, patient, ward.code)
                return PlanCreated(plan=view, ended=None, already_existed=True)
            if newest is not None and ruling is Ruling.SAME_CYCLE:
                raise RefusedError(
                    PlanRefusal.SAME_CYCLE,
                    label=patient.label,
                    protocol=code,
                    cycle=number,
                    status=newest.status.value,
                    started=self._zoned(newest.starts_at),
                )
            ended = [
                self._end_for_new_cycle(session, old, patient, start, now, actor_staff_id)
                for old in previous
            ]
            plan = self._add_plan(session, patient, code, number, start, now, actor_staff_id)
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
                via=via(actor_staff_id),
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
                Target(plan, patient, ward),
                Change(event_kind, cleaned, when, actor_staff_id, version),
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
                raise RefusedError(PlanRefusal.NO_PLAN, label=patient.label)
            recorded = self._record(
                session,
                Target(current[-1], patient, ward),
                Change(event_kind, cleaned, when, actor_staff_id, version=None),
                now,
            )
        self._changed(patient.id)
        return recorded
