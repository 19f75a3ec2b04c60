"""The neuro check end to end: nurses on phones, the real Application, the database."""

from __future__ import annotations

import datetime as dt
from typing import Final

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentAnswer,
    AssessmentStatus,
    AuditLog,
    GradeResult,
    Role,
)
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")

NURSE_A, NURSE_B, NURSE_OTHER_WARD = 501, 502, 601


@pytest.fixture
def ward(db: Database) -> int:
    ward_id = factories.ward(db)
    factories.staff(db, NURSE_A, "Nurse Ada", Role.NURSE, [ward_id])
    factories.staff(db, NURSE_B, "Nurse Bo", Role.NURSE, [ward_id])
    other = factories.ward(db, "H9", "Haematology 9")
    factories.staff(db, NURSE_OTHER_WARD, "Nurse Cy", Role.NURSE, [other])
    factories.patient(db, ward_id, "Bed 4")  # 65 on the test date: an adult, ICE
    factories.patient(db, ward_id, "Bed 9 child", dt.date(2018, 2, 1))  # 8 years old: CAPD
    return ward_id


NORMAL_ADULT_CHECK = (
    "Alert",
    *("Year ✓", "Month ✓", "City ✓", "Hospital ✓", "Done"),
    "3 named",
    *("Command ✓", "Writing ✓", "Attention ✓", "Done"),
    "No seizure",
    "None of these",  # motor
    "None of these",  # ICP / imaging
    "Skip",  # note
)
"""Every tap of a check with nothing abnormal, up to the summary (ICE 10, grade 0)."""


async def start(user: SimUser, label: str) -> SentMessage:
    await user.send(f"/check {label}")
    return await user.next_message()


CRS_NORMAL: Final = {
    "CRS. Temperature": "37.0 °C",
    "CRS. Blood pressure": "BP: no support",
    "CRS. Oxygen": "O2: none",
    "CRS. Since the last check": "None of these given",
}
"""The CRS answers of an afebrile patient without support, question by question."""


async def tap(user: SimUser, message: SentMessage, *buttons: str) -> SentMessage:
    """Press buttons in turn on the (edited) question message; return its latest state.

    A check taken in an intensive window asks the CRS questions after the ICANS domains; the
    ICANS stories give the taps of the neuro check only, so a CRS question met on the way,
    whose buttons do not include the next tap, is answered as an afebrile patient without
    support (`CRS_NORMAL`). Tests of CRS itself tap its answers explicitly.
    """
    for button in buttons:
        message = await _crs_normal_unless(user, message, button)
        await user.press(message, button)
        message = await user.wait_edit(message)
    return message


async def _crs_normal_unless(user: SimUser, message: SentMessage, button: str) -> SentMessage:
    for _ in range(len(CRS_NORMAL)):
        current = user.current(message)
        text = current.text or ""
        answer = next((a for q, a in CRS_NORMAL.items() if f"\n\n{q}" in text), None)
        if answer is None or current.find_button(button) is not None:
            return message
        await user.press(message, answer)
        message = await user.wait_edit(message)
    return message


def submitted(db: Database) -> GradeResult:
    with db.session() as session:
        return session.exec(select(GradeResult)).one()


