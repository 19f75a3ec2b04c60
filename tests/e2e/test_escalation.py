"""Escalation end to end: nurses and physicians on phones, the real Application, the clock."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from storage.db import Database
from storage.models import (
    AuditLog,
    DeliveryStatus,
    Duty,
    Escalation,
    EscalationDelivery,
    EscalationStatus,
    GradeResult,
    OutboundMessage,
    Role,
)
from tests.e2e.conftest import running_bot
from tests.e2e.test_check import NORMAL_ADULT_CHECK, start, tap
from tests.support import factories
from tests.support.clock import FakeClock

NURSE, CHARGE, PRIMARY, BACKUP, ATTENDING, ADMIN = 501, 502, 701, 702, 703, 801

GRADE_1_CHECK = (
    "Alert",
    *("Year ✓", "Month ✓", "City ✓", "Hospital ✗", "Done"),
    "3 named",
    *("Command ✓", "Writing ✗", "Attention ✓", "Done"),
    "No seizure",
    "None of these",
    "None of these",
    "Skip",
)
"""ICE 8/10, awake: ICANS grade 1 (a rise of one grade from a normal check is HIGH)."""


@pytest.fixture
def ward(db: Database, clock: FakeClock) -> int:
    ward_id = factories.ward(db)
    staff = {
        NURSE: ("Nurse Ada", Role.NURSE),
        CHARGE: ("Charge Nurse Bea", Role.CHARGE_NURSE),
        PRIMARY: ("Dr Pim", Role.PHYSICIAN),
        BACKUP: ("Dr Bex", Role.PHYSICIAN),
        ATTENDING: ("Dr Ava", Role.PHYSICIAN),
        ADMIN: ("Admin Al", Role.ADMIN),
    }
    ids = {
        tid: factories.staff(db, tid, name, role, [ward_id]) for tid, (name, role) in staff.items()
    }
    on_call_from = clock() - dt.timedelta(hours=1)
    for tid, duty in ((PRIMARY, Duty.PRIMARY), (BACKUP, Duty.BACKUP), (ATTENDING, Duty.ATTENDING)):
        factories.duty(db, ward_id, ids[tid], duty, on_call_from)
    factories.patient(db, ward_id, "Bed 4")
    return ward_id


async def check(nurse: SimUser, taps: tuple[str, ...]) -> SentMessage:
    question = await start(nurse, "Bed 4")
    return await tap(nurse, question, *taps, "Submit")


async def normal_then_grade_1(nurse: SimUser, clock: FakeClock) -> None:
    await check(nurse, NORMAL_ADULT_CHECK)
    clock.advance(hours=4)
    await check(nurse, GRADE_1_CHECK)


async def grade_1_paged(nurse: SimUser, primary: SimUser, clock: FakeClock) -> SentMessage:
    """A grade rise checked by the nurse; the primary's alert, its chart read too."""
    await normal_then_grade_1(nurse, clock)
    alert = await primary.next_message()
    assert (await primary.next_message()).photo
    return alert


async def settled(db: Database) -> None:
    """Wait until no message is being sent. The fake clock jumps; a jump past the outbox's
    lease while a send is in flight would let the next pass claim it again, which in real
    time (a lease of minutes for a send of milliseconds) does not happen. The same goes for
    a pass started by a submit or a press (``Scheduler.kick``) still running when the clock
    jumps: its rows are locked against the next pass, which then skips them, and it runs
    with the time before the jump, so a step due after the jump would wait for one more pass.
    """
    for _ in range(200):
        kicked = [t for t in asyncio.all_tasks() if t.get_name() == "urgent-pass" and not t.done()]
        if not kicked:
            break
        await asyncio.sleep(0.02)
    for _ in range(200):
        with db.session() as session:
            busy = session.exec(
                select(OutboundMessage.id).where(col(OutboundMessage.claim_token).is_not(None))
            ).first()
        if busy is None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("a message stayed claimed for 4 s")


def escalation(db: Database) -> Escalation:
    with db.session() as session:
        return session.exec(select(Escalation).order_by(col(Escalation.id).desc())).first()  # type: ignore[return-value]


def actions(db: Database) -> list[str]:
    with db.session() as session:
        rows = session.exec(
            select(AuditLog.action)
            .where(col(AuditLog.action).startswith("escalation."))
            .order_by(col(AuditLog.id))
        ).all()
    return list(rows)


