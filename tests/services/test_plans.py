"""Infusion plans and their events against the real database (SQLite, or PostgreSQL)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.services.enrolment import EnrolmentService
from bot.services.errors import RefusalCode, RefusedError
from bot.services.localtime import TimeInputError
from bot.services.patient_refusals import PatientRefusal, WardRefusal
from bot.services.patient_refusals import PlanRefusal as Problem
from bot.services.patients import PatientService
from bot.services.plans import (
    PlanService,
    StalePlanError,
    clean_reason,
    parse_kind,
)
from bot.services.wards import WardService
from bot.telegram.words import refusal
from bot.telegram.words.patients import NO_SUCH_PATIENT
from bot.telegram.words.plans import reason_words
from storage.db import Database
from storage.models import (
    AuditLog,
    InfusionEvent,
    InfusionEventKind,
    InfusionPlan,
    PlanStatus,
    Role,
)
from storage.models import InfusionEventKind as Kind
from tests.services.conftest import START, enrol
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
TIME = "time"
"""A time refused as typed (``TimeInputError``, worded where it is raised)."""


def said(error: BaseException) -> str:
    """What the person reads for a refusal."""
    assert isinstance(error, RefusedError)
    return refusal(error)


def code_of(error: BaseException) -> RefusalCode | str:
    return TIME if isinstance(error, TimeInputError) else getattr(error, "code", "")


@contextlib.contextmanager
def refused_with(words: str) -> Iterator[None]:
    with pytest.raises(RefusedError) as refused:
        yield
    assert words in said(refused.value)


NURSE, OTHER_WARD_NURSE, ADMIN, PHYSICIAN = 501, 601, 100, 701


class Changes(list[int]):
    """The on_change hook: remembers which patients changed."""

    def __call__(self, patient_id: int) -> None:
        self.append(patient_id)


@pytest.fixture
def changes() -> Changes:
    return Changes()


@pytest.fixture
def plans(db: Database, clock: FakeClock, changes: Changes) -> PlanService:
    return PlanService(db, clock, zone=BERLIN, on_change=changes)


@pytest.fixture(autouse=True)
def two_wards(wards: WardService) -> None:
    wards.add("H7", "Haematology 7")
    wards.add("H8", "Haematology 8")


@pytest.fixture
def nurse(enrolment: EnrolmentService) -> int:
    return enrol(enrolment, NURSE, Role.NURSE, "H7", "Nurse Ada")


@pytest.fixture
def patient(db: Database, clock: FakeClock) -> int:
    service = PatientService(db, clock, zone=BERLIN)
    return service.admit(
        ward_code="H7", label="Bed 4", date_of_birth="1958-03-02", weight_band="45+"
    ).id


def stored_plans(db: Database) -> list[InfusionPlan]:
    with db.session() as session:
        return list(session.exec(select(InfusionPlan).order_by(col(InfusionPlan.id))).all())


def stored_events(db: Database) -> list[InfusionEvent]:
    with db.session() as session:
        return list(
            session.exec(
                select(InfusionEvent).order_by(col(InfusionEvent.at), col(InfusionEvent.id))
            ).all()
        )


def audits(db: Database, prefix: str = "plan.") -> list[AuditLog]:
    with db.session() as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        return [r for r in rows if r.action.startswith(prefix)]


def running(plans: PlanService, nurse: int, start: str = "2026-11-24 09:00") -> int:
    """Bed 4 on cycle 1 of rr, started at ``start`` (Berlin)."""
    return plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at=start, actor_staff_id=nurse
    ).plan.id


# -- creating a plan --------------------------------------------------------------------------


@pytest.mark.usefixtures("patient")
def test_a_future_start_is_planned_without_events(
    plans: PlanService, nurse: int, db: Database, changes: Changes, patient: int
) -> None:
    created = plans.create(
        label="bed 4", protocol="RR", cycle="1", starts_at="24.11.2026 12:00", actor_staff_id=nurse
    )
    view = created.plan
    assert (view.protocol, view.cycle_number, view.status) == ("rr", 1, PlanStatus.PLANNED)
    assert view.starts_at == dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC)
    assert view.events == () and view.version == 0 and view.cycle_day is None
    assert view.next_kinds == (Kind.START,)
    assert created.ended is None and not created.already_existed
    assert stored_events(db) == []
    (row,) = audits(db)
    assert (row.action, row.actor_staff_id, row.patient_id) == ("plan.created", nurse, patient)
    assert row.detail["protocol"] == "rr" and row.detail["status"] == "planned"
    assert changes == [patient]
    assert plans.current(patient) == view


@pytest.mark.usefixtures("patient")
def test_a_past_start_is_running_with_its_start_event(
    plans: PlanService, nurse: int, db: Database
) -> None:
    view = plans.create(
        label="Bed 4", protocol="mrd", cycle=2, starts_at="2026-11-22 09:00", actor_staff_id=nurse
    ).plan
    assert view.status is PlanStatus.RUNNING and view.cycle_day == 3
    assert [(e.kind, e.at, e.recorded_by) for e in view.events] == [
        (Kind.START, dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC), "Nurse Ada")
    ]
    assert view.next_kinds == (Kind.STEP_UP, Kind.HOLD, Kind.STOP, Kind.END_CYCLE)
    (event,) = stored_events(db)
    assert event.recorded_at == START  # the injected clock, not the wall clock


@pytest.mark.usefixtures("patient")
def test_cycle_day_counts_calendar_days_in_the_hospital_zone(
    plans: PlanService, nurse: int, clock: FakeClock
) -> None:
    # 00:30 in Berlin is still the previous day in UTC: day 1 is the Berlin date.
    view = plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="2026-11-24 00:30", actor_staff_id=nurse
    ).plan
    assert view.starts_at == dt.datetime(2026, 11, 23, 23, 30, tzinfo=dt.UTC)
    assert view.cycle_day == 1
    clock.now = dt.datetime(2026, 11, 24, 22, 59, tzinfo=dt.UTC)  # 23:59 in Berlin
    assert plans.show(label="Bed 4", actor_staff_id=nurse).plan.cycle_day == 1  # type: ignore[union-attr]
    clock.now = dt.datetime(2026, 11, 24, 23, 0, tzinfo=dt.UTC)  # midnight in Berlin
    assert plans.show(label="Bed 4", actor_staff_id=nurse).plan.cycle_day == 2  # type: ignore[union-attr]


@pytest.mark.usefixtures("patient")
def test_now_starts_the_infusion_at_the_clock(plans: PlanService, nurse: int) -> None:
    view = plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="now", actor_staff_id=nurse
    ).plan
    assert view.status is PlanStatus.RUNNING and view.starts_at == START
    assert [e.at for e in view.events] == [START]


def test_a_new_cycle_ends_the_running_plan(
    plans: PlanService, nurse: int, db: Database, clock: FakeClock, patient: int
) -> None:
    first = running(plans, nurse, "2026-11-01 09:00")
    clock.advance(hours=2)
    created = plans.create(
        label="Bed 4", protocol="rr", cycle=2, starts_at="2026-11-24 10:00", actor_staff_id=nurse
    )
    assert created.ended is not None and created.ended.id == first
    assert created.ended.status is PlanStatus.COMPLETED
    assert created.ended.events[-1].kind is Kind.END_CYCLE
    assert created.ended.events[-1].at == dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    assert [p.status for p in stored_plans(db)] == [PlanStatus.COMPLETED, PlanStatus.RUNNING]
    current = plans.current(patient)
    assert current is not None and current.cycle_number == 2
    assert [a.action for a in audits(db)] == ["plan.created", "plan.event", "plan.created"]


def test_a_new_cycle_supersedes_a_plan_that_never_started(
    plans: PlanService, nurse: int, db: Database, patient: int
) -> None:
    plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="2026-11-25 09:00", actor_staff_id=nurse
    )
    created = plans.create(
        label="Bed 4", protocol="mrd", cycle=1, starts_at="2026-11-26 09:00", actor_staff_id=nurse
    )
    assert created.ended is not None and created.ended.status is PlanStatus.STOPPED
    assert stored_events(db) == []
    assert [a.action for a in audits(db)][-2:] == ["plan.superseded", "plan.created"]
    current = plans.current(patient)
    assert current is not None and current.protocol == "mrd"


@pytest.mark.usefixtures("patient")
def test_a_future_cycle_while_the_infusion_runs_is_refused(
    plans: PlanService, nurse: int, db: Database
) -> None:
    running(plans, nurse)
    with pytest.raises(RefusedError) as refused:
        plans.create(
            label="Bed 4",
            protocol="rr",
            cycle=2,
            starts_at="2026-12-20 09:00",
            actor_staff_id=nurse,
        )
    assert refused.value.code is Problem.STILL_RUNNING
    assert "still running" in said(refused.value)
    assert len(stored_plans(db)) == 1


@pytest.mark.usefixtures("patient")
def test_a_doubled_create_changes_nothing(
    plans: PlanService, nurse: int, db: Database, changes: Changes
) -> None:
    first = running(plans, nurse)
    again = plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="2026-11-24 09:00", actor_staff_id=nurse
    )
    assert again.already_existed and again.plan.id == first
    assert len(stored_plans(db)) == 1 and len(stored_events(db)) == 1
    assert len(changes) == 1


@pytest.mark.usefixtures("patient")
def test_now_sent_twice_is_one_plan(
    plans: PlanService, nurse: int, db: Database, clock: FakeClock
) -> None:
    first = plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="now", actor_staff_id=nurse
    )
    clock.advance(minutes=2)
    again = plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="now", actor_staff_id=nurse
    )
    assert again.already_existed and again.plan == first.plan
    assert len(stored_plans(db)) == 1


@pytest.mark.usefixtures("patient")
def test_the_same_cycle_again_is_refused_while_it_runs(
    plans: PlanService, nurse: int, db: Database
) -> None:
    running(plans, nurse, "2026-11-24 08:00")
    with pytest.raises(RefusedError) as refused:
        plans.create(
            label="Bed 4",
            protocol="rr",
            cycle=1,
            starts_at="2026-11-24 09:00",
            actor_staff_id=nurse,
        )
    assert refused.value.code is Problem.SAME_CYCLE
    assert "already on rr cycle 1 (running, started 24 Nov 2026 08:00)" in said(refused.value)
    assert len(stored_plans(db)) == 1


def test_a_planned_cycle_may_be_planned_again_for_another_day(
    plans: PlanService, nurse: int, db: Database, patient: int
) -> None:
    plans.create(
        label="Bed 4", protocol="rr", cycle=2, starts_at="2026-11-25 09:00", actor_staff_id=nurse
    )
    moved = plans.create(
        label="Bed 4", protocol="rr", cycle=2, starts_at="2026-11-26 09:00", actor_staff_id=nurse
    )
    assert moved.ended is not None and moved.ended.status is PlanStatus.STOPPED
    assert [p.status for p in stored_plans(db)] == [PlanStatus.STOPPED, PlanStatus.PLANNED]


@pytest.mark.usefixtures("patient", "nurse")
@pytest.mark.parametrize(
    ("fields", "problem", "words"),
    [
        ({"protocol": "xyz"}, Problem.PROTOCOL, "use mrd or rr"),
        ({"cycle": "0"}, Problem.CYCLE, "1 to 20"),
        ({"cycle": "two"}, Problem.CYCLE, "1 to 20"),
        ({"starts_at": "tomorrow"}, TIME, "YYYY-MM-DD HH:MM"),
        ({"starts_at": "2026-02-30 09:00"}, TIME, "not a valid date"),
        ({"starts_at": "2026-10-01 09:00"}, Problem.START_RANGE, "more than 28 days ago"),
        ({"starts_at": "2027-06-01 09:00"}, Problem.START_RANGE, "more than 90 days ahead"),
        ({"label": "Bed 77"}, PatientRefusal.UNKNOWN, NO_SUCH_PATIENT),
    ],
)
def test_invalid_fields_are_refused(
    plans: PlanService,
    nurse: int,
    db: Database,
    fields: dict[str, str],
    problem: RefusalCode | str,
    words: str,
) -> None:
    arguments: dict[str, object] = {
        "label": "Bed 4",
        "protocol": "rr",
        "cycle": 1,
        "starts_at": "now",
        "actor_staff_id": nurse,
    } | fields
    with pytest.raises((RefusedError, TimeInputError)) as refused:
        plans.create(**arguments)  # type: ignore[arg-type]
    assert code_of(refused.value) == problem
    assert words in said(refused.value)
    assert stored_plans(db) == [] and audits(db) == []


@pytest.mark.usefixtures("patient")
def test_the_protocol_codes_are_injected(db: Database, clock: FakeClock, nurse: int) -> None:
    service = PlanService(db, clock, zone=BERLIN, protocols={"rr": object(), "x1": object()})
    assert service.protocols == ("rr", "x1")
    created = service.create(
        label="Bed 4", protocol="x1", cycle=1, starts_at="now", actor_staff_id=nurse
    )
    assert created.plan.protocol == "x1"
    with refused_with("use rr or x1"):
        service.create(
            label="Bed 4", protocol="mrd", cycle=2, starts_at="now", actor_staff_id=nurse
        )


def test_another_wards_patient_is_the_same_as_none(
    plans: PlanService, enrolment: EnrolmentService, db: Database, patient: int
) -> None:
    stranger = enrol(enrolment, OTHER_WARD_NURSE, Role.NURSE, "H8")
    for attempt in (
        lambda: plans.show(label="Bed 4", actor_staff_id=stranger),
        lambda: plans.show(label="Bed 4", ward_code="H7", actor_staff_id=stranger),
        lambda: plans.create(
            label="Bed 4", protocol="rr", cycle=1, starts_at="now", actor_staff_id=stranger
        ),
    ):
        with pytest.raises(RefusedError) as refused:
            attempt()
        assert said(refused.value) == NO_SUCH_PATIENT
    assert stored_plans(db) == []


def test_a_button_from_another_ward_finds_nothing(
    plans: PlanService, nurse: int, enrolment: EnrolmentService, db: Database, patient: int
) -> None:
    plan_id = running(plans, nurse)
    stranger = enrol(enrolment, OTHER_WARD_NURSE, Role.NURSE, "H8")
    with refused_with("No such patient"):
        plans.get(stranger, plan_id)
    with refused_with("No such patient"):
        plans.record(stranger, plan_id, "hold", version=1, reason="crs")
    assert len(stored_events(db)) == 1


def test_an_admin_may_look_but_not_change(
    plans: PlanService, nurse: int, enrolment: EnrolmentService, db: Database, patient: int
) -> None:
    plan_id = running(plans, nurse)
    admin = enrol(enrolment, ADMIN, Role.ADMIN, "H7")
    physician = enrol(enrolment, PHYSICIAN, Role.PHYSICIAN, "H7")
    shown = plans.show(label="Bed 4", actor_staff_id=admin)
    assert shown.plan is not None and shown.plan.id == plan_id
    with pytest.raises(RefusedError) as refused:
        plans.record(admin, plan_id, "step_up", version=1)
    assert refused.value.code is Problem.NOT_ALLOWED
    assert plans.record(physician, plan_id, "step_up", version=1).plan.version == 2


def test_show_without_a_plan(plans: PlanService, nurse: int, patient: int) -> None:
    shown = plans.show(label="BED 4", actor_staff_id=nurse)
    assert (shown.patient_id, shown.label, shown.ward_code, shown.plan) == (
        patient,
        "Bed 4",
        "H7",
        None,
    )
    assert plans.current(patient) is None


# -- recording events -------------------------------------------------------------------------


@pytest.mark.usefixtures("patient")
def test_the_infusion_moves_through_its_states(
    plans: PlanService, nurse: int, clock: FakeClock, db: Database, changes: Changes
) -> None:
    plan_id = running(plans, nurse, "2026-11-17 09:00")
    clock.advance(minutes=5)
    stepped = plans.record(nurse, plan_id, "step-up", version=1).plan
    assert stepped.status is PlanStatus.RUNNING and stepped.version == 2
    assert Kind.STEP_UP not in stepped.next_kinds  # once since the start
    with pytest.raises(RefusedError) as twice:
        plans.record(nurse, plan_id, "step_up", version=2)
    assert twice.value.code is Problem.STEP_UP_DONE and "already recorded" in said(twice.value)

    with pytest.raises(RefusedError) as no_reason:
        plans.record(nurse, plan_id, "hold", version=2)
    assert no_reason.value.code is Problem.REASON_MISSING
    clock.advance(hours=1)
    held = plans.record(nurse, plan_id, "hold", version=2, reason="Neurotoxicity").plan
    assert held.status is PlanStatus.HELD and held.held_since == clock.now
    assert held.events[-1].reason == "neurotoxicity"
    assert reason_words(held.events[-1].reason) == "Neurotoxicity"
    assert held.next_kinds == (Kind.RESTART, Kind.STOP, Kind.END_CYCLE)
    assert held.cycle_day == 8  # a hold keeps counting the cycle's days
    with pytest.raises(RefusedError) as not_now:
        plans.record(nurse, plan_id, "step_up", version=3)
    assert not_now.value.code is Problem.NOT_NOW
    assert "restart, stop, end cycle" in said(not_now.value)

    clock.advance(days=3)
    restarted = plans.record(nurse, plan_id, "restart", version=3).plan
    assert restarted.status is PlanStatus.RUNNING
    assert Kind.STEP_UP in restarted.next_kinds  # restart at 9 mcg/day may step up again
    ended = plans.record(nurse, plan_id, "end_cycle", version=4).plan
    assert ended.status is PlanStatus.COMPLETED and ended.next_kinds == ()
    assert ended.cycle_day is None and not ended.is_current
    with pytest.raises(RefusedError):
        plans.record(nurse, plan_id, "restart", version=5)

    kinds = [e.kind for e in stored_events(db)]
    assert kinds == [Kind.START, Kind.STEP_UP, Kind.HOLD, Kind.RESTART, Kind.END_CYCLE]
    events = [a for a in audits(db) if a.action == "plan.event"]
    assert [a.detail["kind"] for a in events] == ["step_up", "hold", "restart", "end_cycle"]
    assert events[1].detail["reason"] == "neurotoxicity"
    assert events[1].detail["status_before"] == "running"
    assert events[1].detail["status_after"] == "held"
    assert len(changes) == 5  # the create and each recorded event


@pytest.mark.usefixtures("patient")
def test_stop_ends_the_plan_for_good(plans: PlanService, nurse: int, patient: int) -> None:
    plan_id = running(plans, nurse)
    stopped = plans.record(nurse, plan_id, "stop", version=1, reason="grade 4 ICANS").plan
    assert stopped.status is PlanStatus.STOPPED and stopped.next_kinds == ()
    assert plans.current(patient) is None
    assert plans.show(label="Bed 4", actor_staff_id=nurse).plan == stopped


@pytest.mark.usefixtures("patient")
def test_a_stale_or_doubled_press_changes_nothing(
    plans: PlanService, nurse: int, db: Database, changes: Changes
) -> None:
    plan_id = running(plans, nurse)
    plans.record(nurse, plan_id, "hold", version=1, reason="crs")
    with pytest.raises(StalePlanError) as doubled:
        plans.record(nurse, plan_id, "hold", version=1, reason="crs")
    assert doubled.value.plan.status is PlanStatus.HELD and doubled.value.plan.version == 2
    with pytest.raises(StalePlanError):
        plans.record(nurse, plan_id, "step_up", version=1)
    assert len(stored_events(db)) == 2 and len(changes) == 2


@pytest.mark.usefixtures("patient")
def test_starting_a_planned_cycle_moves_its_start(
    plans: PlanService, nurse: int, clock: FakeClock, db: Database
) -> None:
    plan_id = plans.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="2026-11-24 12:00", actor_staff_id=nurse
    ).plan.id
    clock.now = dt.datetime(2026, 11, 24, 11, 40, tzinfo=dt.UTC)  # 40 minutes late
    started = plans.record(nurse, plan_id, "start", version=0).plan
    assert started.status is PlanStatus.RUNNING and started.starts_at == clock.now
    assert started.cycle_day == 1
    (audit,) = [a for a in audits(db) if a.action == "plan.event"]
    assert audit.detail["planned_start"] == "2026-11-24T11:00:00+00:00"


def test_the_command_line_records_at_a_given_time(
    plans: PlanService, nurse: int, clock: FakeClock, db: Database, patient: int
) -> None:
    running(plans, nurse, "2026-11-24 07:00")
    recorded = plans.record_for_patient(
        label="Bed 4", ward_code="h7", kind="hold", reason="line problem", at="2026-11-24 08:30"
    )
    assert recorded.event.at == dt.datetime(2026, 11, 24, 7, 30, tzinfo=dt.UTC)
    assert recorded.event.reason == "line" and recorded.event.recorded_by is None
    row = next(a for a in audits(db) if a.action == "plan.event")
    assert row.actor_staff_id is None and row.detail["via"] == "cli"

    for at, words in (
        ("2026-11-24 10:00", "in the future"),
        ("2026-11-24 08:00", "before the last event"),
    ):
        with pytest.raises(RefusedError) as refused:
            plans.record_for_patient(label="Bed 4", ward_code="H7", kind="restart", at=at)
        assert refused.value.code in (Problem.EVENT_IN_FUTURE, Problem.EVENT_BEFORE_LAST)
        assert words in said(refused.value)
    with pytest.raises(RefusedError) as unknown:
        plans.record_for_patient(label="Bed 4", ward_code="H9", kind="restart")
    assert unknown.value.code is WardRefusal.UNKNOWN


def test_the_command_line_needs_a_current_plan(plans: PlanService, patient: int) -> None:
    with pytest.raises(RefusedError) as refused:
        plans.record_for_patient(label="Bed 4", ward_code="H7", kind="hold", reason="crs")
    assert refused.value.code is Problem.NO_PLAN


@pytest.mark.usefixtures("patient")
def test_a_restart_after_more_than_seven_days_needs_a_new_cycle(
    plans: PlanService, nurse: int, clock: FakeClock, db: Database
) -> None:
    plan_id = running(plans, nurse)
    plans.record(nurse, plan_id, "hold", version=1, reason="neurotoxicity")
    clock.advance(days=7, minutes=1)
    with pytest.raises(RefusedError) as refused:
        plans.record(nurse, plan_id, "restart", version=2)
    assert refused.value.code is Problem.NEW_CYCLE_NEEDED
    assert refused.value.facts["next_cycle"] == 2
    assert "/plan Bed 4 new rr 2" in said(refused.value)
    assert "more than 7 days" in said(refused.value)
    assert len(stored_events(db)) == 2
    # Exactly seven days is still the same cycle (recorded for that time).
    restarted = plans.record_for_patient(
        label="Bed 4", ward_code="H7", kind="restart", at="2026-12-01 09:00"
    )
    assert restarted.plan.status is PlanStatus.RUNNING


@pytest.mark.usefixtures("patient")
def test_a_new_cycle_after_a_long_hold(
    plans: PlanService, nurse: int, clock: FakeClock, db: Database
) -> None:
    plan_id = running(plans, nurse)
    plans.record(nurse, plan_id, "hold", version=1, reason="infection")
    clock.advance(days=10)
    created = plans.create(
        label="Bed 4", protocol="rr", cycle=2, starts_at="now", actor_staff_id=nurse
    )
    assert created.ended is not None and created.ended.status is PlanStatus.COMPLETED
    assert created.plan.status is PlanStatus.RUNNING and created.plan.cycle_number == 2


# -- the hook, and the board's view -----------------------------------------------------------


@pytest.mark.usefixtures("patient")
def test_the_hook_runs_after_commit_and_cannot_undo_the_change(
    db: Database, clock: FakeClock, nurse: int
) -> None:
    seen: list[int] = []

    def hook(patient_id: int) -> None:
        seen.append(len(stored_events(db)))  # a separate session: sees committed rows only
        raise RuntimeError("the schedule could not be computed")

    service = PlanService(db, clock, zone=BERLIN, on_change=hook)
    plan_id = service.create(
        label="Bed 4", protocol="rr", cycle=1, starts_at="now", actor_staff_id=nurse
    ).plan.id
    service.record(nurse, plan_id, "hold", version=1, reason="crs")
    assert seen == [1, 2]
    assert len(stored_events(db)) == 2


def test_current_many_for_the_board(
    plans: PlanService, nurse: int, db: Database, clock: FakeClock, patient: int
) -> None:
    service = PatientService(db, clock, zone=BERLIN)
    other = service.admit(
        ward_code="H7", label="Bed 5", date_of_birth="1970-01-01", weight_band="<45"
    ).id
    third = service.admit(
        ward_code="H8", label="Bed 1", date_of_birth="1970-01-01", weight_band="45+"
    ).id
    running(plans, nurse)
    plans.create(
        label="Bed 5", protocol="mrd", cycle=1, starts_at="2026-11-25 08:00", actor_staff_id=nurse
    )
    board = plans.current_many([patient, other, third])
    assert set(board) == {patient, other}
    assert board[patient].status is PlanStatus.RUNNING and board[patient].cycle_day == 1
    assert board[other].status is PlanStatus.PLANNED and board[other].ward_code == "H7"
    assert plans.current_many([]) == {}


# -- time zones: the clock changes in Berlin --------------------------------------------------


@pytest.mark.usefixtures("patient")
def test_a_start_in_the_spring_gap_is_refused(
    plans: PlanService, nurse: int, clock: FakeClock, db: Database
) -> None:
    clock.now = dt.datetime(2026, 3, 20, 8, 0, tzinfo=dt.UTC)
    with pytest.raises(TimeInputError) as refused:
        plans.create(
            label="Bed 4",
            protocol="rr",
            cycle=1,
            starts_at="2026-03-29 02:30",
            actor_staff_id=nurse,
        )
    assert "does not exist in Europe/Berlin" in said(refused.value)
    assert stored_plans(db) == []


@pytest.mark.usefixtures("patient")
def test_an_ambiguous_autumn_start_needs_its_offset(
    plans: PlanService, nurse: int, clock: FakeClock, db: Database
) -> None:
    clock.now = dt.datetime(2026, 10, 20, 8, 0, tzinfo=dt.UTC)
    with pytest.raises(TimeInputError) as refused:
        plans.create(
            label="Bed 4",
            protocol="rr",
            cycle=1,
            starts_at="25.10.2026 02:30",
            actor_staff_id=nurse,
        )
    message = said(refused.value)
    assert "happens twice in Europe/Berlin" in message
    assert "'2026-10-25 02:30 +02:00' (the first" in message
    assert "'2026-10-25 02:30 +01:00' (the second" in message
    assert stored_plans(db) == []

    after = plans.create(
        label="Bed 4",
        protocol="rr",
        cycle=1,
        starts_at="2026-10-25 02:30 +01:00",
        actor_staff_id=nurse,
    ).plan
    assert after.starts_at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)


# -- small parsers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [("step_up", Kind.STEP_UP), ("Step-up", Kind.STEP_UP), ("end cycle", Kind.END_CYCLE)],
)
def test_parse_kind(text: str, kind: InfusionEventKind) -> None:
    assert parse_kind(text) is kind


def test_parse_kind_refuses_anything_else() -> None:
    with refused_with("not an infusion event"):
        parse_kind("pause")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, None),
        ("  ", None),
        ("CRS", "crs"),
        ("Line problem", "line"),
        ("pump   alarm", "pump alarm"),
    ],
)
def test_clean_reason(text: str | None, reason: str | None) -> None:
    assert clean_reason(text) == reason


def test_a_reason_with_a_record_number_is_refused() -> None:
    with refused_with("record number"):
        clean_reason("patient 4471123 asked")
