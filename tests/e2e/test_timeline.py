"""/timeline end to end: real checks and events, then the trail, its pages and its refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from bot.telegram import texts
from bot.telegram.picker import choose_text
from bot.telegram.timeline import ALREADY_SHOWN, NO_PATIENT
from storage.db import Database
from storage.models import Patient, Role, Staff
from storage.repositories import audit
from tests.e2e.test_check import NORMAL_ADULT_CHECK, start, tap
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")

NURSE, PHYSICIAN, OTHER_WARD, STRANGER = 501, 502, 601, 999


@pytest.fixture
def ward(db: Database) -> int:
    ward_id = factories.ward(db)
    factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward_id])
    factories.staff(db, PHYSICIAN, "Dr Bo", Role.PHYSICIAN, [ward_id])
    factories.patient(db, ward_id, "Bed 4")
    other = factories.ward(db, "H9", "Haematology 9")
    factories.staff(db, OTHER_WARD, "Nurse Cy", Role.NURSE, [other])
    return ward_id


def patient_id(db: Database) -> int:
    with db.session() as session:
        found = session.exec(select(Patient.id).where(Patient.label == "Bed 4")).one()
    assert found is not None
    return found


def staff_id(db: Database, name: str) -> int:
    with db.session() as session:
        found = session.exec(select(Staff.id).where(Staff.display_name == name)).one()
    assert found is not None
    return found


def record(db: Database, clock: FakeClock, action: str, actor: int | None, **detail: Any) -> None:
    """An audit row for Bed 4 one minute after the previous one, as another feature would."""
    clock.advance(minutes=1)
    with db.session() as session:
        audit.record(
            session,
            at=clock.now,
            action=action,
            actor_staff_id=actor,
            patient_id=patient_id(db),
            **detail,
        )


async def next_where(user: SimUser, wanted: Callable[[str], bool]) -> SentMessage:
    """The next message whose text is ``wanted``, skipping others (pages, alerts)."""
    while True:
        message = await user.next_message()
        if wanted(message.text or ""):
            return message


async def timeline(user: SimUser, label: str) -> list[SentMessage]:
    """Send /timeline and collect the page's messages (continued ones end with the note)."""
    await user.send(f"/timeline {label}")
    return await page(user, lambda text: text.startswith("Timeline of"))


async def page(user: SimUser, first: Callable[[str], bool]) -> list[SentMessage]:
    messages = [await next_where(user, first)]
    while (messages[-1].text or "").endswith(texts.LIST_SPLIT_NOTE):
        messages.append(await user.next_message())
    return messages


def numbers(messages: list[SentMessage]) -> list[int]:
    """The ``n`` of each generic test row shown, in order."""
    text = "\n".join(m.text or "" for m in messages)
    return [int(n) for n in re.findall(r"\bn=(\d+)$", text, re.MULTILINE)]


async def test_a_check_and_an_event_show_in_the_timeline(
    tg: FakeTelegram, ward: int, clock: FakeClock
) -> None:
    nurse = tg.user(NURSE)
    await tap(nurse, await start(nurse, "Bed 4"), *NORMAL_ADULT_CHECK, "Submit")
    clock.advance(minutes=63)  # 10:03 in Berlin
    await nurse.send("/event Bed 4")
    await tap(nurse, await nurse.next_message(), "Seizure, resolved rapidly", "Report now")
    physician = tg.user(PHYSICIAN)
    (shown,) = await timeline(physician, "bed 4")
    text = shown.text or ""
    assert shown.protect_content
    assert shown.buttons == ()
    lines = text.splitlines()
    assert lines[0] == "Timeline of Bed 4 (ward H7), newest first:"
    # Alerts about the event may come after it (the escalation engine's rows).
    [event] = [line for line in lines if "Event reported" in line]
    assert event.startswith("24 Nov 10:03 · Event reported by Nurse Ada: seizure, resolved ")
    assert "ICANS at least 3 (incomplete), urgency critical (" in event
    assert "seizure, rose two or more" in event
    assert "24 Nov 09:00 · Check submitted by Nurse Ada: ICANS 0 (ICE 10)" in lines
    assert lines[-1] == "24 Nov 09:00 · Check started by Nurse Ada"
    assert text.index("Event reported") < text.index("Check submitted")


