"""The plan service's machinery: finding the plan and patient a person means, building
views, and the writes of one event or of ending a cycle, each asking
``bot.clinical.infusion`` first and refusing with its reason as a code.

Kept apart from the use cases (``bot.services.plans``) so that each reads in one sitting.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical import infusion
from bot.clinical.infusion import Ruling
from bot.clock import Clock
from bot.services.errors import RefusedError
from bot.services.localtime import parse_local_time
from bot.services.patient_lookup import active_patient, named_ward
from bot.services.patient_refusals import PatientRefusal, PlanRefusal
from bot.services.plan_views import (
    EventRecorded,
    PlanView,
    StalePlanError,
    build_view,
    step_refusal,
)
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


def no_change(_patient_id: int) -> None:
    return None


@dataclass(frozen=True)
class Target:
    plan: InfusionPlan
    patient: Patient
    ward: Ward


@dataclass(frozen=True)
class Change:
    kind: InfusionEventKind
    reason: str | None
    at: dt.datetime
    actor: int | None
    version: int | None


class PlanRecords:
    """What the use cases share: the database, the clock and zone, the writes."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        zone: ZoneInfo,
        protocols: Collection[str] = DEFAULT_PROTOCOLS,
        on_change: Callable[[int], None] = no_change,
    ) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self._protocols = frozenset(protocols)
        self._on_change = on_change

    @property
    def protocols(self) -> tuple[str, ...]:
        return tuple(sorted(self._protocols))

    # -- the writes -------------------------------------------------------------------------

    def _record(
        self, session: Session, target: Target, change: Change, now: dt.datetime
    ) -> EventRecorded:
        plan, patient, ward = target.plan, target.patient, target.ward
        kind, reason, at, actor_staff_id = change.kind, change.reason, change.at, change.actor
        before = self._view(session, plan, patient, ward.code)
        if change.version is not None and change.version != before.version:
            raise StalePlanError(before)
        ruling = infusion.rule_on_step(
            state=before.status.value,
            history=before.history,
            step=kind.value,
            at=at,
            now=now,
            has_reason=reason is not None,
        )
        if ruling is not Ruling.ALLOWED:
            raise step_refusal(ruling, before, kind, at.astimezone(self._zone))
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
        plan.status = PlanStatus(infusion.state_after(kind.value).value)
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
            via=via(actor_staff_id),
        )
        after = self._view(session, plan, patient, ward.code)
        return EventRecorded(plan=after, event=after.events[-1])

    def _add_plan(
        self,
        session: Session,
        patient: Patient,
        code: str,
        number: int,
        start: dt.datetime,
        now: dt.datetime,
        actor_staff_id: int | None,
    ) -> InfusionPlan:
        """The new plan: running (with its start event) unless it starts later."""
        assert patient.id is not None
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
        return plan

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
        ruling = infusion.rule_on_ending(
            before.status.value, before.history, new_start=new_start, now=now
        )
        if ruling is Ruling.STILL_RUNNING:
            raise RefusedError(
                PlanRefusal.STILL_RUNNING, cycle=old.cycle_number, label=patient.label
            )
        if ruling is Ruling.BEFORE_LAST:
            last = before.events[-1]
            raise RefusedError(
                PlanRefusal.CYCLE_BEFORE_LAST,
                cycle=old.cycle_number,
                last_kind=last.kind.value,
                last_at=self._zoned(last.at),
            )
        detail: dict[str, Any]
        if old.status is PlanStatus.PLANNED:
            old.status = PlanStatus.STOPPED
            action, detail = "plan.superseded", {"never_started": True}
        else:
            event = plans_repo.add_event(
                session,
                InfusionEvent(
                    plan_id=old.id or 0,
                    kind=Kind.END_CYCLE,
                    at=min(now, new_start),
                    reason=infusion.NEXT_CYCLE_REASON,
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
            via=via(actor_staff_id),
            **detail,
        )
        return self._view(session, old, patient, ward_code)

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
        if actor_staff_id is None:
            ward = named_ward(session, ward_code)
            assert ward.id is not None
            wards = {ward.id: ward}
        else:
            ward_ids = self._actor_ward_ids(session, actor_staff_id, roles)
            wards = {w.id: w for w in wards_repo.by_ids(session, ward_ids) if w.id is not None}
            if ward_code is not None:
                code = normalise_code(ward_code)
                wards = {i: w for i, w in wards.items() if w.code == code}
        patient = active_patient(session, wards=wards, label=label, command="plan", lock=lock)
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
            raise RefusedError(PatientRefusal.UNKNOWN)
        ward = wards_repo.by_id(session, patient.ward_id)
        assert ward is not None
        return plan, patient, ward

    @staticmethod
    def _actor_ward_ids(
        session: Session, actor_staff_id: int, roles: frozenset[Role] | None
    ) -> tuple[int, ...]:
        actor = staff_repo.by_id(session, actor_staff_id)
        if actor is None or not actor.active:
            raise RefusedError(PlanRefusal.NOT_ENROLLED)
        if roles is not None and actor.role not in roles:
            raise RefusedError(PlanRefusal.NOT_ALLOWED)
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
        view = build_view(plan, patient, ward_code, events, today=self._today(), zone=self._zone)
        check = checks_repo.next_open(session, patient_ids=[patient.id]).get(patient.id)
        if check is None:
            return view
        return dataclasses.replace(
            view,
            next_check_at=check.due_at,
            cadence=check.kind.value,
            cadence_hours=check.cadence_hours,
        )

    def _protocol(self, text: str) -> str:
        code = text.strip().lower()
        if code not in self._protocols:
            raise RefusedError(PlanRefusal.PROTOCOL, text=text.strip(), protocols=self.protocols)
        return code

    def _time(self, value: str | dt.datetime, now: dt.datetime) -> dt.datetime:
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime")  # a programming error, not user input
            return value.astimezone(dt.UTC)
        return parse_local_time(value, self._zone, now)

    def _today(self) -> dt.date:
        return self._clock().astimezone(self._zone).date()

    def _zoned(self, at: dt.datetime) -> dt.datetime:
        """A time as a fact for the words: in the hospital's zone."""
        return at.astimezone(self._zone)

    def _changed(self, patient_id: int) -> None:
        """After commit; a failure here must not turn a recorded event into an error."""
        try:
            self._on_change(patient_id)
        except Exception:
            log.exception("plan change hook failed for patient %s", patient_id)


def via(actor_staff_id: int | None) -> str:
    return "cli" if actor_staff_id is None else "chat"
