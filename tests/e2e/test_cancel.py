"""Cancelling a check: at every step, always confirmed, also by /cancel; the scheduled check
it was for goes back to being due (nothing lost) and the cancel is audited."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from bot.telegram.check_views import CANCEL_QUESTION
from bot.telegram.checks import NOTHING_TO_CANCEL
from storage.db import Database
from storage.models import Assessment, AssessmentStatus, AuditLog, CheckStatus, ScheduledCheck
from tests.e2e.test_check import CRS_NORMAL, NORMAL_ADULT_CHECK, tap
from tests.e2e.test_schedule import NURSE, patient  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("patient", "neurocheck")

# A normal adult baseline check; the baseline is in the intensive window, so after the ICANS
# domains it asks the CRS questions (an afebrile patient without support).
CHECK = (*NORMAL_ADULT_CHECK[:14], *CRS_NORMAL.values(), *NORMAL_ADULT_CHECK[14:])
# Where each step begins: the taps that lead there.
STEP_STARTS = {
    "consciousness": 0,
    "orientation": 1,
    "naming": 6,
    "tasks": 7,
    "seizure": 11,
    "motor": 12,
    "icp": 13,
    "temperature": 14,
    "pressure": 15,
    "oxygen": 16,
    "treated": 17,
    "note": 18,
    "summary": 19,
}


def statuses(db: Database) -> tuple[list[AssessmentStatus], CheckStatus]:
    with db.session() as session:
        checks = session.exec(select(Assessment).order_by(col(Assessment.id))).all()
        scheduled = session.exec(select(ScheduledCheck)).one()
        return [c.status for c in checks], scheduled.status


async def question_after(nurse: SimUser, taps: int) -> SentMessage:
    await nurse.send("/check Bed 4")
    return await tap(nurse, await nurse.next_message(), *CHECK[:taps])


async def test_cancel_is_offered_and_confirmed_at_every_step(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    nurse = tg.user(NURSE)
    await neurocheck.rescheduler_sweep()
    for number, (step, taps) in enumerate(STEP_STARTS.items(), start=1):
        question = await question_after(nurse, taps)
        cancel = "Cancel check" if step == "summary" else "✖ Cancel"
        asked = await tap(nurse, question, cancel)
        assert (asked.text or "").endswith(CANCEL_QUESTION), step
        back = await tap(nurse, asked, "No, go on")
        assert back.text == question.text, step  # the same question, nothing changed
        gone = await tap(nurse, back, cancel, "Yes, cancel the check")
        assert "Cancelled: nothing was recorded" in (gone.text or "") and gone.buttons == ()
        checks, scheduled = statuses(db)
        assert checks == [AssessmentStatus.CANCELLED] * number, step
        assert scheduled is CheckStatus.DUE, step  # the baseline is due again
    with db.session() as session:
        trail = session.exec(
            select(AuditLog).where(AuditLog.action == "check.cancelled").order_by(col(AuditLog.id))
        ).all()
        assert [row.detail["step"] for row in trail] == list(STEP_STARTS)


async def test_slash_cancel_asks_then_cancels(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    nurse = tg.user(NURSE)
    await neurocheck.rescheduler_sweep()
    await nurse.send("/cancel")
    assert (await nurse.next_message()).text == NOTHING_TO_CANCEL
    question = await question_after(nurse, 3)
    await nurse.send("/cancel")
    asked = await nurse.next_message()
    assert (asked.text or "").endswith(CANCEL_QUESTION)
    assert asked.reply_to_message_id == question.message_id
    await nurse.press(asked, "No, go on")
    kept = await nurse.wait_edit(asked)
    assert kept.text == "The check on Bed 4 goes on: carry on in the question above."
    assert nurse.current(question).buttons  # untouched, still answerable
    await nurse.send("/cancel")
    asked = await nurse.next_message()
    await nurse.press(asked, "Yes, cancel the check")
    closed = await nurse.wait_edit(asked)
    assert closed.text == (
        "The check on Bed 4 was cancelled: nothing was recorded; a scheduled check is due again."
    )
    assert "Cancelled" in (await nurse.wait_edit(question)).text  # type: ignore[operator]
    assert statuses(db)[0] == [AssessmentStatus.CANCELLED]
    # A confirmation pressed again, after the fact, changes nothing.
    stale = await nurse.press_data(asked, asked.callback_data()[0])
    assert "finished" in ((await nurse.wait_answer(stale)).text or "")


async def test_typing_cancel_is_slash_cancel(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    """The word on its own, as a tired nurse types it, asks the same confirmation."""
    nurse = tg.user(NURSE)
    await neurocheck.rescheduler_sweep()
    await nurse.send("cancel")
    assert (await nurse.next_message()).text == NOTHING_TO_CANCEL
    question = await question_after(nurse, 2)
    await nurse.send("  Cancel ")
    asked = await nurse.next_message()
    assert (asked.text or "").endswith(CANCEL_QUESTION)
    assert asked.reply_to_message_id == question.message_id
    await nurse.press(asked, "Yes, cancel the check")
    await nurse.wait_edit(asked)
    assert statuses(db)[0] == [AssessmentStatus.CANCELLED]