async def test_grade_rise_pages_the_primary_with_the_chart(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary, backup = tg.user(NURSE), tg.user(PRIMARY), tg.user(BACKUP)
    await normal_then_grade_1(nurse, clock)
    alert = await primary.next_message()
    text = alert.text or ""
    assert text.startswith("🟠 HIGH: Bed 4 (ward H7)")
    assert "Check by Nurse Ada" in text and "ICE: 8/10" in text and "ICANS grade 1" in text
    assert "Why: ICANS grade rose" in text
    assert "was grade 0, score 10: ▲ worse" in text
    assert "Label reference (blinatumomab" in text
    assert alert.protect_content
    assert alert.button_texts() == [["Acknowledge"], ["Acknowledge, coming to the bedside"]]
    chart = await primary.next_message()
    assert chart.photo and chart.protect_content
    assert "ICE and ICANS grade" in (chart.caption or "")
    await backup.assert_no_message(within=0.2)
    assert escalation(db).urgency == "high"


async def test_acknowledgement_stops_the_chain_and_edits_every_copy(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary, backup = tg.user(NURSE), tg.user(PRIMARY), tg.user(BACKUP)
    await normal_then_grade_1(nurse, clock)
    first = await primary.next_message()
    ack_data = first.callback_data()[0]
    await primary.next_message()  # chart
    await settled(db)
    clock.advance(minutes=15)  # high: repeat to the primary at 10, the backup at 15
    await neurocheck.tick()
    repeat = await primary.next_message()
    assert "(repeat: not yet acknowledged)" in (repeat.text or "")
    backup_copy = await backup.next_message()
    assert "HIGH: Bed 4" in (backup_copy.text or "")
    assert (await backup.next_message()).photo  # the first copy to each person has the chart
    press = await backup.press(backup_copy, "Acknowledge, coming to the bedside")
    assert (await backup.wait_answer(press)).text == "Acknowledged. The nurse is told."
    edited = await backup.wait_edit(backup_copy)
    assert "✅ Acknowledged by Dr Bex at 24 Nov" in (edited.text or "")
    assert "coming to the bedside" in (edited.text or "")
    assert edited.button_texts()[:2] == [["Continue", "Hold infusion"], ["Restart", "Discontinue"]]
    assert all(len(row) <= 2 for row in edited.button_texts())  # readable on a phone
    for copy in (first, repeat):
        updated = await primary.wait_edit(copy)
        assert "✅ Acknowledged by Dr Bex" in (updated.text or "") and not updated.buttons
    told = await nurse.next_message()
    assert told.text is not None and "Dr Bex acknowledged the alert for Bed 4" in told.text
    await settled(db)
    clock.advance(minutes=60)
    await neurocheck.tick()
    await primary.assert_no_message(within=0.2)
    await tg.user(ATTENDING).assert_no_message(within=0.1)
    assert escalation(db).status is EscalationStatus.ACKNOWLEDGED
    late = await primary.press_data(first, ack_data)
    assert (await primary.wait_answer(late)).text == "Already acknowledged by Dr Bex."


async def test_no_acknowledgement_brings_in_the_backup_at_the_right_minute(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary, backup = tg.user(NURSE), tg.user(PRIMARY), tg.user(BACKUP)
    await grade_1_paged(nurse, primary, clock)
    await settled(db)
    clock.advance(minutes=14, seconds=59)
    await neurocheck.tick()
    assert "(repeat" in ((await primary.next_message()).text or "")  # the 10-minute repeat
    await backup.assert_no_message(within=0.2)
    await settled(db)
    clock.advance(seconds=1)
    await neurocheck.tick()
    assert "HIGH: Bed 4" in ((await backup.next_message()).text or "")
    await primary.assert_no_message(within=0.1)  # the backup joins; no repeat at 15


async def test_discharge_does_not_silence_an_alert_about_a_finding(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary, backup = tg.user(NURSE), tg.user(PRIMARY), tg.user(BACKUP)
    await grade_1_paged(nurse, primary, clock)
    await nurse.send("/discharge Bed 4")
    confirm = await nurse.next_message()
    await nurse.press(confirm, "Discharge Bed 4")
    done = await nurse.wait_edit(confirm)
    assert "An alert about Bed 4 is still open: the physicians on call are paged until one of" in (
        done.text or ""
    )
    await settled(db)
    clock.advance(minutes=15)
    await neurocheck.tick()
    assert "HIGH: Bed 4" in ((await backup.next_message()).text or "")


async def test_chain_runs_out_and_the_ward_is_told(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, charge, admin = tg.user(NURSE), tg.user(CHARGE), tg.user(ADMIN)
    tg.user(PRIMARY), tg.user(BACKUP)
    await normal_then_grade_1(nurse, clock)
    for _ in range(4):
        await settled(db)
        clock.advance(minutes=10)
        await neurocheck.tick()
    for lead in (charge, admin):
        told = await lead.next_message()
        assert "Nobody acknowledged the alert for Bed 4" in (told.text or "")
    assert escalation(db).status is EscalationStatus.EXHAUSTED
    press = await charge.press(told_message(charge), "Acknowledge")
    assert (await charge.wait_answer(press)).text == "Acknowledged. The nurse is told."
    assert escalation(db).status is EscalationStatus.ACKNOWLEDGED


def told_message(user: SimUser) -> SentMessage:
    return next(m for m in reversed(user.messages) if "Nobody acknowledged" in (m.text or ""))


async def test_a_physician_who_blocked_the_bot_is_skipped_at_once(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, backup = tg.user(NURSE), tg.user(BACKUP)
    tg.user(PRIMARY)
    tg.block(PRIMARY)
    await normal_then_grade_1(nurse, clock)
    await neurocheck.tick()  # the failed page moves the chain on now, not at minute 15
    assert "HIGH: Bed 4" in ((await backup.next_message()).text or "")
    with db.session() as session:
        failed = session.exec(
            select(EscalationDelivery).where(EscalationDelivery.status == DeliveryStatus.FAILED)
        ).all()
    assert len(failed) == 1 and "blocked" in (failed[0].error or "")
    assert "escalation.delivery_failed" in actions(db)


async def test_restart_mid_escalation_neither_loses_nor_repeats_a_page(
    tg: FakeTelegram, ward: int, db: Database, clock: FakeClock, settings: Settings
) -> None:
    nurse, primary, backup = tg.user(NURSE), tg.user(PRIMARY), tg.user(BACKUP)
    async with running_bot(settings, db, clock):
        await grade_1_paged(nurse, primary, clock)
    # Down for 16 minutes: the repeat (10) and the backup (15) fell due meanwhile.
    await settled(db)
    clock.advance(minutes=16)
    async with running_bot(settings, db, clock) as again:
        await again.tick()
        await again.tick()
        assert "(repeat" in ((await primary.next_message()).text or "")
        assert "HIGH: Bed 4" in ((await backup.next_message()).text or "")
        assert (await backup.next_message()).photo
        await primary.assert_no_message(within=0.2)
        await backup.assert_no_message(within=0.1)
    with db.session() as session:
        pages = session.exec(select(EscalationDelivery)).all()
    assert sorted((p.step_index, p.chat_id) for p in pages) == [
        (0, PRIMARY),
        (2, PRIMARY),
        (2, BACKUP),
    ]


async def test_an_improvement_is_information_only(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    alert = await grade_1_paged(nurse, primary, clock)
    await primary.press(alert, "Acknowledge")
    await primary.wait_edit(alert)
    await nurse.next_message()  # told of the acknowledgement
    await settled(db)
    clock.advance(hours=1)
    await check(nurse, NORMAL_ADULT_CHECK)
    info = await primary.next_message()
    assert (info.text or "").startswith("🟢 For information: Bed 4")
    assert "No acknowledgement needed." in (info.text or "") and not info.buttons
    assert "Label reference" not in (info.text or "")
    await settled(db)
    clock.advance(hours=2)
    await neurocheck.tick()
    await primary.assert_no_message(within=0.2)
    assert escalation(db).status is EscalationStatus.CLOSED


async def test_a_seizure_reported_with_event_pages_at_once(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    await nurse.send("/event Bed 4")
    menu = await nurse.next_message()
    confirm = await tap(nurse, menu, "Seizure over 5 minutes")
    await tap(nurse, confirm, "Report now")
    alert = await primary.next_message()
    text = alert.text or ""
    assert text.startswith("🔴 CRITICAL: Bed 4")
    assert "Event reported by Nurse Ada" in text and "seizure" in text.lower()
    assert "Seizure events recorded: 1" in text


async def test_decision_and_attribution_are_recorded(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    await normal_then_grade_1(nurse, clock)
    alert = await primary.next_message()
    await primary.press(alert, "Acknowledge")
    alert = await primary.wait_edit(alert)
    press = await primary.press(alert, "Hold infusion")
    assert (await primary.wait_answer(press)).text == "Recorded: Hold infusion."
    alert = await primary.wait_edit(alert)
    assert "Decision: Hold infusion (Dr Pim" in (alert.text or "")
    await primary.press(alert, "A finding has another cause…")
    alert = await primary.wait_edit(alert)
    await primary.press(alert, "ICE / CAPD score: another cause")
    alert = await primary.wait_edit(alert)
    assert "Re-graded by a physician: ICANS grade 0" in (alert.text or "")
    with db.session() as session:
        rows = session.exec(select(GradeResult).order_by(col(GradeResult.id))).all()
    assert [(r.icans_grade, r.current) for r in rows] == [(0, True), (1, False), (0, True)]
    assert rows[2].attributed_elsewhere == ["ice"] and rows[2].supersedes_id == rows[1].id
    assert {"escalation.decision", "escalation.acknowledged"} <= set(actions(db))


async def test_critical_acknowledged_without_a_follow_up_check_reminds_the_physician(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    await nurse.send("/event Bed 4")
    confirm = await tap(nurse, await nurse.next_message(), "Seizure over 5 minutes")
    await tap(nurse, confirm, "Report now")
    alert = await primary.next_message()
    assert (await primary.next_message()).photo
    await primary.press(alert, "Acknowledge")
    await primary.wait_edit(alert)
    await settled(db)
    clock.advance(minutes=59)
    await neurocheck.tick()
    await primary.assert_no_message(within=0.2)
    await settled(db)
    clock.advance(minutes=1)
    await neurocheck.tick()
    reminder = await primary.next_message()
    assert "no neuro check has been recorded since" in (reminder.text or "")
    await settled(db)
    clock.advance(hours=2)
    await neurocheck.tick()
    await primary.assert_no_message(within=0.2)


async def test_alerts_lists_the_open_ones(
    tg: FakeTelegram, neurocheck: Neurocheck, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    await primary.send("/alerts")
    assert (await primary.next_message()).text == "No open alerts on your wards."
    await grade_1_paged(nurse, primary, clock)
    await nurse.send("/alerts")
    listing = await nurse.next_message()
    assert "Bed 4 (H7) HIGH since" in (listing.text or "")
    copy = await nurse.next_message()
    assert "HIGH: Bed 4" in (copy.text or "") and not copy.buttons  # nurses see, not silence
    forged = await nurse.press_data(copy, f"al:{escalation(db).id}:0:ack")
    assert "Only a physician can acknowledge" in ((await nurse.wait_answer(forged)).text or "")
    assert escalation(db).status is EscalationStatus.OPEN
    await primary.send("/alerts")
    await primary.next_message()
    assert (await primary.next_message()).button_texts()[0] == ["Acknowledge"]
    stranger = tg.user(999)
    await stranger.send("/alerts")
    assert "enrolled ward staff only" in ((await stranger.next_message()).text or "")


async def test_a_chart_that_cannot_be_drawn_is_given_up_and_the_page_stands(
    tg: FakeTelegram,
    neurocheck: Neurocheck,
    ward: int,
    db: Database,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The chart is its own outbox row after the page: failing to draw it loses nothing else."""

    def broken(*_args: object, **_kwargs: object) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr("bot.telegram.alerts.render_history_chart", broken)
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    await normal_then_grade_1(nurse, clock)
    alert = await primary.next_message()
    assert (alert.text or "").startswith("🟠 HIGH: Bed 4")
    await settled(db)
    await primary.assert_no_message(within=0.2)
    with db.session() as session:
        chart = session.exec(
            select(OutboundMessage).where(OutboundMessage.purpose == "alert_chart")
        ).one()
        delivery = session.exec(select(EscalationDelivery)).one()
    assert chart.status == "failed" and chart.error == "nothing to send any more"
    assert delivery.status is DeliveryStatus.SENT
