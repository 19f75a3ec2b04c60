"""Taps per check, counted by walking the check by its visible buttons from the prompt's
Start to Submit (the README quotes these numbers). The shortcuts lose nothing: every item is
stored, and each can still be changed from the summary."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.clock import system_clock
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from bot.services.wards import WardService
from storage.db import Database
from storage.models import AssessmentAnswer, GradeResult
from tests.e2e.test_check import CRS_NORMAL
from tests.e2e.test_schedule import NURSE, patient  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("patient")

NORMAL = (
    "Start check",
    "Alert",
    "✓ All correct",  # orientation: year, month, city, hospital
    "3 named",
    "✓ All correct",  # command, writing, attention
    "No seizure, no motor or ICP findings",
    "Skip",  # note
    "Submit",
)
ABNORMAL = (
    "Start check",
    "Drowsy, wakes by itself",
    "Hospital ✗",
    "✓ The others correct",
    "2 named",
    "Writing ✗",
    "✓ The others correct",
    "No seizure",
    "New focal weakness",  # motor
    "Done",
    "None of these",  # ICP / imaging
    "Skip",
    "Submit",
)


# In the intensive window: the temperature, then one tap for no blood-pressure support, no
# oxygen and nothing given (each still recorded).
CRS_QUICK = ("37.0 °C", "No support, no oxygen, nothing given")


class Walker:
    """Presses buttons the nurse can see, on whatever message shows them, and counts."""

    def __init__(self, user: SimUser, first: SentMessage) -> None:
        self.user, self.current, self.taps = user, first, 0

    async def press(self, *buttons: str) -> SentMessage:
        for button in buttons:
            before = len(self.user.messages)
            await self.user.press(self.current, button)
            self.taps += 1
            if button == "Start check":  # the question comes as a new message
                self.current = await self.user.next_message()
            else:
                self.current = await self.user.wait_edit(self.current)
            assert len(self.user.messages) >= before
        return self.current


async def prompt(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, *, crs: bool = False
) -> Walker:
    """The baseline prompt. The baseline is in the intensive window, where a check also asks
    the CRS questions; the neuro check's own taps are counted with the ward's CRS off."""
    if not crs:
        WardService(db, system_clock).configure("H7", {"crs.ask": "off"})
    nurse = tg.user(NURSE)
    await neurocheck.rescheduler_sweep()
    await neurocheck.tick()
    return Walker(nurse, await nurse.next_message())


def stored(db: Database) -> tuple[GradeResult, dict[str, str]]:
    with db.session() as session:
        grade = session.exec(select(GradeResult)).one()
        answers = session.exec(select(AssessmentAnswer).order_by(col(AssessmentAnswer.id))).all()
        return grade, {a.item: a.value for a in answers}


async def test_a_normal_adult_check_takes_eight_taps_and_records_every_item(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    walker = await prompt(tg, neurocheck, db)
    done = await walker.press(*NORMAL)
    print(f"\ntaps for a normal adult check: {walker.taps}")
    assert walker.taps == 8 <= 11
    assert "Submitted." in (done.text or "") and "ICANS grade 0" in (done.text or "")
    grade, items = stored(db)
    assert (grade.icans_grade, grade.ice_score) == (0, 10)
    ice = ("year", "month", "city", "hospital", "naming_1", "naming_2", "naming_3")
    assert all(items[item] == "correct" for item in (*ice, "command", "writing", "attention"))
    assert items["seizure"] == "none"
    assert not [i for i in items if i.startswith(("motor_", "icp_"))]  # none present


async def test_an_abnormal_check_keeps_what_was_marked_wrong(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    walker = await prompt(tg, neurocheck, db)
    done = await walker.press(*ABNORMAL)
    print(f"\ntaps for an abnormal adult check: {walker.taps}")
    assert walker.taps == 13
    grade, items = stored(db)
    assert grade.ice_score == 7  # hospital, one object and writing wrong
    assert (items["hospital"], items["writing"], items["naming_3"]) == ("wrong",) * 3
    assert (items["year"], items["attention"]) == ("correct", "correct")
    assert "ICANS grade" in (done.text or "")


async def test_every_item_stays_editable_from_the_summary(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    walker = await prompt(tg, neurocheck, db)
    summary = await walker.press(*NORMAL[:-1])
    assert "Submit this check?" in (summary.text or "")
    await walker.press("Edit", "Orientation")
    await walker.press("Month ✗", "Done")  # the month was wrong after all
    await walker.press("Edit", "Seizure", "Seizure, resolved rapidly")
    await walker.press("Edit", "Motor findings", "Tremor", "Done", "Submit")
    grade, items = stored(db)
    assert (items["month"], items["year"]) == ("wrong", "correct")
    assert items["seizure"] == "resolved_rapidly" and grade.ice_score == 9
    assert [i for i in items if i.startswith("motor_")] == ["motor_tremor"]


async def test_in_the_intensive_window_the_crs_questions_add_two_taps(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    walker = await prompt(tg, neurocheck, db, crs=True)
    done = await walker.press(*NORMAL[:-2], *CRS_QUICK, *NORMAL[-2:])
    print(f"\ntaps for a normal adult check with the CRS questions: {walker.taps}")
    assert walker.taps == 10 <= 11
    assert "CRS grade 0" in (done.text or "")
    _, items = stored(db)
    assert (items["temperature"], items["pressure"]) == ("37.0", "none")
    assert (items["oxygen"], items["treated"]) == ("none", "no")


async def test_the_crs_answers_one_by_one_take_four_taps(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    walker = await prompt(tg, neurocheck, db, crs=True)
    done = await walker.press(*NORMAL[:-2], *CRS_NORMAL.values(), *NORMAL[-2:])
    assert walker.taps == 12
    assert "CRS grade 0" in (done.text or "")


async def test_the_crs_answers_of_the_shortcut_stay_editable_from_the_summary(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    walker = await prompt(tg, neurocheck, db, crs=True)
    summary = await walker.press(*NORMAL[:-2], *CRS_QUICK, "Skip")
    assert "Submit this check?" in (summary.text or "")
    await walker.press("Edit", "CRS: oxygen", "O2: low-flow, 6 L/min or less", "Submit")
    _, items = stored(db)
    assert (items["oxygen"], items["pressure"], items["treated"]) == ("low_flow", "none", "no")
