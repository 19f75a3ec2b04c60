"""/event and /history end to end."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram
from bot.telegram import texts
from storage.db import Database
from storage.models import AuditLog, ClinicalEvent, GradeResult, Patient, Role
from tests.e2e.test_check import tap
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")


@pytest.fixture
def ward(db: Database) -> int:
    ward_id = factories.ward(db)
    factories.staff(db, 501, "Nurse Ada", Role.NURSE, [ward_id])
    factories.patient(db, ward_id, "Bed 4")
    other = factories.ward(db, "H9", "Haematology 9")
    factories.staff(db, 601, "Nurse Cy", Role.NURSE, [other])
    return ward_id


async def test_seizure_event_is_graded_at_once_and_stored_once(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(501)
    await nurse.send("/event Bed 4")
    menu = await nurse.next_message()
    assert menu.protect_content
    confirm = await tap(nurse, menu, "Seizure over 5 minutes")
    assert "Report now: seizure over 5 minutes?" in (confirm.text or "")
    report_data = confirm.callback_data()[0]
    done = await tap(nurse, confirm, "Report now")
    text = done.text or ""
    assert "ICANS at least grade 4 (incomplete)" in text
    assert "CRITICAL: paging the physician on call now; stay with the patient." in text
    doubled = await nurse.press_data(done, report_data)
    assert (await nurse.wait_answer(doubled)).text == "Already reported."
    with db.session() as session:
        events = session.exec(select(ClinicalEvent)).all()
        grade = session.exec(select(GradeResult)).one()
        audit = session.exec(
            select(AuditLog).where(AuditLog.action == "event.reported").order_by(col(AuditLog.id))
        ).all()
    assert [e.kind for e in events] == ["seizure"]
    assert (grade.icans_grade, grade.complete, grade.recorded_seizure) == (4, False, "prolonged")
    assert grade.event_id == events[0].id
    assert audit[0].detail["urgency"] == "critical"


async def test_each_seizure_is_its_own_event_and_history_counts_them(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(501)
    for _ in range(2):
        await nurse.send("/event bed 4")
        await tap(nurse, await nurse.next_message(), "Seizure, resolved rapidly", "Report now")
    await nurse.send("/history Bed 4")
    history = (await nurse.next_message()).text or ""
    assert "Seizures reported as events: 2" in history
    assert "worst so far grade 3" in history
    assert history.count("event: seizure, resolved rapidly") == 2


async def test_event_cancel_and_other_ward(tg: FakeTelegram, ward: int, db: Database) -> None:
    nurse = tg.user(501)
    await nurse.send("/event Bed 4")
    menu = await nurse.next_message()
    confirm = await tap(nurse, menu, "Haemorrhage (imaging)")
    cancelled = await tap(nurse, confirm, "Cancel")
    assert cancelled.text == "Cancelled: nothing was reported."
    outsider = tg.user(601)
    await outsider.send("/event Bed 4")
    assert "No such patient" in ((await outsider.next_message()).text or "")
    forged = await outsider.press_data(menu, confirm.callback_data()[0])
    # Not a button the outsider's message offered: refused before the patient is looked up.
    assert (await outsider.wait_answer(forged)).text == texts.BUTTON_NOT_VALID
    with db.session() as session:
        assert session.exec(select(ClinicalEvent)).all() == []


async def test_history_shows_checks_with_the_baseline(tg: FakeTelegram, ward: int) -> None:
    nurse = tg.user(501)
    await nurse.send("/history Bed 4")
    assert "no checks yet" in ((await nurse.next_message()).text or "")
    await nurse.send("/check Bed 4 baseline")
    question = await nurse.next_message()
    assert "Baseline check" in (question.text or "")
    await tap(
        nurse,
        question,
        "Unarousable",
        "No seizure",
        "None of these",
        "None of these",
        "Skip",
        "Submit",
    )
    await nurse.send("/history Bed 4")
    text = (await nurse.next_message()).text or ""
    assert "ICE 0 (baseline) · grade 4 · Nurse Ada" in text


async def test_history_sends_the_chart_after_the_text(
    tg: FakeTelegram, ward: int, db: Database, clock: FakeClock
) -> None:
    with db.session() as session:
        patient_id = session.exec(select(Patient.id).where(Patient.label == "Bed 4")).one()
    assert patient_id is not None
    factories.plan(db, patient_id, clock.now - dt.timedelta(days=2), created_at=clock.now)
    nurse = tg.user(501)
    await nurse.send("/event Bed 4")
    await tap(nurse, await nurse.next_message(), "Seizure, resolved rapidly", "Report now")
    await nurse.send("/history Bed 4")
    text = await nurse.next_message()
    assert not text.photo
    assert "worst so far grade 3" in (text.text or "")
    chart = await nurse.next_message()
    assert chart.photo
    assert chart.protect_content
    assert chart.text == "Bed 4: ICE and ICANS grade, last 14 days"
    assert (chart.photo_size or 0) > 10_000