async def test_every_kind_of_row_is_worded_and_unknown_ones_shown_plainly(
    tg: FakeTelegram, ward: int, db: Database, clock: FakeClock
) -> None:
    bo, ada = staff_id(db, "Dr Bo"), staff_id(db, "Nurse Ada")
    alert = {"escalation_id": 12}
    rows: list[tuple[str, int | None, dict[str, Any], str]] = [
        (
            "check.ladder.prompt",
            None,
            {"recipients": [ada], "late": True},
            "Check prompt (late) sent to Nurse Ada",
        ),
        (
            "check.ladder.physician",
            None,
            {"late": False, "urgency": "high"},
            "Check not started, escalated to the physician, urgency high",
        ),
        (
            "escalation.opened",
            None,
            {**alert, "urgency": "high", "reasons": ["missed_check"], "source": "missed_check"},
            "Alert #12 opened: urgency high, for a missed check",
        ),
        (
            "escalation.opened",
            None,
            {**alert, "urgency": "high", "reasons": ["grade_rose"], "source": "check"},
            "Alert #12 opened: urgency high (grade rose), after a check",
        ),
        (
            "escalation.paged",
            None,
            {**alert, "step_index": 0, "recipients": [bo, ada], "roles": ["primary", "backup"]},
            "Alert #12 sent to Dr Bo, Nurse Ada (step 1, primary, backup)",
        ),
        (
            "escalation.nobody",
            None,
            {**alert, "step_index": 1, "roles": ["attending"]},
            "Alert #12 step 2: nobody on call as attending",
        ),
        (
            "escalation.delivered",
            None,
            {**alert, "staff_id": bo, "step_index": 0, "error": None},
            "Alert #12 delivered to Dr Bo",
        ),
        (
            "escalation.delivery_failed",
            None,
            {**alert, "staff_id": ada, "step_index": 0, "error": "Forbidden: bot was blocked"},
            "Alert #12 NOT delivered to Nurse Ada: Forbidden: bot was blocked",
        ),
        (
            "escalation.acknowledged",
            bo,
            {**alert, "kind": "coming", "by": bo},
            "Alert #12: Dr Bo is coming",
        ),
        (
            "escalation.acknowledged",
            bo,
            {**alert, "kind": "ack", "by": bo},
            "Alert #12 acknowledged by Dr Bo",
        ),
        (
            "escalation.decision",
            bo,
            {**alert, "decision": "hold"},
            "Decision on alert #12 by Dr Bo: hold the infusion",
        ),
        (
            "grade.attributed",
            bo,
            {
                "grade_result_id": 1,
                "new_grade_result_id": 2,
                "domains": ["motor"],
                "icans_grade_before": 3,
                "icans_grade_after": 1,
            },
            "Grade re-attributed by Dr Bo: ICANS 3 → 1 (motor attributed to another cause)",
        ),
        (
            "plan.event",
            bo,
            {"kind": "hold", "reason": "neurotoxicity", "event_at": "2026-11-24T08:00:00+00:00"},
            "Infusion hold (neurotoxicity) by Dr Bo, at 24 Nov 09:00",
        ),
        ("escalation.follow_up_reminder", None, alert, "Alert #12: follow-up reminder sent"),
        (
            "escalation.exhausted",
            None,
            {**alert, "told": [ada]},
            "Alert #12: nobody acknowledged; admins and charge nurses told: Nurse Ada",
        ),
        (
            "escalation.closed",
            None,
            {**alert, "reason": "check_recorded"},
            "Alert #12 closed: a check was recorded",
        ),
        (
            "ward.something_new",
            ada,
            {"count": 3, "colour": "green", "nothing": None},
            "ward.something_new by Nurse Ada: colour=green, count=3",
        ),
    ]
    for action, actor, detail, _ in rows:
        record(db, clock, action, actor, **detail)
    (shown,) = await timeline(tg.user(NURSE), "Bed 4")
    lines = [line.split(" · ", 1)[1] for line in (shown.text or "").splitlines()[1:]]
    assert lines == [expected for *_, expected in reversed(rows)]


async def test_older_pages_come_by_button_and_long_pages_are_split(
    tg: FakeTelegram, ward: int, db: Database, clock: FakeClock
) -> None:
    ada = staff_id(db, "Nurse Ada")
    for n in range(30):
        # Long generic rows: a page of 25 needs more than one message of 4096 characters.
        record(db, clock, "test.long", ada, n=n, **{f"k{i}": "x" * 55 for i in range(5)})
    nurse = tg.user(NURSE)
    first = await timeline(nurse, "Bed 4")
    assert len(first) > 1
    assert all(len(m.text or "") <= 4096 and m.protect_content for m in first)
    assert [m.button_texts() for m in first] == [[]] * (len(first) - 1) + [[["Older"]]]
    assert numbers(first) == list(range(29, 4, -1))
    [data] = first[-1].callback_data()
    assert data.startswith("tl:") and len(data.encode()) <= 64
    await nurse.press(first[-1], "Older")
    older = await page(nurse, lambda text: "older entries" in text)
    assert numbers(older) == [4, 3, 2, 1, 0]
    assert older[-1].buttons == ()
    assert nurse.current(first[-1]).buttons == ()  # the used button is gone
    again = await nurse.press_data(first[-1], data)
    assert (await nurse.wait_answer(again)).text == ALREADY_SHOWN
    await nurse.assert_no_message()


async def test_refusals_and_answers_without_a_trail(
    tg: FakeTelegram, ward: int, db: Database, clock: FakeClock
) -> None:
    nurse = tg.user(NURSE)
    await nurse.send("/timeline")
    assert (await nurse.next_message()).text == choose_text("timeline")  # the picker
    await nurse.send("/timeline Bed 7")
    assert (await nurse.next_message()).text == NO_PATIENT
    await nurse.send("/timeline Bed 4")
    assert (await nurse.next_message()).text == "Bed 4 (ward H7): nothing recorded yet."
    outsider = tg.user(OTHER_WARD)
    await outsider.send("/timeline Bed 4")
    assert (await outsider.next_message()).text == NO_PATIENT
    stranger = tg.user(STRANGER)
    await stranger.send("/timeline Bed 4")
    assert (await stranger.next_message()).text == texts.NOT_ENROLLED
    forged = await stranger.press_data(1, f"tl:{patient_id(db)}:0:1")
    assert (await stranger.wait_answer(forged)).text == texts.NOT_ENROLLED
    nosy = await outsider.press_data(1, f"tl:{patient_id(db)}:0:1")
    assert (await outsider.wait_answer(nosy)).text == NO_PATIENT


async def test_a_discharged_patient_keeps_a_trail(
    tg: FakeTelegram, ward: int, clock: FakeClock
) -> None:
    nurse = tg.user(NURSE)
    await nurse.send("/discharge Bed 4")
    confirm = await nurse.next_message()
    await tap(nurse, confirm, "Discharge Bed 4")
    (shown,) = await timeline(nurse, "Bed 4")
    lines = (shown.text or "").splitlines()
    assert lines[0] == "Timeline of Bed 4 (ward H7, discharged 24 Nov 2026 09:00), newest first:"
    assert "24 Nov 09:00 · Discharged by Nurse Ada" in lines
