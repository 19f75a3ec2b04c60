"""No stale buttons: the prompts in people's chats follow the check (started, submitted,
due again after a cancel), a second Start leads to the open question instead of a copy, and
a typed note takes the buttons off the message it replaces."""

from __future__ import annotations

import pytest

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from bot.services.staff_admin import StaffAdminService
from storage.db import Database
from tests.e2e.test_check import NORMAL_ADULT_CHECK, tap
from tests.e2e.test_schedule import CHARGE, NURSE, patient  # noqa: F401 (fixture)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("patient")


async def prompted(neurocheck: Neurocheck, nurse: SimUser) -> SentMessage:
    await neurocheck.rescheduler_sweep()
    await neurocheck.tick()
    return await nurse.next_message()


async def reads(user: SimUser, message: SentMessage, ending: str) -> SentMessage:
    """The message once an edit makes it end with ``ending`` (edits may have landed already)."""
    current = user.current(message)
    while not (current.text or "").endswith(ending):
        current = await user.wait_edit(current)
    return current


async def test_every_copy_of_the_prompt_follows_the_check(
    tg: FakeTelegram, neurocheck: Neurocheck, clock: FakeClock
) -> None:
    nurse, charge = tg.user(NURSE), tg.user(CHARGE)
    prompt = await prompted(neurocheck, nurse)
    clock.advance(minutes=15)
    await neurocheck.tick()
    reminder = await nurse.next_message()
    clock.advance(minutes=15)
    await neurocheck.tick()
    charge_alert = await charge.next_message()
    assert reminder.buttons and charge_alert.buttons
    await nurse.press(reminder, "Start check")
    question = await nurse.next_message()
    for copy, user in ((prompt, nurse), (reminder, nurse), (charge_alert, charge)):
        edited = await reads(user, copy, "\n\nStarted by Nurse Ada at 09:30.")
        assert edited.buttons == ()
    clock.advance(minutes=4)
    await tap(nurse, question, *NORMAL_ADULT_CHECK, "Submit")
    for copy, user in ((prompt, nurse), (reminder, nurse), (charge_alert, charge)):
        edited = await reads(user, copy, "\n\nSubmitted by Nurse Ada at 09:34: ICANS grade 0.")
        assert edited.buttons == ()


async def test_a_cancelled_check_gives_the_prompt_its_buttons_back(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    nurse = tg.user(NURSE)
    prompt = await prompted(neurocheck, nurse)
    await nurse.press(prompt, "Start check")
    question = await nurse.next_message()
    started = await reads(nurse, prompt, "Started by Nurse Ada at 09:00.")
    assert started.buttons == ()
    await tap(nurse, question, *NORMAL_ADULT_CHECK, "Cancel check", "Yes, cancel the check")
    again = await reads(nurse, started, "cancelled at 09:00: the check is due again.")
    assert again.button_texts() == [["Start check", "Snooze 15 min"]]
    await nurse.press(again, "Start check")
    assert "Level of consciousness?" in ((await nurse.next_message()).text or "")


async def test_a_second_start_leads_back_to_the_open_question(
    tg: FakeTelegram, neurocheck: Neurocheck
) -> None:
    nurse = tg.user(NURSE)
    prompt = await prompted(neurocheck, nurse)
    await nurse.press(prompt, "Start check")
    question = await tap(nurse, await nurse.next_message(), "Alert")
    await nurse.send("/check Bed 4")
    pointer = await nurse.next_message()
    assert pointer.text == "Your check on Bed 4 is already open: carry on in the question above."
    assert pointer.reply_to_message_id == question.message_id and pointer.buttons == ()
    await nurse.assert_no_message()
    assert nurse.current(question).buttons  # still the one live copy
    await tap(nurse, question, "Year ✓")  # and it goes on answering


async def test_a_typed_note_takes_the_buttons_off_the_message_before(
    tg: FakeTelegram, neurocheck: Neurocheck
) -> None:
    nurse = tg.user(NURSE)
    await nurse.send("/check Bed 4")
    question = await tap(nurse, await nurse.next_message(), *NORMAL_ADULT_CHECK[:-1])
    assert [b for row in question.button_texts() for b in row] == ["Skip", "◀ Back", "✖ Cancel"]
    await nurse.send("Calm, slept well")
    again = await nurse.next_message()
    assert "Calm, slept well" in (again.text or "")
    assert nurse.current(question).buttons == ()
    await tap(nurse, again, "Continue", "Submit")


async def test_a_check_released_by_deactivation_gives_the_prompt_its_buttons_back(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock
) -> None:
    """The nurse who started it leaves: her colleagues' copies are due again, hers stay as
    they were (someone who has left is told nothing more)."""
    nurse, charge = tg.user(NURSE), tg.user(CHARGE)
    prompt = await prompted(neurocheck, nurse)
    clock.advance(minutes=15)
    await neurocheck.tick()
    reminder = await nurse.next_message()
    clock.advance(minutes=15)
    await neurocheck.tick()
    charge_alert = await charge.next_message()
    await nurse.press(reminder, "Start check")
    await nurse.next_message()
    started = await reads(charge, charge_alert, "\n\nStarted by Nurse Ada at 09:30.")
    clock.advance(minutes=5)
    StaffAdminService(db, clock).deactivate(NURSE, ward_code=None, reason="left the ward")
    await neurocheck.tick()
    again = await reads(charge, started, "(Start offers to take it over).")
    assert "who no longer has access: released at 09:35" in (again.text or "")
    assert again.button_texts()[0][0] == "Start check"
    await charge.press(again, "Start check")
    offer = await charge.next_message()
    while "take it over" not in (offer.text or ""):  # the ladder's own messages may come first
        offer = await charge.next_message()
    for copy in (prompt, reminder):
        assert (nurse.current(copy).text or "").endswith("Started by Nurse Ada at 09:30.")