async def test_full_adult_check_is_graded_and_stored(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(NURSE_A)
    question = await start(nurse, "bed 4")
    assert question.protect_content
    assert "Level of consciousness?" in (question.text or "")
    question = await tap(
        nurse,
        question,
        "Drowsy, wakes by itself",
        "Year ✓",
        "Month ✓",
        "City ✓",
        "Hospital ✗",
        "Done",
        "3 named",
        "Command ✓",
        "Writing ✗",
        "Attention ✓",
        "Done",
        "No seizure",
        "Tremor",
        "Done",
        "None of these",
        "Skip",
    )
    text = question.text or ""
    assert "ICE: 8/10" in text and "ICANS grade 1" in text
    assert "orientation 3/4" in text and "writing ✗" in text and "tremor" in text
    final = await tap(nurse, question, "Submit")
    assert "Submitted." in (final.text or "") and not final.buttons
    grade = submitted(db)
    assert (grade.ice_score, grade.icans_grade, grade.complete) == (8, 1, True)
    assert grade.domain_grades["consciousness"] == 1 and grade.flags == ["tremor"]
    with db.session() as session:
        answers = {a.item: a.value for a in session.exec(select(AssessmentAnswer))}
        assessment = session.exec(select(Assessment)).one()
    assert answers["hospital"] == "wrong" and answers["writing"] == "wrong"
    assert answers["consciousness"] == "drowsy" and answers["motor_tremor"] == "present"
    assert len(answers) == 1 + 10 + 1 + 1
    assert assessment.status is AssessmentStatus.SUBMITTED
    assert len(nurse.messages) == 1, "the question message is edited in place"


async def test_unarousable_skips_the_ice_and_grades_four(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(NURSE_A)
    question = await start(nurse, "Bed 4")
    question = await tap(
        nurse, question, "Unarousable", "No seizure", "None of these", "None of these", "Skip"
    )
    assert "ICE: 0/10 (unarousable, not performed)" in (question.text or "")
    await tap(nurse, question, "Submit")
    grade = submitted(db)
    assert (grade.ice_score, grade.icans_grade, grade.complete) == (0, 4, True)


async def test_child_gets_the_capd(tg: FakeTelegram, ward: int, db: Database) -> None:
    nurse = tg.user(NURSE_A)
    question = await start(nurse, "Bed 9 child")
    assert "CAPD (child)" in (question.text or "")
    question = await tap(nurse, question, "Wakes to voice")
    assert "CAPD 1/8" in (question.text or "")
    # Q1-4 reverse scored (Always = 0), Q5-8 forward (Never = 0), except one "Often" (3).
    question = await tap(
        nurse,
        question,
        *["Always"] * 4,
        "Often",
        "Never",
        "Never",
        "Never",
        "No seizure",
        "None of these",
        "None of these",
        "Skip",
    )
    assert "CAPD: 3/32" in (question.text or "")
    await tap(nurse, question, "Submit")
    grade = submitted(db)
    assert (grade.tool, grade.capd_score, grade.ice_score) == ("capd", 3, None)
    assert grade.icans_grade == 2  # wakes to voice outranks CAPD 1-8 (grade 1)


async def test_not_assessable_item_needs_a_reason_and_gives_an_incomplete_result(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(NURSE_A)
    question = await start(nurse, "Bed 4")
    question = await tap(
        nurse,
        question,
        "Alert",
        "Year ✓",
        "Month ✓",
        "City ✓",
        "Hospital ✓",
        "Done",
        "3 named",
        "Command ✓",
        "Writing n/a",
        "Attention ✓",
        "Done",
    )
    assert "Why could writing not be assessed?" in (question.text or "")
    question = await tap(
        nurse, question, "Cannot write", "No seizure", "None of these", "None of these", "Skip"
    )
    assert "not gradable (incomplete)" in (question.text or "")
    await tap(nurse, question, "Submit")
    grade = submitted(db)
    assert (grade.ice_score, grade.icans_grade, grade.complete) == (None, None, False)
    assert grade.flags == ["not_assessable"]
    with db.session() as session:
        writing = session.exec(
            select(AssessmentAnswer).where(AssessmentAnswer.item == "writing")
        ).one()
    assert (writing.value, writing.reason) == ("not_assessable", "hand_injury")


async def test_done_before_every_item_is_answered_is_refused(tg: FakeTelegram, ward: int) -> None:
    nurse = tg.user(NURSE_A)
    question = await tap(nurse, await start(nurse, "Bed 4"), "Alert", "Year ✓")
    press = await nurse.press(question, "Done")
    answer = await nurse.wait_answer(press)
    assert answer.text is not None and "month, city, hospital" in answer.text
    assert "Orientation" in (nurse.current(question).text or "")


async def test_stale_and_doubled_presses_change_nothing(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(NURSE_A)
    first = await start(nurse, "Bed 4")
    old_data = first.callback_data()[0]  # "Alert", drawn at version 0
    await tap(nurse, first, "Wakes to voice")
    press = await nurse.press_data(first, old_data)
    answer = await nurse.wait_answer(press)
    assert answer.text is not None and "moved on" in answer.text
    with db.session() as session:
        assessment = session.exec(select(Assessment)).one()
    assert assessment.answers["consciousness"] == "voice"
    assert assessment.step == "orientation"


async def test_forged_data_and_strangers_are_refused_and_audited(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(NURSE_A)
    question = await start(nurse, "Bed 4")
    assessment_id = int(question.callback_data()[0].split(":")[1])
    forged = await nurse.press_data(question, f"a:{assessment_id}:0:drop_tables")
    assert "not part of this check" in ((await nurse.wait_answer(forged)).text or "")
    garbage = await nurse.press_data(question, "x" * 10)
    assert "not valid" in ((await nurse.wait_answer(garbage)).text or "")
    other_ward = tg.user(NURSE_OTHER_WARD)
    intruder = await other_ward.press_data(question, f"a:{assessment_id}:0:alert")
    assert "No such patient" in ((await other_ward.wait_answer(intruder)).text or "")
    stranger = tg.user(4242)
    probe = await stranger.press_data(question, f"a:{assessment_id}:0:alert")
    assert "enrolled ward staff only" in ((await stranger.wait_answer(probe)).text or "")
    with db.session() as session:
        actions = set(session.exec(select(AuditLog.action)))
        assessment = session.exec(select(Assessment)).one()
    assert {"check.press_invalid", "check.press_forbidden", "access.refused"} <= actions
    assert assessment.version == 0 and "consciousness" not in assessment.answers


async def test_free_text_where_a_button_is_expected_shows_the_question_again(
    tg: FakeTelegram, ward: int
) -> None:
    nurse = tg.user(NURSE_A)
    await start(nurse, "Bed 4")
    await nurse.send("she is alert")
    assert (await nurse.next_message()).text == "Please answer with the buttons."
    again = await nurse.next_message()
    assert "Level of consciousness?" in (again.text or "")
    await tap(nurse, again, "Alert")  # the new copy works


async def test_two_nurses_on_one_patient_explicit_take_over(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    ada, bo = tg.user(NURSE_A), tg.user(NURSE_B)
    ada_question = await tap(ada, await start(ada, "Bed 4"), "Alert")
    offer = await start(bo, "Bed 4")
    assert "Nurse Ada is doing a check on Bed 4" in (offer.text or "")
    await bo.press(offer, "Take over the check on Bed 4")
    bo_question = await bo.next_message()
    assert "Orientation" in (bo_question.text or "") and "Nurse Bo" in (bo_question.text or "")
    assert "Taken over by Nurse Bo" in ((await ada.wait_edit(ada_question)).text or "")
    assert (await ada.next_message()).text == "Nurse Bo took over the check on Bed 4."
    stale = await ada.press_data(ada_question, ada_question.callback_data()[0])
    assert "another nurse" in ((await ada.wait_answer(stale)).text or "")
    await tap(bo, bo_question, "Year ✓")
    with db.session() as session:
        actions = list(session.exec(select(AuditLog.action).order_by(col(AuditLog.id))))
    assert "check.taken_over" in actions


async def test_edit_from_the_summary_returns_to_the_summary(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(NURSE_A)
    question = await tap(
        nurse,
        await start(nurse, "Bed 4"),
        *NORMAL_ADULT_CHECK,
    )
    assert "ICANS grade 0" in (question.text or "")
    question = await tap(nurse, question, "Edit", "Seizure", "Seizure, resolved rapidly")
    assert "Submit this check?" in (question.text or "")
    assert "ICANS grade 3" in (question.text or "")
    await tap(nurse, question, "Submit")
    assert submitted(db).icans_grade == 3


async def test_note_and_handwriting_photo(tg: FakeTelegram, ward: int, db: Database) -> None:
    nurse = tg.user(NURSE_A)
    await tap(
        nurse,
        await start(nurse, "Bed 4"),
        "Unarousable",
        "No seizure",
        "None of these",
        "None of these",
    )
    await nurse.send("Pupils equal, reactive")
    await nurse.next_message()
    await nurse.send_photo()
    question = await nurse.next_message()
    assert "Note: Pupils equal, reactive" in (question.text or "")
    assert "Handwriting photo: attached" in (question.text or "")
    await tap(nurse, question, "Continue", "Submit")
    with db.session() as session:
        assessment = session.exec(select(Assessment)).one()
    assert assessment.note == "Pupils equal, reactive" and assessment.photo_file_id


async def test_abandoned_check_is_closed_and_the_nurse_reminded(
    tg: FakeTelegram, ward: int, db: Database, neurocheck: Neurocheck, clock: FakeClock
) -> None:
    nurse = tg.user(NURSE_A)
    question = await tap(nurse, await start(nurse, "Bed 4"), "Alert")
    clock.advance(minutes=29)
    await neurocheck.scheduler.abandon_idle(neurocheck.application.bot)
    await nurse.assert_no_message(within=0.2)
    clock.advance(minutes=2)
    await neurocheck.scheduler.abandon_idle(neurocheck.application.bot)
    reminder = await nurse.next_message()
    assert "was closed without recording anything" in (reminder.text or "")
    assert "/check Bed 4" in (reminder.text or "")
    assert "Closed after a long pause" in (nurse.current(question).text or "")
    with db.session() as session:
        assert session.exec(select(Assessment)).one().status is AssessmentStatus.ABANDONED


async def test_discharge_closes_a_check_in_progress(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse, colleague = tg.user(NURSE_A), tg.user(NURSE_B)
    question = await tap(nurse, await start(nurse, "Bed 4"), "Alert")
    year = {b.text: b.callback_data or "" for row in question.buttons for b in row}["Year ✓"]
    await colleague.send("/discharge Bed 4")
    confirm = await colleague.next_message()
    await colleague.press(confirm, confirm.callback_data()[0])
    await colleague.wait_edit(confirm)
    closed = await nurse.wait_edit(question)  # on the phone of the nurse who holds the check
    assert closed.text == (
        "The check on Bed 4 was cancelled: the patient was discharged. Nothing was recorded."
    )
    assert not closed.buttons
    late = await nurse.press_data(question, year)  # a tap sent before that edit arrived
    assert (await nurse.wait_answer(late)).text == "This check is already finished."
    with db.session() as session:
        assessment = session.exec(select(Assessment)).one()
    assert assessment.status is AssessmentStatus.CANCELLED


async def test_quick_row_taps_on_one_drawing_all_count_but_a_stale_toggle_does_not(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    """Slow connection: the nurse taps Year and Month before the first edit arrives."""
    nurse = tg.user(NURSE_A)
    question = await tap(nurse, await start(nurse, "Bed 4"), "Alert")
    data = {b.text: b.callback_data or "" for row in question.buttons for b in row}
    for label in ("Year ✓", "Month ✗"):
        await nurse.wait_answer(await nurse.press_data(question, data[label]))
    with db.session() as session:
        answers = session.exec(select(Assessment)).one().answers
    assert answers["ice"] == {"year": "correct", "month": "wrong"}
    done = await nurse.press_data(question, data["Done"])  # drawn before both answers: stale
    assert "moved on" in ((await nurse.wait_answer(done)).text or "")
