"""Bad button data end to end: ids no row can have, forged and replayed event confirmations.

Presses are sent as a modified client could send them (``press_data``: any data, on any
message); each must be answered (the spinner stops) and change no row.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.sandbox.fake_telegram import FakeTelegram
from bot.telegram import texts
from storage.db import Database
from storage.models import ClinicalEvent, GradeResult, Patient, Role
from tests.e2e.test_check import tap
from tests.support import factories
from tests.support.snapshot import snapshot

pytestmark = pytest.mark.usefixtures("neurocheck")

KINDS = ("ev", "sc", "a", "to", "ck", "al", "dc", "pl", "tl")
"""Every callback kind the bot registers a handler for."""
BIG = (2**31, 2**31 + 7, 2**63, 999_999_999_999)


@pytest.fixture
def ward(db: Database) -> int:
    ward_id = factories.ward(db)
    factories.staff(db, 501, "Nurse Ada", Role.NURSE, [ward_id])
    factories.staff(db, 502, "Dr Bex", Role.PHYSICIAN, [ward_id])
    factories.patient(db, ward_id, "Bed 4")
    return ward_id


def events(db: Database) -> list[ClinicalEvent]:
    with db.session() as session:
        return list(session.exec(select(ClinicalEvent)).all())


async def test_ids_no_row_can_have_are_answered_and_change_nothing(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(501)
    await nurse.send("/help")
    message = await nurse.next_message()
    before = snapshot(db)
    for kind in KINDS:
        for target in BIG:
            for data in (f"{kind}:{target}:0:yes", f"{kind}:1:{target}:yes"):
                answer = await nurse.wait_answer(await nurse.press_data(message, data))
                assert answer.text == texts.BUTTON_NOT_VALID, data
    assert snapshot(db) == before
    await nurse.assert_no_message()


async def test_a_confirmation_forged_on_another_message_records_nothing(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(501)
    await nurse.send("/event Bed 4")
    menu = await nurse.next_message()
    confirm = await tap(nurse, menu, "Seizure over 5 minutes")
    report = confirm.callback_data()[0]
    await nurse.send("/help")
    other = await nurse.next_message()
    await nurse.send("/event Bed 4")
    second_menu = await nurse.next_message()
    before = snapshot(db)
    for message in (other, second_menu):
        answer = await nurse.wait_answer(await nurse.press_data(message, report))
        assert (answer.text, answer.show_alert) == (texts.BUTTON_NOT_VALID, True)
    # On the very message, but a finding (or patient) it did not offer.
    with db.session() as session:
        patient_id = session.exec(select(Patient.id)).one()
    assert patient_id is not None
    for forged in (
        f"ev:{patient_id}:1:icp.diffuse_edema",
        report.replace(f"ev:{patient_id}:", f"ev:{patient_id + 1}:"),
    ):
        answer = await nurse.wait_answer(await nurse.press_data(confirm, forged))
        assert answer.text == texts.BUTTON_NOT_VALID, forged
    assert snapshot(db) == before


async def test_a_replayed_confirmation_is_used_once(
    tg: FakeTelegram, ward: int, db: Database
) -> None:
    nurse = tg.user(501)
    await nurse.send("/event Bed 4")
    confirm = await tap(nurse, await nurse.next_message(), "Seizure over 5 minutes")
    report = confirm.callback_data()[0]
    done = await tap(nurse, confirm, "Report now")
    assert "Reported for Bed 4" in (done.text or "")
    for _ in range(3):
        answer = await nurse.wait_answer(await nurse.press_data(done, report))
        assert answer.text == "Already reported."
    # (The alert the report opened climbs on in the background, so only the clinical rows
    # are compared.)
    with db.session() as session:
        assert len(session.exec(select(GradeResult)).all()) == 1
    assert len(events(db)) == 1
