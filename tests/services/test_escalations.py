"""Escalations against the real database with a hand-moved clock: opening, climbing, paging,
coalescing, running out, delivery outcomes, take-over, acknowledgement and follow-ups.

Everyone's chat id is their Telegram id, so pages are asserted by who received them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.clinical import IceItem, Tool, Urgency, check_answers, grade_icans
from bot.clinical.policy import DEFAULTS, snapshot, steps_of
from bot.services import grades
from bot.services.alerts import Acknowledged, AlertService
from bot.services.errors import RefusedError
from bot.services.escalations import (
    MISSED_CHECK,
    EscalationReport,
    EscalationRunner,
    close_missed_check,
    delivery_outcome,
    live_for_patient,
    open_escalation,
)
from bot.services.outbox import Outbox, OutboxItem
from bot.services.patients import PatientService
from bot.services.staff import StaffView
from bot.telegram import words
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentStatus,
    AuditLog,
    DeliveryStatus,
    Duty,
    DutyAssignment,
    Escalation,
    EscalationDelivery,
    EscalationStatus,
    OutboundMessage,
    Patient,
    Role,
    ScheduledCheck,
    Staff,
    Ward,
)
from tests.services.conftest import START
from tests.support import factories
from tests.support.clock import FakeClock

T0 = START
BERLIN = ZoneInfo("Europe/Berlin")
NURSE, CHARGE, PRIMARY, BACKUP, ATTENDING, ADMIN = 501, 502, 701, 702, 703, 801
OTHER_PHYSICIAN = 901  # another ward's

Who = frozenset[int]
P, B, A = frozenset({PRIMARY}), frozenset({BACKUP}), frozenset({ATTENDING})
PB, PBA = P | B, P | B | A

NO_ALERT = "That alert is not on your wards (or does not exist)."


def refusal_of(call: Callable[[], object]) -> str:
    """The words of the refusal ``call`` raises (it must raise one)."""
    with pytest.raises(RefusedError) as refused:
        call()
    return words.refusal(refused.value)


@dataclass(frozen=True)
class Team:
    ward: int
    patient: int
    ids: dict[int, int]  # telegram id -> staff id

    def view(self, telegram_id: int) -> StaffView:
        role = Role.PHYSICIAN if telegram_id in (PRIMARY, BACKUP, ATTENDING) else Role.NURSE
        if telegram_id == CHARGE:
            role = Role.CHARGE_NURSE
        return StaffView(
            self.ids[telegram_id], telegram_id, f"Staff {telegram_id}", role, (self.ward,)
        )


def make_team(db: Database, *, on_call: Sequence[int] = (PRIMARY, BACKUP, ATTENDING)) -> Team:
    ward = factories.ward(db)
    people = {
        NURSE: ("Nurse Ada", Role.NURSE),
        CHARGE: ("Charge Nurse Bea", Role.CHARGE_NURSE),
        PRIMARY: ("Dr Pim", Role.PHYSICIAN),
        BACKUP: ("Dr Bex", Role.PHYSICIAN),
        ATTENDING: ("Dr Ava", Role.PHYSICIAN),
        ADMIN: ("Admin Al", Role.ADMIN),
    }
    ids = {
        tid: factories.staff(db, tid, name, role, [ward]) for tid, (name, role) in people.items()
    }
    duties = {PRIMARY: Duty.PRIMARY, BACKUP: Duty.BACKUP, ATTENDING: Duty.ATTENDING}
    for tid in on_call:
        factories.duty(db, ward, ids[tid], duties[tid], T0 - dt.timedelta(hours=1))
    return Team(ward, factories.patient(db, ward, "Bed 4"), ids)


@pytest.fixture
def team(db: Database) -> Team:
    return make_team(db)


@pytest.fixture
def runner(db: Database, clock: FakeClock) -> EscalationRunner:
    return EscalationRunner(db, clock)


@pytest.fixture
def alerts(db: Database, clock: FakeClock) -> AlertService:
    return AlertService(db, clock, BERLIN)


# -- helpers ------------------------------------------------------------------------------------


def open_alert(
    db: Database,
    patient_id: int,
    urgency: Urgency,
    at: dt.datetime = T0,
    *,
    reasons: Sequence[str] = ("grade_rose",),
    source: str = "check",
    grade_result_id: int | None = None,
    scheduled_check_id: int | None = None,
) -> int:
    with db.session() as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        row = open_escalation(
            session,
            patient=patient,
            urgency=urgency,
            reasons=reasons,
            now=at,
            source=source,
            grade_result_id=grade_result_id,
            scheduled_check_id=scheduled_check_id,
        )
        assert row is not None and row.id is not None
        return row.id


def escalation(db: Database, escalation_id: int) -> Escalation:
    with db.session() as session:
        row = session.get(Escalation, escalation_id)
        assert row is not None
        return row


def deliveries(db: Database, escalation_id: int | None = None) -> list[EscalationDelivery]:
    query = select(EscalationDelivery).order_by(col(EscalationDelivery.id))
    if escalation_id is not None:
        query = query.where(EscalationDelivery.escalation_id == escalation_id)
    with db.session() as session:
        return list(session.exec(query).all())


def paged(db: Database, escalation_id: int) -> list[tuple[int, int | None]]:
    """(step index, chat id) of every page of a chain, in order."""
    return [(d.step_index, d.chat_id) for d in deliveries(db, escalation_id)]


def messages(db: Database, purpose: str) -> list[OutboundMessage]:
    with db.session() as session:
        return list(
            session.exec(
                select(OutboundMessage)
                .where(OutboundMessage.purpose == purpose)
                .order_by(col(OutboundMessage.id))
            ).all()
        )


def audits(db: Database, action: str) -> list[AuditLog]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditLog).where(AuditLog.action == action).order_by(col(AuditLog.id))
            ).all()
        )


def run_at(runner: EscalationRunner, clock: FakeClock, **after_t0: float) -> EscalationReport:
    clock.now = T0 + dt.timedelta(**after_t0)
    return runner.run_due()


def new_pages(db: Database, runner: EscalationRunner, clock: FakeClock, at: dt.datetime) -> Who:
    """Who is paged by a pass at ``at`` (chat ids of the deliveries it added)."""
    before = len(deliveries(db))
    clock.now = at
    runner.run_due()
    return frozenset(d.chat_id or 0 for d in deliveries(db)[before:])


def outbox(db: Database, clock: FakeClock) -> Outbox:
    return Outbox(db, clock, hooks={"alert": delivery_outcome})


def deliver(
    db: Database, clock: FakeClock, *, fail: Sequence[int] = (), message_id: int = 100
) -> list[OutboxItem]:
    """Send every due alert page: chats in ``fail`` have blocked the bot."""
    box = outbox(db, clock)
    items = [i for i in box.claim() if i.purpose == "alert"]
    for n, item in enumerate(items):
        if item.chat_id in fail:
            assert box.failed(item, "Forbidden: bot was blocked by the user")
        else:
            assert box.sent(item, message_id=message_id + n)
    return list(items)


def set_ward_settings(db: Database, ward_id: int, settings: dict[str, Any]) -> None:
    with db.session() as session:
        ward = session.get(Ward, ward_id)
        assert ward is not None
        ward.settings = settings


ICE_8 = {
    "consciousness": "alert",
    "ice": {item.value: "correct" if n < 8 else "wrong" for n, item in enumerate(IceItem)},
    "seizure": "none",
}
"""A check's stored answers: awake, ICE 8/10 (ICANS grade 1 from the ICE domain alone)."""


