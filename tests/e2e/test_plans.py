"""Infusion plans end to end: /plan, its buttons and confirmations, between two wards."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from bot.services.patients import PatientService
from bot.services.wards import WardService
from bot.telegram import plan_texts, texts
from bot.telegram.picker import choose_text
from bot.telegram.words.patients import NO_SUCH_PATIENT
from storage.db import Database
from storage.models import (
    AuditLog,
    InfusionEvent,
    InfusionEventKind,
    InfusionPlan,
    PlanStatus,
    Role,
    ScheduledCheck,
)
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "wards")

NURSE, CHARGE, ADMIN, NURSE_H8 = 501, 502, 100, 601
RUNNING_BUTTONS = [["Step up now", "Hold now"], ["Stop infusion", "End cycle"]]


@pytest.fixture
async def nurse(tg: FakeTelegram, db: Database, clock: FakeClock) -> SimUser:
    return await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")


@pytest.fixture
async def charge(tg: FakeTelegram, db: Database, clock: FakeClock) -> SimUser:
    return await enrol_by_chat(tg, db, clock, CHARGE, Role.CHARGE_NURSE, "H7")


@pytest.fixture
async def other_nurse(tg: FakeTelegram, db: Database, clock: FakeClock) -> SimUser:
    return await enrol_by_chat(tg, db, clock, NURSE_H8, Role.NURSE, "H8")


@pytest.fixture
def patient(db: Database, clock: FakeClock, wards: WardService) -> int:  # noqa: F811
    return (
        PatientService(db, clock)
        .admit(ward_code="H7", label="Bed 4", date_of_birth="1958-03-02", weight_band="45+")
        .id
    )


def plans(db: Database) -> list[InfusionPlan]:
    with db.session() as session:
        return list(session.exec(select(InfusionPlan).order_by(col(InfusionPlan.id))).all())


def events(db: Database) -> list[InfusionEvent]:
    with db.session() as session:
        return list(session.exec(select(InfusionEvent).order_by(col(InfusionEvent.id))).all())


async def ask(user: SimUser, text: str) -> SentMessage:
    await user.send(text)
    return await user.next_message()


async def tap(user: SimUser, message: SentMessage, button: str) -> SentMessage:
    """Press a button and wait for the message to change (the bot edits it in place)."""
    before = user.current(message)
    press = await user.press(before, button)
    edited = await user.wait_edit(before)
    answer = await user.wait_answer(press)
    assert not answer.show_alert, answer.text
    return edited


@pytest.mark.usefixtures("patient")
async def test_a_nurse_plans_a_cycle_steps_up_and_holds_for_crs(
    nurse: SimUser, db: Database, clock: FakeClock
) -> None:
    created = await ask(nurse, "/plan bed 4 new RR 1 2026-11-24 09:00")
    text = created.text or ""
    assert text.startswith("Plan created.")
    assert "Bed 4, ward H7: infusion plan" in text
    assert "Protocol: relapsed/refractory (rr), cycle 1" in text
    assert "Start: 24 Nov 2026 09:00" in text and "Cycle day: 1" in text
    assert "Status: running" in text
    assert "• 24 Nov 2026 09:00 start · Nurse 501" in text
    assert created.protect_content
    assert created.button_texts() == RUNNING_BUTTONS
    (plan,) = plans(db)
    assert plan.status is PlanStatus.RUNNING and plan.created_by_id is not None
    with db.session() as session:  # the plan scheduled the patient's checks (on_change)
        assert session.exec(select(ScheduledCheck)).first() is not None

    clock.advance(minutes=5)
    confirm = await tap(nurse, created, "Step up now")
    assert confirm.text == "Record the dose step-up of Bed 4 now?"
    assert confirm.button_texts() == [["Confirm", "Cancel"]]
    assert len(events(db)) == 1  # asking changes nothing
    done = await tap(nurse, confirm, "Confirm")
    assert done.text == (
        "Recorded for Bed 4 at 24 Nov 2026 09:05: dose step-up.\n"
        "The infusion is now running.\n/plan Bed 4 shows the plan."
    )
    assert done.buttons == ()

    view = await ask(nurse, "/plan Bed 4")
    assert "• 24 Nov 2026 09:05 dose step-up · Nurse 501" in (view.text or "")
    assert view.button_texts() == [["Hold now", "Stop infusion"], ["End cycle"]]
    clock.advance(hours=3)
    reasons = await tap(nurse, view, "Hold now")
    assert reasons.text == "Hold the infusion of Bed 4: why?"
    assert reasons.button_texts() == [
        ["Neurotoxicity"],
        ["CRS"],
        ["Infection"],
        ["Line problem"],
        ["Other"],
        ["Cancel"],
    ]
    confirm = await tap(nurse, reasons, "CRS")
    assert confirm.text == "Hold the infusion of Bed 4 now? Reason: CRS."
    done = await tap(nurse, confirm, "Confirm")
    assert done.text == (
        "Recorded for Bed 4 at 24 Nov 2026 12:05: hold (CRS).\n"
        "The infusion is now held.\nNeuro checks continue during the hold.\n"
        "/plan Bed 4 shows the plan."
    )
    kinds = [(e.kind, e.reason) for e in events(db)]
    assert kinds == [
        (InfusionEventKind.START, None),
        (InfusionEventKind.STEP_UP, None),
        (InfusionEventKind.HOLD, "crs"),
    ]
    assert plans(db)[0].status is PlanStatus.HELD
    held = await ask(nurse, "/plan Bed 4")
    assert "Status: held since 24 Nov 2026 12:05" in (held.text or "")
    assert held.button_texts() == [["Restart now", "Stop infusion"], ["End cycle"]]
    with db.session() as session:
        actions = [a.action for a in session.exec(select(AuditLog).order_by(col(AuditLog.id)))]
    assert [a for a in actions if a.startswith("plan.")] == [
        "plan.created",
        "plan.event",
        "plan.event",
    ]


@pytest.mark.usefixtures("patient")
async def test_cancel_returns_to_the_plan_and_records_nothing(nurse: SimUser, db: Database) -> None:
    view = await ask(nurse, "/plan Bed 4 new mrd 2 now")
    reasons = await tap(nurse, view, "Hold now")
    back = await tap(nurse, reasons, "Cancel")
    assert "infusion plan" in (back.text or "") and back.button_texts() == RUNNING_BUTTONS
    confirm = await tap(nurse, back, "End cycle")
    assert confirm.text == "End cycle 2 of Bed 4 now? The plan ends."
    await tap(nurse, confirm, "Cancel")
    assert len(events(db)) == 1 and plans(db)[0].status is PlanStatus.RUNNING


@pytest.mark.usefixtures("patient")
async def test_stale_and_doubled_confirm_presses_change_nothing(
    nurse: SimUser, charge: SimUser, db: Database, clock: FakeClock
) -> None:
    await ask(nurse, "/plan Bed 4 new rr 1 now")
    # The charge nurse opens the plan and gets as far as confirming a stop...
    theirs = await ask(charge, "/plan Bed 4")
    stop = await tap(charge, theirs, "Stop infusion")
    assert stop.text == "Stop the infusion of Bed 4 for good (discontinue) now? The plan ends."
    # ...while the nurse holds the infusion.
    mine = await ask(nurse, "/plan Bed 4")
    confirm = await tap(nurse, await tap(nurse, mine, "Hold now"), "Neurotoxicity")
    done = await tap(nurse, confirm, "Confirm")
    assert "hold (Neurotoxicity)" in (done.text or "")

    clock.advance(minutes=1)
    press = await charge.press(stop, "Confirm")
    answer = await charge.wait_answer(press)
    assert answer.show_alert and answer.text == plan_texts.PLAN_STALE
    assert (await charge.wait_edit(stop)).buttons == ()  # the stale buttons are taken away

    # The nurse's own confirm, pressed again (a double tap that arrived late).
    confirm_data = confirm.callback_data()[0]
    again = await nurse.press_data(done, confirm_data)
    answer = await nurse.wait_answer(again)
    assert answer.show_alert and answer.text == plan_texts.PLAN_STALE
    assert len(nurse.current(done).revisions) == len(done.revisions)  # not edited again

    assert [e.kind for e in events(db)] == [InfusionEventKind.START, InfusionEventKind.HOLD]
    assert plans(db)[0].status is PlanStatus.HELD
    await nurse.assert_no_message()
    await charge.assert_no_message()


@pytest.mark.usefixtures("patient")
async def test_another_ward_cannot_see_or_change_the_plan(
    nurse: SimUser, other_nurse: SimUser, db: Database
) -> None:
    created = await ask(nurse, "/plan Bed 4 new rr 1 now")
    plan_id = plans(db)[0].id
    assert (await ask(other_nurse, "/plan Bed 4")).text == NO_SUCH_PATIENT
    assert (await ask(other_nurse, "/plan H7, Bed 4")).text == NO_SUCH_PATIENT
    assert (await ask(other_nurse, "/plan Bed 4 new rr 2 now")).text == NO_SUCH_PATIENT
    assert (await ask(other_nurse, "/plan Bed 99")).text == NO_SUCH_PATIENT
    anchor = other_nurse.messages[-1]
    for data in (f"pl:{plan_id}:1:y.stop", f"pl:{plan_id}:1:k.hold", f"pl:{plan_id}:1:n"):
        press = await other_nurse.press_data(anchor, data)
        assert (await other_nurse.wait_answer(press)).text == NO_SUCH_PATIENT, data
    for data in (f"pl:{plan_id}:1:y.hold", f"pl:{plan_id}:1:y.fly", "pl:x:1:n"):
        press = await other_nurse.press_data(anchor, data)
        assert (await other_nurse.wait_answer(press)).text == texts.BUTTON_NOT_VALID, data
    assert [e.kind for e in events(db)] == [InfusionEventKind.START]
    assert created.button_texts() == RUNNING_BUTTONS


@pytest.mark.usefixtures("patient")
async def test_an_admin_sees_the_plan_without_buttons(
    nurse: SimUser, tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    await ask(nurse, "/plan Bed 4 new rr 1 now")
    admin = await enrol_by_chat(tg, db, clock, ADMIN, Role.ADMIN, "H7")
    view = await ask(admin, "/plan Bed 4")
    assert "Status: running" in (view.text or "") and view.buttons == ()
    press = await admin.press_data(view, f"pl:{plans(db)[0].id}:1:y.stop")
    assert (await admin.wait_answer(press)).text == plan_texts.PLAN_VIEW_ONLY
    assert plans(db)[0].status is PlanStatus.RUNNING


@pytest.mark.usefixtures("patient")
@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/plan", choose_text("plan")),  # the patient picker
        ("/plan Bed 4 new rr 1", plan_texts.plan_usage()),
        ("/plan Bed 4, H7 new rr 1 now", plan_texts.plan_usage()),
        (
            "/plan Bed 4 new xx 1 now",
            plan_texts.plan_refused("'xx' is not a protocol: use mrd or rr."),
        ),
        ("/plan Bed 4 new rr 0 now", "The cycle must be a number from 1 to 20."),
        ("/plan Bed 4 new rr 1 tomorrow 9", "is not a time"),
        ("/plan Bed 4", plan_texts.no_plan("Bed 4", "H7")),
    ],
)
async def test_malformed_or_invalid_requests_are_explained(
    nurse: SimUser, db: Database, command: str, expected: str
) -> None:
    text = (await ask(nurse, command)).text or ""
    assert expected in text
    whole = (plan_texts.plan_usage(), plan_texts.no_plan("Bed 4", "H7"), choose_text("plan"))
    if expected not in whole:
        assert f"Nothing was stored. Example: {plan_texts.PLAN_EXAMPLE}" in text
    assert plans(db) == []


@pytest.mark.usefixtures("patient")
async def test_a_planned_cycle_is_started_by_button(
    nurse: SimUser, db: Database, clock: FakeClock
) -> None:
    created = await ask(nurse, "/plan Bed 4 new rr 1 24.11.2026 11:00")
    assert "Status: planned" in (created.text or "") and "Cycle day" not in (created.text or "")
    assert created.button_texts() == [["Start now"]]
    clock.now = dt.datetime(2026, 11, 24, 10, 10, tzinfo=dt.UTC)
    confirm = await tap(nurse, created, "Start now")
    assert confirm.text == "Record that the infusion of Bed 4 started now?"
    done = await tap(nurse, confirm, "Confirm")
    assert "Recorded for Bed 4 at 24 Nov 2026 11:10: start." in (done.text or "")
    (plan,) = plans(db)
    assert plan.status is PlanStatus.RUNNING and plan.starts_at == clock.now


@pytest.mark.usefixtures("patient")
async def test_a_restart_after_a_long_hold_asks_for_a_new_cycle(
    nurse: SimUser, db: Database, clock: FakeClock
) -> None:
    view = await ask(nurse, "/plan Bed 4 new rr 1 now")
    confirm = await tap(nurse, await tap(nurse, view, "Hold now"), "Infection")
    await tap(nurse, confirm, "Confirm")
    clock.advance(days=8)
    held = await ask(nurse, "/plan Bed 4")
    confirm = await tap(nurse, held, "Restart now")
    press = await nurse.press(confirm, "Confirm")
    refused = await nurse.wait_edit(confirm)
    assert (await nurse.wait_answer(press)).text == plan_texts.PLAN_NOT_RECORDED
    assert "more than 7 days starts a new cycle" in (refused.text or "")
    assert "/plan Bed 4 new rr 2 <start time>" in (refused.text or "")
    assert plans(db)[0].status is PlanStatus.HELD

    created = await ask(nurse, "/plan Bed 4 new rr 2 now")
    assert "Cycle 1 (rr) is now completed." in (created.text or "")
    assert [p.status for p in plans(db)] == [PlanStatus.COMPLETED, PlanStatus.RUNNING]


@pytest.mark.usefixtures("patient")
async def test_clock_changes_are_refused_with_a_hint(
    nurse: SimUser, db: Database, clock: FakeClock
) -> None:
    clock.now = dt.datetime(2026, 3, 20, 8, 0, tzinfo=dt.UTC)
    text = (await ask(nurse, "/plan Bed 4 new rr 1 29.03.2026 02:30")).text or ""
    assert "2026-03-29 02:30 does not exist in Europe/Berlin" in text
    clock.now = dt.datetime(2026, 10, 20, 8, 0, tzinfo=dt.UTC)
    text = (await ask(nurse, "/plan Bed 4 new rr 1 2026-10-25 02:30")).text or ""
    assert "happens twice in Europe/Berlin" in text
    assert "'2026-10-25 02:30 +01:00' (the second, after the change)" in text
    assert plans(db) == []
    created = await ask(nurse, "/plan Bed 4 new rr 1 2026-10-25 02:30 +01:00")
    assert "Start: 25 Oct 2026 02:30" in (created.text or "")
    (plan,) = plans(db)
    assert plan.starts_at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
