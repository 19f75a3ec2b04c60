"""The patient picker end to end: a command without a patient lists the ward's patients as
buttons (most urgent first), a label is completed by its start, a near miss is offered."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from storage.db import Database
from storage.models import CheckStatus, Role, ScheduledCheck
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")

NURSE, OTHER_WARD_NURSE = 501, 601


def due(db: Database, patient_id: int, at: dt.datetime, status: CheckStatus) -> None:
    with db.session() as session:
        session.add(ScheduledCheck(patient_id=patient_id, due_at=at, status=status))


@pytest.fixture
def ward(db: Database, clock: FakeClock) -> int:
    """Four patients: one overdue, one due soon, one due later, one with nothing open; and a
    patient on another ward that the nurse must never be offered."""
    ward_id = factories.ward(db)
    factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward_id])
    other = factories.ward(db, "H9", "Haematology 9")
    factories.staff(db, OTHER_WARD_NURSE, "Nurse Cy", Role.NURSE, [other])
    now = clock()
    later = factories.patient(db, ward_id, "Bed 12")
    due(db, later, now + dt.timedelta(hours=3), CheckStatus.DUE)
    overdue = factories.patient(db, ward_id, "Bed 4 AB")
    due(db, overdue, now - dt.timedelta(minutes=25), CheckStatus.PROMPTED)
    due(db, overdue, now - dt.timedelta(days=1), CheckStatus.DONE)  # done: not urgent
    soon = factories.patient(db, ward_id, "Bed 10")
    due(db, soon, now + dt.timedelta(minutes=30), CheckStatus.DUE)
    factories.patient(db, ward_id, "Bed 1")  # nothing open
    factories.patient(db, other, "Bed 4 XY")
    return ward_id


def labels(message: SentMessage) -> list[str]:
    return [row[0].split(" · ")[0] for row in message.button_texts()]


async def ask(user: SimUser, text: str) -> SentMessage:
    await user.send(text)
    return await user.next_message()


async def test_check_alone_lists_the_ward_most_urgent_first(tg: FakeTelegram, ward: int) -> None:
    nurse = tg.user(NURSE)
    picker = await ask(nurse, "/check")
    assert "which patient" in (picker.text or "")
    assert labels(picker) == ["Bed 4 AB", "Bed 10", "Bed 12", "Bed 1"]
    # 08:00 UTC is 09:00 in Berlin: the due times are the ward's clock.
    assert picker.button_texts()[:3] == [
        ["Bed 4 AB · overdue 25 min"],
        ["Bed 10 · due 09:30"],
        ["Bed 12 · due 12:00"],
    ]
    assert picker.protect_content
    await nurse.press(picker, "Bed 4 AB · overdue 25 min")
    question = await nurse.next_message()
    assert "Bed 4 AB" in (question.text or "") and "Level of consciousness?" in (
        question.text or ""
    )
    chosen = await nurse.wait_edit(picker)
    assert chosen.text == "/check Bed 4 AB" and chosen.buttons == ()


async def test_a_doubled_pick_runs_the_command_once(tg: FakeTelegram, ward: int) -> None:
    nurse = tg.user(NURSE)
    picker = await ask(nurse, "/history")
    data = picker.callback_data()[0]
    await nurse.press_data(picker, data)
    await nurse.next_message()
    await nurse.wait_edit(picker)
    press = await nurse.press_data(picker, data)
    assert (await nurse.wait_answer(press)).text == "Already chosen."
    await nurse.assert_no_message()


async def test_a_label_is_completed_by_its_unique_start(tg: FakeTelegram, ward: int) -> None:
    question = await ask(tg.user(NURSE), "/check bed 4")
    assert "Bed 4 AB" in (question.text or "")  # not Bed 4 XY: another ward
    assert "Level of consciousness?" in (question.text or "")


async def test_an_exact_label_wins_over_longer_ones(tg: FakeTelegram, ward: int) -> None:
    question = await ask(tg.user(NURSE), "/event BED 1")
    assert question.text == "Report an event for Bed 1 (between checks). What happened?"


async def test_a_start_shared_by_several_offers_them(tg: FakeTelegram, ward: int) -> None:
    nurse = tg.user(NURSE)
    offer = await ask(nurse, "/history Bed 1 ")
    # "Bed 1" itself exists, so it is taken; "Bed" alone is shared by four.
    assert "Bed 1" in (offer.text or "") and offer.buttons == ()
    offer = await ask(nurse, "/plan bed")
    assert offer.text == '/plan: more than one patient starts with "bed". Which one?'
    assert labels(offer) == ["Bed 4 AB", "Bed 10", "Bed 12", "Bed 1"]
    await nurse.press(offer, offer.button_texts()[1][0])
    shown = await nurse.next_message()
    assert "Bed 10" in (shown.text or "")


async def test_a_near_miss_offers_the_candidates(tg: FakeTelegram, ward: int) -> None:
    nurse = tg.user(NURSE)
    offer = await ask(nurse, "/history Bde 4 AB")
    assert offer.text == '/history: no patient "Bde 4 AB" on your wards. Did you mean:'
    assert labels(offer)[0] == "Bed 4 AB"
    await nurse.press(offer, offer.button_texts()[0][0])
    history = await nurse.next_message()
    assert "Bed 4 AB" in (history.text or "")


async def test_nothing_alike_is_answered_as_before(tg: FakeTelegram, ward: int) -> None:
    reply = await ask(tg.user(NURSE), "/check Cot 77 zz")
    assert reply.buttons == ()
    assert "No such patient" in (reply.text or "")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("check", "Level of consciousness?"),
        ("event", "Report an event for Bed 4 AB (between checks). What happened?"),
        ("history", "Bed 4 AB"),
        ("timeline", "Bed 4 AB"),
        ("plan", "Bed 4 AB"),
        ("discharge", "Bed 4 AB"),
    ],
)
async def test_every_patient_command_offers_the_picker(
    tg: FakeTelegram, ward: int, command: str, expected: str
) -> None:
    nurse = tg.user(NURSE)
    picker = await ask(nurse, f"/{command}")
    assert picker.text == f"/{command}: which patient? Most urgent first."
    assert "Bed 4 XY" not in labels(picker)
    await nurse.press(picker, picker.button_texts()[0][0])
    answer = await nurse.next_message()
    assert expected in (answer.text or "")
    assert (await nurse.wait_edit(picker)).text == f"/{command} Bed 4 AB"


async def test_the_other_ward_sees_only_its_own(tg: FakeTelegram, ward: int) -> None:
    picker = await ask(tg.user(OTHER_WARD_NURSE), "/check")
    assert labels(picker) == ["Bed 4 XY"]