def graded_check(
    db: Database, team: Team, at: dt.datetime, answers: dict[str, Any] | None = None
) -> int:
    """A check submitted by the nurse and graded from its answers; returns the grade row's id."""
    answers = ICE_8 if answers is None else answers
    with db.session() as session:
        check = Assessment(
            patient_id=team.patient,
            holder_id=team.ids[NURSE],
            status=AssessmentStatus.SUBMITTED,
            step="summary",
            tool="ice",
            answers=answers,
            submitted_at=at,
            started_at=at,
            updated_at=at,
        )
        session.add(check)
        session.flush()
        result = grade_icans(check_answers.to_assessment(answers, Tool.ICE))
        row = grades.to_row(result, patient_id=team.patient, at=at, assessment_id=check.id)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def submitted_check(db: Database, team: Team, at: dt.datetime) -> None:
    with db.session() as session:
        session.add(
            Assessment(
                patient_id=team.patient,
                holder_id=team.ids[NURSE],
                status=AssessmentStatus.SUBMITTED,
                step="summary",
                tool="ice",
                started_at=at - dt.timedelta(minutes=5),
                updated_at=at,
                submitted_at=at,
            )
        )


# -- opening ------------------------------------------------------------------------------------


def test_no_urgency_opens_nothing(db: Database, team: Team) -> None:
    with db.session() as session:
        patient = session.get(Patient, team.patient)
        assert patient is not None
        opened = open_escalation(
            session, patient=patient, urgency=Urgency.NONE, reasons=[], now=T0, source="check"
        )
    assert opened is None
    with db.session() as session:
        assert session.exec(select(Escalation)).first() is None
    assert audits(db, "escalation.opened") == []


@pytest.mark.parametrize("urgency", [Urgency.CRITICAL, Urgency.HIGH, Urgency.NORMAL, Urgency.INFO])
def test_each_urgency_opens_a_chain_due_at_once_with_its_default_policy(
    db: Database, team: Team, urgency: Urgency
) -> None:
    row = escalation(db, open_alert(db, team.patient, urgency, reasons=["seizure"]))
    assert row.status is EscalationStatus.OPEN
    assert (row.urgency.value, row.step_index, row.next_step_at) == (urgency.value, 0, T0)
    assert row.policy == snapshot(urgency, DEFAULTS[urgency])
    assert (row.ward_id, row.reasons, row.created_at) == (team.ward, ["seizure"], T0)
    [opened] = audits(db, "escalation.opened")
    assert opened.entity_id == row.id and opened.detail["urgency"] == urgency.value


def test_the_wards_overrides_apply_when_an_alert_opens(db: Database, team: Team) -> None:
    set_ward_settings(db, team.ward, {"escalation": {"critical": {"attending": "off"}}})
    row = escalation(db, open_alert(db, team.patient, Urgency.CRITICAL))
    assert [(s.at, len(s.roles)) for s in steps_of(row.policy)] == [
        (0, 1),
        (5, 2),
        (10, 2),
        (15, 2),
    ]
    high = escalation(db, open_alert(db, factories.patient(db, team.ward, "Bed 5"), Urgency.HIGH))
    assert high.policy == snapshot(Urgency.HIGH, DEFAULTS[Urgency.HIGH]), "other urgencies keep"


