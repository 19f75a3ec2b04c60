"""Scheduled prompts end to end: rows, ticks at chosen instants, real messages. No sleeping."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from storage.models import (
    CheckStatus,
    Duty,
    DutyAssignment,
    InfusionPlan,
    OutboundMessage,
    PlanStatus,
    Role,
    ScheduledCheck,
    Staff,
    StaffWard,
    Ward,
)
from tests.e2e.conftest import running_bot
from tests.e2e.test_check import NORMAL_ADULT_CHECK, tap
from tests.support import factories
from tests.support.clock import FakeClock

NURSE, CHARGE, OTHER_NURSE, PHYSICIAN = 501, 502, 503, 701


@pytest.fixture
def patient(db: Database, clock: FakeClock) -> int:
    """Bed 4 on ward H7, relapsed/refractory cycle 1 starting in two hours; Ada on duty, Dr
    Pim on call."""
    ward = factories.ward(db)
    nurse = factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward])
    physician = factories.staff(db, PHYSICIAN, "Dr Pim", Role.PHYSICIAN, [ward])
    factories.duty(db, ward, physician, Duty.PRIMARY, clock.now - dt.timedelta(hours=1), 24)
    factories.staff(db, CHARGE, "Charge Cy", Role.CHARGE_NURSE, [ward])
    factories.staff(db, OTHER_NURSE, "Nurse Bo", Role.NURSE, [ward])  # not on duty
    factories.duty(db, ward, nurse, Duty.NURSE, clock.now - dt.timedelta(hours=1))
    patient_id = factories.patient(db, ward, "Bed 4", dt.date(1980, 1, 1))
    factories.plan(db, patient_id, clock.now + dt.timedelta(hours=2), created_at=clock.now)
    return patient_id


def open_checks(db: Database) -> list[ScheduledCheck]:
    with db.session() as session:
        return list(session.exec(select(ScheduledCheck).order_by(col(ScheduledCheck.due_at))).all())


async def test_baseline_prompt_leads_into_the_check_and_schedules_the_next(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    nurse, bystander = tg.user(NURSE), tg.user(OTHER_NURSE)
    await neurocheck.rescheduler_sweep()
    [row] = open_checks(db)
    assert row.kind == "baseline" and row.status is CheckStatus.DUE
    await neurocheck.tick()
    prompt = await nurse.next_message()
    assert prompt.text == "Baseline check due for Bed 4 at 09:00."
    assert prompt.protect_content
    await bystander.assert_no_message(within=0.1)
    await nurse.press(prompt, "Start check")
    question = await nurse.next_message()
    assert "Baseline check · Bed 4" in (question.text or "")
    await tap(
        nurse,
        question,
        *NORMAL_ADULT_CHECK,
        "Submit",
    )
    done, upcoming = open_checks(db)
    assert done.status is CheckStatus.DONE and done.assessment_id is not None
    assert upcoming.status is CheckStatus.DUE and upcoming.kind == "routine"
    assert upcoming.due_at > clock.now


async def test_missed_check_climbs_the_ladder(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    nurse, charge = tg.user(NURSE), tg.user(CHARGE)
    await neurocheck.rescheduler_sweep()
    await neurocheck.tick()
    assert "Baseline check due" in ((await nurse.next_message()).text or "")
    clock.advance(minutes=14)
    await neurocheck.tick()
    await nurse.assert_no_message(within=0.1)
    clock.advance(minutes=1)
    await neurocheck.tick()
    assert (await nurse.next_message()).text == (
        "Reminder: the baseline check for Bed 4 was due at 09:00 (15 min ago)."
    )
    clock.advance(minutes=15)
    await neurocheck.tick()
    alert = await charge.next_message()
    assert "Charge nurse: the baseline check for Bed 4, due at 09:00" in (alert.text or "")
    physician = tg.user(PHYSICIAN)
    clock.advance(minutes=29)
    await neurocheck.tick()
    await physician.assert_no_message(within=0.1)
    clock.advance(minutes=1)
    await neurocheck.tick()
    alert = await physician.next_message()
    assert (alert.text or "").startswith("🟡 Neuro check alert: Bed 4 (ward H7)")
    assert "The neuro check due at 24 Nov 09:00 has not been started (over an hour)." in (
        alert.text or ""
    )
    assert "Why: scheduled check not started for an hour" in (alert.text or "")
    await nurse.assert_no_message(within=0.1)
    await charge.assert_no_message(within=0.1)
    # The check is done after all: the alert closes by itself and says so.
    await nurse.send("/check Bed 4")
    await tap(nurse, await nurse.next_message(), *NORMAL_ADULT_CHECK, "Submit")
    closed = await physician.wait_edit(alert)
    assert "Closed: the check has since been recorded." in (closed.text or "")
    assert not closed.buttons


async def test_discharge_stops_the_prompts_and_closes_the_missed_check_alert(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    nurse, charge, physician = tg.user(NURSE), tg.user(CHARGE), tg.user(PHYSICIAN)
    await neurocheck.rescheduler_sweep()
    await neurocheck.tick()  # the baseline prompt; nobody starts it
    for minutes in (15, 15, 30):
        clock.advance(minutes=minutes)
        await neurocheck.tick()
    alert = await physician.next_message()
    assert "has not been started (over an hour)" in (alert.text or "")
    assert (await physician.next_message()).photo  # the chart follows the first copy
    await nurse.wait_unread()
    await charge.wait_unread()

    await nurse.send("/discharge Bed 4")
    confirm = await nurse.next_message()
    await nurse.press(confirm, "Discharge Bed 4")
    assert (await nurse.wait_edit(confirm)).text == (
        "Bed 4 was discharged from ward H7 at 24 Nov 2026 10:00."  # no alert left open
    )
    await neurocheck.tick()  # the alert's copies are edited by the outbox
    closed = await physician.wait_edit(alert)
    assert "Closed: the patient was discharged, so no check is due." in (closed.text or "")
    assert not closed.buttons
    assert [row.status for row in open_checks(db)] == [CheckStatus.CANCELLED]

    for _ in range(8):  # two hours: no reminder, no backup page, no new prompt
        clock.advance(minutes=15)
        await neurocheck.tick()
    for person in (nurse, charge, physician):
        await person.assert_no_message(within=0.1)


async def test_missed_check_with_nobody_on_call_tells_the_charge_nurse(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    charge = tg.user(CHARGE)
    with db.session() as session:
        for row in session.exec(select(DutyAssignment).where(DutyAssignment.duty == Duty.PRIMARY)):
            session.delete(row)
    await neurocheck.rescheduler_sweep()
    clock.advance(hours=2)
    await neurocheck.tick()  # due now: prompt
    clock.advance(minutes=60)
    await neurocheck.tick()
    texts = [m.text or "" for m in await charge.wait_unread()]
    told = [t for t in texts if "No physician could be paged for the alert for Bed 4" in t]
    assert len(told) == 1 and "nobody is on call" in told[0]


async def test_snooze_delays_the_reminder_but_not_the_charge_nurse(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    nurse, charge = tg.user(NURSE), tg.user(CHARGE)
    await neurocheck.rescheduler_sweep()
    await neurocheck.tick()
    prompt = await nurse.next_message()
    clock.advance(minutes=10)
    press = await nurse.press(prompt, "Snooze 15 min")
    assert (await nurse.wait_answer(press)).text == "Snoozed: reminder at 09:25."
    clock.advance(minutes=10)  # 20 min after due: the plain reminder would have gone at 15
    await neurocheck.tick()
    await nurse.assert_no_message(within=0.1)
    clock.advance(minutes=5)
    await neurocheck.tick()
    assert "Reminder" in ((await nurse.next_message()).text or "")
    clock.advance(minutes=5)
    await neurocheck.tick()
    assert "Charge nurse" in ((await charge.next_message()).text or "")


async def test_after_downtime_the_late_prompt_is_sent_once_by_two_instances(
    tg: FakeTelegram,
    neurocheck: Neurocheck,
    settings: Settings,
    db: Database,
    clock: FakeClock,
    patient: int,
) -> None:
    nurse, charge, physician = tg.user(NURSE), tg.user(CHARGE), tg.user(PHYSICIAN)
    await neurocheck.rescheduler_sweep()
    clock.advance(hours=3)  # the bot was down; the check fell due at 08:00 UTC
    async with running_bot(settings, db, clock) as second:
        await neurocheck.tick()
        await second.tick()
        await second.tick()
    prompt = await nurse.next_message()
    assert prompt.text == "Baseline check due for Bed 4 at 09:00 (late: due 180 min ago)."
    with db.session() as session:
        prompts = session.exec(
            select(OutboundMessage).where(OutboundMessage.chat_id == NURSE)
        ).all()
        [row] = session.exec(select(ScheduledCheck)).all()
    assert row.late and row.reminder_level == 4  # every level fell due during the downtime
    assert [p.status for p in prompts] == ["sent"]  # one late prompt, no reminder on its heels
    await nurse.assert_no_message(within=0.1)
    alert = await physician.next_message()  # once, however many instances
    assert "The neuro check due at 24 Nov 09:00 has not been started" in (alert.text or "")
    assert (await physician.next_message()).photo  # the chart
    await physician.assert_no_message(within=0.2)
    await charge.assert_no_message(within=0.1)


async def test_blocked_nurse_does_not_stop_the_others(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    with db.session() as session:
        bo = session.exec(select(Staff).where(Staff.telegram_user_id == OTHER_NURSE)).one()
        ward_id = session.exec(select(StaffWard.ward_id)).first()
    assert bo.id is not None and ward_id is not None
    factories.duty(db, ward_id, bo.id, Duty.NURSE, clock.now)
    tg.user(NURSE)
    bo_chat = tg.user(OTHER_NURSE)
    tg.block(NURSE)
    await neurocheck.rescheduler_sweep()
    await neurocheck.tick()
    assert "Baseline check due" in ((await bo_chat.next_message()).text or "")
    with db.session() as session:
        rows = {m.chat_id: m for m in session.exec(select(OutboundMessage))}
    assert rows[NURSE].status == "failed" and "blocked" in (rows[NURSE].error or "")
    assert rows[OTHER_NURSE].status == "sent"


async def test_ward_board_shows_cycle_dose_next_check_and_overdue(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    nurse = tg.user(NURSE)
    await neurocheck.rescheduler_sweep()
    await nurse.send("/patients")
    board = (await nurse.next_message()).text or ""
    assert "cycle 1 (rr), not started" in board
    assert "next check 24 Nov 09:00 (baseline before the first dose)" in board
    clock.advance(minutes=20)
    await nurse.send("/patients")
    assert "OVERDUE: check due 24 Nov 09:00 (20 min)" in ((await nurse.next_message()).text or "")
    clock.advance(hours=3)  # day 1 of cycle 1: 9 mcg/day
    with db.session() as session:
        plan = session.exec(select(InfusionPlan)).one()
        plan.status = PlanStatus.RUNNING
    await nurse.send("/patients")
    assert "cycle 1 (rr), day 1 of 28: 9 mcg/day" in ((await nurse.next_message()).text or "")


async def test_incoming_nurses_get_the_board_once_at_the_shift_change(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock, patient: int
) -> None:
    nurse, bystander = tg.user(NURSE), tg.user(OTHER_NURSE)
    with db.session() as session:
        ward = session.exec(select(Ward)).one()
        ward.settings = {"shift_changes": ["09:05"]}  # Europe/Berlin: 08:05 UTC
    await neurocheck.tick()  # 08:00 UTC: before the change
    await nurse.assert_no_message(within=0.1)
    clock.advance(minutes=6)
    await neurocheck.tick()
    await neurocheck.tick()
    board = (await nurse.next_message()).text or ""
    assert board.startswith("Shift change: your ward board.")
    assert "Bed 4" in board
    await nurse.assert_no_message(within=0.1)
    await bystander.assert_no_message(within=0.1)  # not on duty
    clock.advance(minutes=30)  # past the window: nothing more
    await neurocheck.tick()
    await nurse.assert_no_message(within=0.1)


async def test_a_prompt_nobody_can_hear_stays_due_until_somebody_can(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock
) -> None:
    ward = factories.ward(db)
    nurse_id = factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward])  # not on duty yet
    patient_id = factories.patient(db, ward, "Bed 4", dt.date(1980, 1, 1))
    factories.plan(db, patient_id, clock.now + dt.timedelta(hours=2), created_at=clock.now)
    nurse = tg.user(NURSE)
    await neurocheck.rescheduler_sweep()
    report = await neurocheck.tick()
    assert report is not None and report.prompted == 0 and report.nobody_to_tell
    [row] = open_checks(db)
    assert row.status is CheckStatus.DUE, "an unheard prompt is not marked as sent"
    factories.duty(db, ward, nurse_id, Duty.NURSE, clock.now)
    clock.advance(minutes=1)
    await neurocheck.tick()
    assert "Baseline check due for Bed 4" in ((await nurse.next_message()).text or "")


async def test_the_ward_admin_is_the_last_resort(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock
) -> None:
    ward = factories.ward(db)
    factories.staff(db, 700, "Admin Al", Role.ADMIN, [ward])
    patient_id = factories.patient(db, ward, "Bed 4", dt.date(1980, 1, 1))
    factories.plan(db, patient_id, clock.now + dt.timedelta(hours=2), created_at=clock.now)
    admin = tg.user(700)
    await neurocheck.rescheduler_sweep()
    await neurocheck.tick()
    assert "Baseline check due for Bed 4" in ((await admin.next_message()).text or "")