def test_a_running_chain_keeps_its_policy_when_the_ward_changes_its_settings(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    policy = escalation(db, escalation_id).policy
    set_ward_settings(
        db, team.ward, {"escalation": {"critical": {"backup": "off", "give_up": "90"}}}
    )
    assert escalation(db, escalation_id).policy == policy
    assert new_pages(db, runner, clock, T0) == P
    assert new_pages(db, runner, clock, T0 + dt.timedelta(minutes=5)) == PB
    for minute in (10, 15, 20):  # the snapshot's steps and give-up, not the ward's new ones
        run_at(runner, clock, minutes=minute)
    assert escalation(db, escalation_id).status is EscalationStatus.EXHAUSTED


# -- timing -------------------------------------------------------------------------------------

SCHEDULE: dict[Urgency, tuple[list[tuple[int, Who]], int]] = {
    Urgency.CRITICAL: ([(0, P), (5, PB), (10, PBA), (15, PBA)], 20),
    Urgency.HIGH: ([(0, P), (10, P), (15, B), (20, PB)], 30),
    Urgency.NORMAL: ([(0, P), (30, B)], 60),
}
JUST_BEFORE = dt.timedelta(microseconds=1)


@pytest.mark.parametrize("urgency", list(SCHEDULE))
def test_every_step_pages_at_its_minute_and_not_a_moment_before(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock, urgency: Urgency
) -> None:
    escalation_id = open_alert(db, team.patient, urgency)
    schedule, give_up = SCHEDULE[urgency]
    for minute, who in schedule:
        at = T0 + dt.timedelta(minutes=minute)
        if minute:
            assert new_pages(db, runner, clock, at - JUST_BEFORE) == frozenset(), minute
        assert new_pages(db, runner, clock, at) == who, minute
    end = T0 + dt.timedelta(minutes=give_up)
    assert new_pages(db, runner, clock, end - JUST_BEFORE) == frozenset()
    assert escalation(db, escalation_id).status is EscalationStatus.OPEN
    assert messages(db, "alert_exhausted") == []
    clock.now = end
    assert runner.run_due().exhausted == 1
    assert escalation(db, escalation_id).status is EscalationStatus.EXHAUSTED
    assert len(deliveries(db)) == sum(len(who) for _, who in schedule)


def test_the_first_page_goes_to_the_primary_with_a_unique_key(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    report = run_at(runner, clock)
    assert (report.steps, report.pages, report.nobody) == (1, 1, [])
    [delivery] = deliveries(db)
    assert (delivery.step_index, delivery.staff_id, delivery.chat_id) == (
        0,
        team.ids[PRIMARY],
        PRIMARY,
    )
    assert delivery.status is DeliveryStatus.PENDING
    [page] = messages(db, "alert")
    assert page.chat_id == PRIMARY
    assert page.dedupe_key == f"alert:{escalation_id}:0:{team.ids[PRIMARY]}"
    assert page.payload == {
        "escalation_id": escalation_id,
        "delivery_id": delivery.id,
        "role": "primary",
        "repeat": False,
    }
    row = escalation(db, escalation_id)
    assert (row.step_index, row.next_step_at) == (1, T0 + dt.timedelta(minutes=5))
    [audit] = audits(db, "escalation.paged")
    assert audit.detail["recipients"] == [team.ids[PRIMARY]]


def test_a_repeat_page_says_so_and_a_first_page_does_not(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    run_at(runner, clock, minutes=5)
    step_one = {m.chat_id: m.payload for m in messages(db, "alert")[1:]}
    assert step_one[PRIMARY]["repeat"] is True and step_one[PRIMARY]["role"] == "primary"
    assert step_one[BACKUP]["repeat"] is False and step_one[BACKUP]["role"] == "backup"


def test_an_info_alert_pages_the_primary_once_and_closes_itself(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.INFO, reasons=["grade_fell"])
    report = run_at(runner, clock)
    assert paged(db, escalation_id) == [(0, PRIMARY)]
    assert (report.pages, report.exhausted) == (1, 0)
    row = escalation(db, escalation_id)
    assert (row.status, row.closed_reason, row.next_step_at) == (
        EscalationStatus.CLOSED,
        "information",
        None,
    )
    deliver(db, clock)
    assert messages(db, "alert_edit") == [], "an information message is never edited"
    run_at(runner, clock, hours=2)
    assert paged(db, escalation_id) == [(0, PRIMARY)]
    assert messages(db, "alert_exhausted") == []


# -- running out --------------------------------------------------------------------------------


def test_a_chain_nobody_acknowledges_tells_the_charge_nurse_and_admin_once(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    for minute in (0, 10, 15, 20):
        run_at(runner, clock, minutes=minute)
    run_at(runner, clock, minutes=30)
    run_at(runner, clock, minutes=31)
    told = messages(db, "alert_exhausted")
    assert sorted(m.chat_id for m in told) == [CHARGE, ADMIN]
    assert all(m.payload == {"escalation_id": escalation_id} for m in told)
    [exhausted] = audits(db, "escalation.exhausted")
    assert sorted(exhausted.detail["told"]) == sorted([team.ids[CHARGE], team.ids[ADMIN]])
    row = escalation(db, escalation_id)
    assert (row.status, row.next_step_at) == (EscalationStatus.EXHAUSTED, None)


def test_only_the_charge_nurse_on_duty_is_told_when_one_is(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    second = factories.staff(db, 503, "Charge Nurse Cy", Role.CHARGE_NURSE, [team.ward])
    factories.duty(db, team.ward, second, Duty.CHARGE_NURSE, T0)
    open_alert(db, team.patient, Urgency.CRITICAL)
    for minute in (0, 5, 10, 15, 20):
        run_at(runner, clock, minutes=minute)
    assert sorted(m.chat_id for m in messages(db, "alert_exhausted")) == [503, ADMIN]


# -- downtime -----------------------------------------------------------------------------------


def test_after_downtime_the_due_steps_are_one_page_per_person(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    report = run_at(runner, clock, minutes=12)
    assert (report.steps, report.pages) == (1, 3)
    assert sorted(paged(db, escalation_id)) == [(2, PRIMARY), (2, BACKUP), (2, ATTENDING)]
    assert all(m.payload["repeat"] is False for m in messages(db, "alert"))
    row = escalation(db, escalation_id)
    assert (row.step_index, row.next_step_at) == (3, T0 + dt.timedelta(minutes=15))


def test_after_downtime_someone_paged_before_gets_one_repeat(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    run_at(runner, clock, minutes=14, seconds=59)
    assert sorted(paged(db, escalation_id)) == [
        (0, PRIMARY),
        (2, PRIMARY),
        (2, BACKUP),
        (2, ATTENDING),
    ]
    repeats = {m.chat_id: m.payload["repeat"] for m in messages(db, "alert")[1:]}
    assert repeats == {PRIMARY: True, BACKUP: False, ATTENDING: False}


# -- more than one runner -----------------------------------------------------------------------

CRITICAL_PAGES = 4 + 3 + 2  # primary at 0, 5, 10, 15; backup at 5, 10, 15; attending at 10, 15


def assert_each_page_once(db: Database, chains: int) -> None:
    rows = deliveries(db)
    keys = [(d.escalation_id, d.step_index, d.staff_id) for d in rows]
    assert len(keys) == len(set(keys)) == chains * CRITICAL_PAGES
    pages = messages(db, "alert")
    assert len(pages) == chains * CRITICAL_PAGES
    assert sorted(m.payload["delivery_id"] for m in pages) == sorted(d.id or 0 for d in rows)
    assert len(messages(db, "alert_exhausted")) == chains * 2  # charge nurse and admin
    assert len(audits(db, "escalation.exhausted")) == chains


def test_a_second_runner_after_the_first_pages_nobody_again(
    db: Database, team: Team, clock: FakeClock
) -> None:
    first, second = EscalationRunner(db, clock), EscalationRunner(db, clock)
    open_alert(db, team.patient, Urgency.CRITICAL)
    for minute in (0, 5, 10, 15, 20, 21):
        clock.now = T0 + dt.timedelta(minutes=minute)
        first.run_due()
        report = second.run_due()
        assert (report.steps, report.pages, report.exhausted) == (0, 0, 0)
    assert_each_page_once(db, chains=1)


def test_two_runners_at_once_never_page_twice(db: Database, team: Team, clock: FakeClock) -> None:
    chains = 25
    for n in range(chains):
        patient = factories.patient(db, team.ward, f"Bed {n + 10}")
        open_alert(db, patient, Urgency.CRITICAL)
    runners = [EscalationRunner(db, clock), EscalationRunner(db, clock)]
    reports: list[EscalationReport] = []
    errors: list[BaseException] = []
    for minute in (0, 5, 10, 15, 20):
        clock.now = T0 + dt.timedelta(minutes=minute)
        barrier = threading.Barrier(len(runners))

        def run(runner: EscalationRunner, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait(timeout=10)
                reports.append(runner.run_due())
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(r,)) for r in runners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [] and not any(t.is_alive() for t in threads)
    assert_each_page_once(db, chains)
    assert sum(r.pages for r in reports) == chains * CRITICAL_PAGES
    assert sum(r.exhausted for r in reports) == chains


# -- nobody on call -----------------------------------------------------------------------------


def test_with_nobody_on_call_the_chain_runs_out_at_once(
    db: Database, runner: EscalationRunner, clock: FakeClock
) -> None:
    team = make_team(db, on_call=())
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    report = run_at(runner, clock)
    assert report.nobody == [escalation_id] * 4 and report.exhausted == 1
    assert deliveries(db) == []
    nobody = audits(db, "escalation.nobody")
    assert [a.detail["step_index"] for a in nobody] == [0, 1, 2, 3]
    assert nobody[0].detail["roles"] == ["primary"]
    assert escalation(db, escalation_id).status is EscalationStatus.EXHAUSTED
    told = messages(db, "alert_exhausted")
    assert sorted(m.chat_id for m in told) == [CHARGE, ADMIN]
    assert all(m.created_at == T0 for m in told)


def test_a_vacant_role_moves_the_chain_to_the_next_step_at_once(
    db: Database, runner: EscalationRunner, clock: FakeClock
) -> None:
    team = make_team(db, on_call=(BACKUP, ATTENDING))
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    assert paged(db, escalation_id) == [(1, BACKUP)]
    [nobody] = audits(db, "escalation.nobody")
    assert nobody.detail["step_index"] == 0
    row = escalation(db, escalation_id)
    assert (row.step_index, row.next_step_at) == (2, T0 + dt.timedelta(minutes=10))


def test_the_physician_on_call_at_the_step_is_paged_after_a_handover(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    with db.session() as session:
        shift = session.exec(
            select(DutyAssignment).where(DutyAssignment.staff_id == team.ids[PRIMARY])
        ).one()
        shift.ends_at = T0 + dt.timedelta(minutes=3)
    incoming = factories.staff(db, 704, "Dr Inez", Role.PHYSICIAN, [team.ward])
    factories.duty(db, team.ward, incoming, Duty.PRIMARY, T0 + dt.timedelta(minutes=3))
    open_alert(db, team.patient, Urgency.CRITICAL)
    assert new_pages(db, runner, clock, T0) == P
    assert new_pages(db, runner, clock, T0 + dt.timedelta(minutes=5)) == {704, BACKUP}
    incoming_page = next(m for m in messages(db, "alert") if m.chat_id == 704)
    assert incoming_page.payload["repeat"] is False


def test_a_physician_holding_two_roles_is_paged_once_per_step(
    db: Database, runner: EscalationRunner, clock: FakeClock
) -> None:
    team = make_team(db, on_call=(PRIMARY,))
    factories.duty(db, team.ward, team.ids[PRIMARY], Duty.BACKUP, T0 - dt.timedelta(hours=1))
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock, minutes=5)
    assert paged(db, escalation_id) == [(1, PRIMARY)]


def test_an_override_replaces_the_regular_primary(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    stand_in = factories.staff(db, 704, "Dr Inez", Role.PHYSICIAN, [team.ward])
    start = T0 - dt.timedelta(minutes=30)
    factories.duty(db, team.ward, stand_in, Duty.PRIMARY, start, hours=2.5, override=True)
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    assert paged(db, escalation_id) == [(0, 704)]


# -- delivery outcomes --------------------------------------------------------------------------


def test_a_sent_page_records_its_message(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock, seconds=10)
    clock.now = T0 + dt.timedelta(seconds=12)
    deliver(db, clock, message_id=555)
    [delivery] = deliveries(db)
    assert (delivery.status, delivery.message_id, delivery.sent_at) == (
        DeliveryStatus.SENT,
        555,
        clock.now,
    )
    assert [a.entity_id for a in audits(db, "escalation.delivered")] == [escalation_id]
    assert escalation(db, escalation_id).next_step_at == T0 + dt.timedelta(minutes=5)


def test_a_failed_page_moves_the_chain_on_now_and_skips_that_person_later(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    clock.now = T0 + dt.timedelta(seconds=30)
    deliver(db, clock, fail=[PRIMARY])
    [failed] = deliveries(db)
    assert failed.status is DeliveryStatus.FAILED and "blocked" in (failed.error or "")
    assert failed.sent_at is None
    [audit] = audits(db, "escalation.delivery_failed")
    assert audit.detail["staff_id"] == team.ids[PRIMARY]
    assert escalation(db, escalation_id).next_step_at == clock.now, "the next step is due now"
    assert new_pages(db, runner, clock, clock.now) == B
    assert new_pages(db, runner, clock, T0 + dt.timedelta(minutes=10)) == B | A
    assert new_pages(db, runner, clock, T0 + dt.timedelta(minutes=15)) == B | A
    assert [d.chat_id for d in deliveries(db)].count(PRIMARY) == 1


def test_a_failure_while_a_colleague_of_the_step_was_reached_keeps_the_schedule(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    second = factories.staff(db, 704, "Dr Inez", Role.PHYSICIAN, [team.ward])
    factories.duty(db, team.ward, second, Duty.PRIMARY, T0 - dt.timedelta(hours=1))
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    assert sorted(c or 0 for _, c in paged(db, escalation_id)) == [PRIMARY, 704]
    deliver(db, clock, fail=[PRIMARY])
    assert escalation(db, escalation_id).next_step_at == T0 + dt.timedelta(minutes=5)


def test_a_failure_while_a_colleague_of_the_step_is_still_pending_keeps_the_schedule(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    second = factories.staff(db, 704, "Dr Inez", Role.PHYSICIAN, [team.ward])
    factories.duty(db, team.ward, second, Duty.PRIMARY, T0 - dt.timedelta(hours=1))
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    box = outbox(db, clock)
    mine = next(i for i in box.claim() if i.chat_id == PRIMARY)
    assert box.failed(mine, "Forbidden: bot was blocked by the user")
    assert escalation(db, escalation_id).next_step_at == T0 + dt.timedelta(minutes=5)


def test_when_the_only_physician_cannot_be_reached_the_ward_is_told_at_once(
    db: Database, runner: EscalationRunner, clock: FakeClock
) -> None:
    team = make_team(db, on_call=(PRIMARY,))
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    run_at(runner, clock)
    deliver(db, clock, fail=[PRIMARY])
    run_at(runner, clock, seconds=1)
    assert escalation(db, escalation_id).status is EscalationStatus.EXHAUSTED
    assert sorted(m.chat_id for m in messages(db, "alert_exhausted")) == [CHARGE, ADMIN]
    assert paged(db, escalation_id) == [(0, PRIMARY)]


def test_a_late_failure_after_someone_was_reached_keeps_the_give_up_time(
    db: Database, runner: EscalationRunner, clock: FakeClock
) -> None:
    """The backup's copy got through; the primary's last repeat bounced: nobody is left to page,
    but the backup still has until the give-up to acknowledge."""
    team = make_team(db, on_call=(PRIMARY, BACKUP))
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    for minute in (0, 10, 15):
        run_at(runner, clock, minutes=minute)
        deliver(db, clock)
    run_at(runner, clock, minutes=20)
    deliver(db, clock, fail=[PRIMARY])  # the backup's repeat at 20 is sent
    assert escalation(db, escalation_id).next_step_at == T0 + dt.timedelta(minutes=30)


def late_failure_of_the_first_page(db: Database, runner: EscalationRunner, clock: FakeClock) -> int:
    """Critical: the primary's page of minute 0 is still being retried when minute 5 pages the
    primary again and the backup, and both of those get through; at 6 the first page fails."""
    escalation_id = open_alert(db, make_team(db).patient, Urgency.CRITICAL)
    run_at(runner, clock)
    box = outbox(db, clock)
    clock.now = T0 + dt.timedelta(minutes=4, seconds=30)
    [first] = box.claim()
    run_at(runner, clock, minutes=5)
    assert sorted(i.chat_id for i in deliver(db, clock)) == [PRIMARY, BACKUP]
    clock.now = T0 + dt.timedelta(minutes=6)
    assert box.failed(first, "gave up after 8 attempts: timed out")
    return escalation_id


def test_a_late_failure_of_an_earlier_step_does_not_bring_the_next_step_forward(
    db: Database, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = late_failure_of_the_first_page(db, runner, clock)
    assert escalation(db, escalation_id).next_step_at == T0 + dt.timedelta(minutes=10)


def test_a_physician_whose_later_page_got_through_is_not_skipped(
    db: Database, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = late_failure_of_the_first_page(db, runner, clock)
    run_at(runner, clock, minutes=10)
    assert (2, PRIMARY) in paged(db, escalation_id)


def test_a_page_sent_after_the_acknowledgement_is_edited_too(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    run_at(runner, clock)
    done = alerts.acknowledge(team.view(BACKUP), escalation_id, "ack")
    assert isinstance(done, Acknowledged) and messages(db, "alert_edit") == []
    deliver(db, clock, message_id=42)  # the primary's page was still on its way
    [edit] = messages(db, "alert_edit")
    assert edit.chat_id == PRIMARY
    assert edit.payload == {"escalation_id": escalation_id, "message_id": 42, "decide": False}


# -- one chain per patient ----------------------------------------------------------------------


def test_a_critical_alert_takes_over_an_open_high_one(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    high = open_alert(db, team.patient, Urgency.HIGH, reasons=["grade_rose"])
    run_at(runner, clock)
    deliver(db, clock, message_id=7)
    later = T0 + dt.timedelta(minutes=3)
    critical = open_alert(db, team.patient, Urgency.CRITICAL, later, reasons=["seizure"])
    old, new = escalation(db, high), escalation(db, critical)
    assert (old.status, old.closed_reason, old.closed_at, old.next_step_at) == (
        EscalationStatus.CLOSED,
        "superseded",
        later,
        None,
    )
    assert new.urgency.value == "critical" and new.reasons == ["seizure", "grade_rose"]
    assert new.policy == snapshot(Urgency.CRITICAL, DEFAULTS[Urgency.CRITICAL])
    [edit] = messages(db, "alert_edit")
    assert (edit.chat_id, edit.payload["escalation_id"], edit.payload["message_id"]) == (
        PRIMARY,
        high,
        7,
    )
    with db.session() as session:
        assert [e.id for e in live_for_patient(session, team.patient)] == [critical]
    assert new_pages(db, runner, clock, later) == P, "the new chain starts from its first step"


def test_a_lower_alert_takes_over_at_the_higher_urgency(db: Database, team: Team) -> None:
    high = open_alert(db, team.patient, Urgency.HIGH, reasons=["grade_rose"])
    normal = open_alert(db, team.patient, Urgency.NORMAL, reasons=["incomplete", "grade_rose"])
    assert escalation(db, high).closed_reason == "superseded"
    new = escalation(db, normal)
    assert new.urgency.value == "high" and new.policy["urgency"] == "high"
    assert new.reasons == ["incomplete", "grade_rose"]


def test_a_takeover_uses_the_wards_policy_for_the_urgency_it_climbs_at(
    db: Database, team: Team
) -> None:
    set_ward_settings(db, team.ward, {"escalation": {"high": {"backup": "5", "give_up": "9"}}})
    open_alert(db, team.patient, Urgency.HIGH)
    new = escalation(db, open_alert(db, team.patient, Urgency.NORMAL))
    assert new.policy["give_up"] == 9


def test_an_info_alert_leaves_an_open_chain_alone(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    high = open_alert(db, team.patient, Urgency.HIGH)
    info = open_alert(db, team.patient, Urgency.INFO, reasons=["grade_fell"])
    assert escalation(db, high).status is EscalationStatus.OPEN
    assert escalation(db, info).urgency.value == "info"
    run_at(runner, clock)
    assert escalation(db, high).status is EscalationStatus.OPEN
    assert escalation(db, info).closed_reason == "information"


def test_an_exhausted_chain_is_taken_over(
    db: Database, team: Team, runner: EscalationRunner, clock: FakeClock
) -> None:
    normal = open_alert(db, team.patient, Urgency.NORMAL)
    for minute in (0, 30, 60):
        run_at(runner, clock, minutes=minute)
    assert escalation(db, normal).status is EscalationStatus.EXHAUSTED
    new = open_alert(db, team.patient, Urgency.NORMAL, clock.now)
    assert escalation(db, normal).closed_reason == "superseded"
    assert escalation(db, new).status is EscalationStatus.OPEN


def test_an_acknowledged_chain_is_not_taken_over(
    db: Database, team: Team, alerts: AlertService
) -> None:
    high = open_alert(db, team.patient, Urgency.HIGH)
    assert isinstance(alerts.acknowledge(team.view(PRIMARY), high, "ack"), Acknowledged)
    normal = open_alert(db, team.patient, Urgency.NORMAL)
    assert escalation(db, high).status is EscalationStatus.ACKNOWLEDGED
    assert escalation(db, normal).urgency.value == "normal"


def test_another_patients_chain_is_not_taken_over(db: Database, team: Team) -> None:
    first = open_alert(db, team.patient, Urgency.HIGH)
    open_alert(db, factories.patient(db, team.ward, "Bed 5"), Urgency.CRITICAL)
    assert escalation(db, first).status is EscalationStatus.OPEN


# -- missed checks ------------------------------------------------------------------------------


def missed_check(db: Database, team: Team) -> int:
    with db.session() as session:
        row = ScheduledCheck(patient_id=team.patient, due_at=T0 - dt.timedelta(hours=1))
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def test_a_missed_check_alert_closes_when_the_check_is_recorded(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    check = missed_check(db, team)
    escalation_id = open_alert(
        db, team.patient, Urgency.NORMAL, source=MISSED_CHECK, scheduled_check_id=check
    )
    run_at(runner, clock)
    deliver(db, clock)
    done = T0 + dt.timedelta(minutes=4)
    with db.session() as session:
        close_missed_check(session, check, done)
    row = escalation(db, escalation_id)
    assert (row.status, row.closed_reason, row.closed_at) == (
        EscalationStatus.CLOSED,
        "check_recorded",
        done,
    )
    assert [m.chat_id for m in messages(db, "alert_edit")] == [PRIMARY]
    answer = refusal_of(lambda: alerts.acknowledge(team.view(PRIMARY), escalation_id, "ack"))
    assert "since been recorded" in answer
    assert new_pages(db, runner, clock, T0 + dt.timedelta(minutes=30)) == frozenset()


def test_closing_a_missed_check_leaves_other_alerts_open(db: Database, team: Team) -> None:
    check, other = missed_check(db, team), missed_check(db, team)
    escalation_id = open_alert(
        db, team.patient, Urgency.HIGH, source=MISSED_CHECK, scheduled_check_id=check
    )
    with db.session() as session:
        close_missed_check(session, other, T0)
    assert escalation(db, escalation_id).status is EscalationStatus.OPEN


def test_a_check_alert_for_the_same_scheduled_check_is_not_closed(db: Database, team: Team) -> None:
    check = missed_check(db, team)
    escalation_id = open_alert(db, team.patient, Urgency.HIGH, scheduled_check_id=check)
    with db.session() as session:
        close_missed_check(session, check, T0)
    assert escalation(db, escalation_id).status is EscalationStatus.OPEN


# -- acknowledgement ----------------------------------------------------------------------------


def test_the_first_acknowledgement_wins(
    db: Database, team: Team, clock: FakeClock, alerts: AlertService
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    clock.now = T0 + dt.timedelta(minutes=2)
    first = alerts.acknowledge(team.view(PRIMARY), escalation_id, "coming")
    clock.now = T0 + dt.timedelta(minutes=3)
    second = alerts.acknowledge(team.view(BACKUP), escalation_id, "ack")
    assert isinstance(first, Acknowledged) and first.first
    assert isinstance(second, Acknowledged) and not second.first
    assert second.view.acknowledged_by == "Dr Pim" and second.view.ack_kind == "coming"
    row = escalation(db, escalation_id)
    assert (row.status, row.acknowledged_by_id, row.acknowledged_at, row.next_step_at) == (
        EscalationStatus.ACKNOWLEDGED,
        team.ids[PRIMARY],
        T0 + dt.timedelta(minutes=2),
        None,
    )
    assert len(audits(db, "escalation.acknowledged")) == 1


def test_an_acknowledged_chain_pages_nobody_more(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    run_at(runner, clock)
    alerts.acknowledge(team.view(PRIMARY), escalation_id, "ack")
    assert new_pages(db, runner, clock, T0 + dt.timedelta(minutes=30)) == frozenset()
    assert messages(db, "alert_exhausted") == []


def test_a_superseded_alert_cannot_be_acknowledged(
    db: Database, team: Team, alerts: AlertService
) -> None:
    old = open_alert(db, team.patient, Urgency.HIGH)
    open_alert(db, team.patient, Urgency.CRITICAL)
    answer = refusal_of(lambda: alerts.acknowledge(team.view(PRIMARY), old, "ack"))
    assert "newer alert" in answer
    assert escalation(db, old).status is EscalationStatus.CLOSED


def test_another_wards_staff_cannot_acknowledge(
    db: Database, team: Team, alerts: AlertService
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    elsewhere = factories.ward(db, "H8", "Haematology 8")
    stranger_id = factories.staff(db, OTHER_PHYSICIAN, "Dr Oz", Role.PHYSICIAN, [elsewhere])
    stranger = StaffView(stranger_id, OTHER_PHYSICIAN, "Dr Oz", Role.PHYSICIAN, (elsewhere,))
    assert refusal_of(lambda: alerts.acknowledge(stranger, escalation_id, "ack")) == NO_ALERT
    assert escalation(db, escalation_id).status is EscalationStatus.OPEN


@pytest.mark.parametrize(("offset", "kind"), [(0, "maybe"), (0, ""), (999, "ack")])
def test_an_unknown_alert_or_kind_is_rejected(
    db: Database, team: Team, alerts: AlertService, offset: int, kind: str
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    assert (
        refusal_of(lambda: alerts.acknowledge(team.view(PRIMARY), escalation_id + offset, kind))
        == NO_ALERT
    )
    assert escalation(db, escalation_id).status is EscalationStatus.OPEN


def test_an_acknowledgement_edits_every_copy_that_got_through_and_tells_the_nurse(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    grade = graded_check(db, team, T0)
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL, grade_result_id=grade)
    run_at(runner, clock)
    deliver(db, clock, message_id=10)  # primary at 0: sent
    run_at(runner, clock, minutes=5)
    deliver(db, clock, fail=[BACKUP], message_id=20)  # primary sent, backup bounced
    run_at(runner, clock, minutes=10)  # primary and attending: still pending
    clock.now = T0 + dt.timedelta(minutes=11)
    done = alerts.acknowledge(team.view(PRIMARY), escalation_id, "ack")
    assert isinstance(done, Acknowledged) and done.first
    edits = messages(db, "alert_edit")
    assert sorted((m.chat_id, m.payload["message_id"]) for m in edits) == [
        (PRIMARY, 10),
        (PRIMARY, 20),
    ]
    assert all(m.payload["decide"] is True for m in edits), "the acknowledger may decide"
    [told] = messages(db, "alert_ack_nurse")
    assert (told.chat_id, told.payload) == (NURSE, {"escalation_id": escalation_id})


def test_only_the_acknowledgers_copies_get_the_decision_buttons(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    for minute in (0, 5):
        run_at(runner, clock, minutes=minute)
        deliver(db, clock, message_id=100 * (minute + 1))
    alerts.acknowledge(team.view(BACKUP), escalation_id, "coming")
    decide = {
        (m.chat_id, m.payload["message_id"]): m.payload["decide"]
        for m in messages(db, "alert_edit")
    }
    assert decide == {(PRIMARY, 100): False, (PRIMARY, 600): False, (BACKUP, 601): True}


def test_an_alert_without_a_reporting_nurse_tells_no_nurse(
    db: Database, team: Team, alerts: AlertService
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    alerts.acknowledge(team.view(PRIMARY), escalation_id, "ack")
    assert messages(db, "alert_ack_nurse") == []


def test_a_charge_nurse_may_acknowledge_an_exhausted_alert(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.NORMAL)
    for minute in (0, 30, 60):
        run_at(runner, clock, minutes=minute)
    done = alerts.acknowledge(team.view(CHARGE), escalation_id, "ack")
    assert isinstance(done, Acknowledged) and done.first
    assert escalation(db, escalation_id).status is EscalationStatus.ACKNOWLEDGED


# -- follow-up after a critical acknowledgement -------------------------------------------------


def acknowledged_critical(
    db: Database, team: Team, clock: FakeClock, alerts: AlertService
) -> tuple[int, dt.datetime]:
    escalation_id = open_alert(db, team.patient, Urgency.CRITICAL)
    clock.now = T0 + dt.timedelta(minutes=2)
    assert isinstance(alerts.acknowledge(team.view(BACKUP), escalation_id, "ack"), Acknowledged)
    return escalation_id, clock.now


def test_a_critical_acknowledgement_without_a_check_is_followed_up_once(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    escalation_id, acked = acknowledged_critical(db, team, clock, alerts)
    due = acked + dt.timedelta(hours=1)
    assert escalation(db, escalation_id).follow_up_at == due
    clock.now = due - JUST_BEFORE
    assert runner.run_due().follow_ups == 0
    clock.now = due
    assert runner.run_due().follow_ups == 1
    clock.now = due + dt.timedelta(hours=3)
    assert runner.run_due().follow_ups == 0
    [reminder] = messages(db, "alert_follow_up")
    assert (reminder.chat_id, reminder.payload) == (BACKUP, {"escalation_id": escalation_id})
    assert len(audits(db, "escalation.follow_up_reminder")) == 1
    assert escalation(db, escalation_id).follow_up_at is None


def test_no_follow_up_when_a_check_was_submitted_since_the_acknowledgement(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    escalation_id, acked = acknowledged_critical(db, team, clock, alerts)
    submitted_check(db, team, acked + dt.timedelta(minutes=40))
    clock.now = acked + dt.timedelta(hours=1)
    assert runner.run_due().follow_ups == 0
    assert messages(db, "alert_follow_up") == []
    assert escalation(db, escalation_id).follow_up_at is None


def test_a_check_submitted_before_the_acknowledgement_does_not_count(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    _, acked = acknowledged_critical(db, team, clock, alerts)
    submitted_check(db, team, acked - dt.timedelta(minutes=1))
    clock.now = acked + dt.timedelta(hours=1)
    assert runner.run_due().follow_ups == 1


def test_a_follow_up_is_not_sent_to_someone_who_has_left(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    _, acked = acknowledged_critical(db, team, clock, alerts)
    with db.session() as session:
        backup = session.get(Staff, team.ids[BACKUP])
        assert backup is not None
        backup.active = False
    clock.now = acked + dt.timedelta(hours=1)
    assert runner.run_due().follow_ups == 0


@pytest.mark.parametrize("urgency", [Urgency.HIGH, Urgency.NORMAL])
def test_only_critical_acknowledgements_are_followed_up(
    db: Database, team: Team, alerts: AlertService, urgency: Urgency
) -> None:
    escalation_id = open_alert(db, team.patient, urgency)
    alerts.acknowledge(team.view(PRIMARY), escalation_id, "ack")
    assert escalation(db, escalation_id).follow_up_at is None


def test_discharge_closes_a_missed_check_alert_but_not_an_alert_about_findings(
    db: Database, team: Team, clock: FakeClock, runner: EscalationRunner
) -> None:
    finding = open_alert(db, team.patient, Urgency.HIGH)
    other = factories.patient(db, team.ward, "Bed 9")
    missed = open_alert(db, other, Urgency.NORMAL, source=MISSED_CHECK, reasons=("missed_check",))
    runner.run_due()
    clock.now = T0 + dt.timedelta(minutes=3)
    assert (
        PatientService(db, clock, zone=BERLIN).discharge(team.ids[NURSE], team.patient).alert_open
    )
    assert not PatientService(db, clock, zone=BERLIN).discharge(team.ids[NURSE], other).alert_open

    assert escalation(db, missed).status is EscalationStatus.CLOSED
    assert escalation(db, missed).closed_reason == "discharged"
    assert escalation(db, finding).status is EscalationStatus.OPEN  # still needs a physician
    clock.now = T0 + dt.timedelta(minutes=15)
    assert runner.run_due().steps == 1  # the finding climbs on; the missed check does not


def test_a_chain_taken_over_leaves_telegram_no_later_than_the_first(db: Database) -> None:
    team = make_team(db)
    first = open_alert(db, team.patient, Urgency.CRITICAL)  # off Telegram at T0 + 5
    second = open_alert(db, team.patient, Urgency.HIGH, T0 + dt.timedelta(minutes=4))
    assert escalation(db, first).closed_reason == "superseded"
    assert escalation(db, second).second_channel_at == T0 + dt.timedelta(minutes=5)
    later = open_alert(db, team.patient, Urgency.HIGH, T0 + dt.timedelta(minutes=6))
    # The minute has passed unsent (no pass ran): due at once, not 15 min after the newest.
    assert escalation(db, later).second_channel_at == T0 + dt.timedelta(minutes=5)
