"""Patients end to end: /admit, /patients, /discharge and its buttons, between two wards."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.services.patients import PatientService
from bot.telegram import patient_texts, texts
from bot.telegram.callbacks import Callback
from bot.telegram.picker import choose_text
from bot.telegram.words.patients import NOT_ON_WARD as NO_SUCH_PATIENT
from storage.db import Database
from storage.models import AuditLog, Patient, PatientStatus, Role
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "wards")

NURSE_H7, NURSE_H8 = 501, 601
REMINDER = "use a bed, initials or study code — never a name or record number"


@pytest.fixture
async def nurse(tg: FakeTelegram, db: Database, clock: FakeClock) -> SimUser:
    return await enrol_by_chat(tg, db, clock, NURSE_H7, Role.NURSE, "H7")


@pytest.fixture
async def other_nurse(tg: FakeTelegram, db: Database, clock: FakeClock) -> SimUser:
    return await enrol_by_chat(tg, db, clock, NURSE_H8, Role.NURSE, "H8")


@pytest.fixture
def patients(db: Database, clock: FakeClock) -> PatientService:
    return PatientService(db, clock)


def stored(db: Database) -> list[Patient]:
    with db.session() as session:
        return list(session.exec(select(Patient).order_by(col(Patient.id))).all())


async def ask(user: SimUser, text: str) -> str:
    await user.send(text)
    return (await user.next_message()).text or ""


async def test_admit_shows_the_patient_and_a_baseline_button(nurse: SimUser, db: Database) -> None:
    await nurse.send("/admit Bed 4 AB, 1958-03-02, 45+, TP53 mutation")
    reply = await nurse.next_message()
    text = reply.text or ""
    assert "Admitted Bed 4 AB to ward H7" in text
    assert "Age 68" in text and "45 kg or more" in text
    assert "TP53 mutation" in text and "HIGH RISK (age 65 or more, TP53 mutation)" in text
    assert reply.protect_content
    (patient,) = stored(db)
    assert patient.id is not None
    assert reply.button_texts() == [[patient_texts.START_BASELINE]]
    assert reply.callback_data() == [
        Callback(kind="ck", target=patient.id, version=0, action="baseline").encode()
    ]
    assert (patient.label, patient.date_of_birth, patient.risk_flags) == (
        "Bed 4 AB",
        dt.date(1958, 3, 2),
        ["TP53 mutation"],
    )


async def test_admit_young_patient_without_flags_is_not_high_risk(nurse: SimUser) -> None:
    text = await ask(nurse, "/admit Cot 2 CD, 02.03.2010, <45")
    assert "Age 16" in text and "under 45 kg" in text
    assert "not high risk" in text and "Risk flags: none" in text


@pytest.mark.parametrize(
    "command",
    [
        "/admit",
        "/admit Bed 4",
        "/admit Bed 4, 1958-03-02",
        "/admit Bed 4, yesterday, 45+",
        "/admit , 1958-03-02, 45+",
        "/admit Bed 4,, 45+",
    ],
)
async def test_malformed_admit_gets_the_usage(nurse: SimUser, db: Database, command: str) -> None:
    assert await ask(nurse, command) == patient_texts.admit_usage()
    assert stored(db) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/admit Bed 4, 1958-02-30, 45+", "is not a date of birth"),
        ("/admit Bed 4, 1958-03-02, 50kg", "is not a weight band"),
        ("/admit Bed 4, 2030-01-01, 45+", "in the future"),
        ("/admit H8, Bed 4, 1958-03-02, 45+", "You are not on ward H8"),
    ],
)
async def test_invalid_fields_are_explained(
    nurse: SimUser, db: Database, command: str, expected: str
) -> None:
    assert expected in await ask(nurse, command)
    assert stored(db) == []


async def test_record_number_labels_are_refused(nurse: SimUser, db: Database) -> None:
    text = await ask(nurse, "/admit 00471123, 1958-03-02, 45+")
    assert "looks like a record number" in text and REMINDER in text
    assert stored(db) == []


async def test_duplicate_label_on_the_ward_is_refused(nurse: SimUser, db: Database) -> None:
    await ask(nurse, "/admit Bed 4, 1958-03-02, 45+")
    assert "already has an active patient" in await ask(nurse, "/admit BED 4, 1970-01-01, <45")
    assert len(stored(db)) == 1


async def test_each_ward_sees_only_its_own_patients(
    nurse: SimUser, other_nurse: SimUser, patients: PatientService, db: Database
) -> None:
    mine = patients.admit(
        ward_code="H7", label="Bed 4 AB", date_of_birth="1958-03-02", weight_band="45+"
    )
    patients.admit(ward_code="H8", label="Bed 9 XY", date_of_birth="1990-05-05", weight_band="45+")
    at = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
    factories.grade(db, mine.id, at, ice_score=7, icans_grade=1)

    await nurse.send("/patients")
    listing = await nurse.next_message()
    assert listing.protect_content
    text = listing.text or ""
    assert "Ward H7" in text and "Bed 4 AB" in text and "Bed 9 XY" not in text
    assert "ICE 7/10, ICANS grade 1" in text and "24 Nov 2026 08:00" in text  # Berlin time

    text = await ask(other_nurse, "/patients")
    assert "Bed 9 XY" in text and "no check yet" in text and "Bed 4 AB" not in text

    assert await ask(other_nurse, "/discharge Bed 4 AB") == NO_SUCH_PATIENT
    assert await ask(other_nurse, "/discharge H7, Bed 4 AB") == NO_SUCH_PATIENT
    assert await ask(other_nurse, "/discharge Bed 77") == NO_SUCH_PATIENT


async def test_discharge_confirmed_once_and_a_doubled_press_changes_nothing(
    nurse: SimUser, patients: PatientService, clock: FakeClock, db: Database
) -> None:
    patient = patients.admit(
        ward_code="H7", label="Bed 4 AB", date_of_birth="1958-03-02", weight_band="45+"
    )
    await nurse.send("/discharge bed 4 ab")
    confirm = await nurse.next_message()
    assert confirm.text == patient_texts.discharge_confirm("Bed 4 AB", "H7")
    assert confirm.button_texts() == [["Discharge Bed 4 AB", "Cancel"]]
    assert stored(db)[0].status == PatientStatus.ACTIVE  # asking changes nothing

    clock.advance(minutes=5)
    press = await nurse.press(confirm, "Discharge Bed 4 AB")
    done = await nurse.wait_edit(confirm)
    assert done.text == "Bed 4 AB was discharged from ward H7 at 24 Nov 2026 09:05."
    assert done.buttons == ()
    await nurse.wait_answer(press)
    (row,) = stored(db)
    assert row.status == PatientStatus.DISCHARGED
    assert row.discharged_at == dt.datetime(2026, 11, 24, 8, 5, tzinfo=dt.UTC)

    clock.advance(minutes=1)
    confirm_data = Callback(kind="dc", target=patient.id, version=0, action="yes").encode()
    again = await nurse.press_data(confirm, confirm_data)
    answer = await nurse.wait_answer(again)
    assert answer.text == patient_texts.already_discharged("Bed 4 AB")
    assert len(nurse.current(confirm).revisions) == len(done.revisions)  # not edited again
    (row,) = stored(db)
    assert row.discharged_at == dt.datetime(2026, 11, 24, 8, 5, tzinfo=dt.UTC)
    with db.session() as session:
        audits = session.exec(select(AuditLog).where(AuditLog.action == "patient.discharged")).all()
    assert [(a.patient_id, a.actor_staff_id is not None) for a in audits] == [(patient.id, True)]
    assert await ask(nurse, "/discharge Bed 4 AB") == NO_SUCH_PATIENT
    await nurse.assert_no_message()


async def test_discharge_cancel_keeps_the_patient(
    nurse: SimUser, patients: PatientService, db: Database
) -> None:
    patients.admit(ward_code="H7", label="Bed 4", date_of_birth="1958-03-02", weight_band="45+")
    await nurse.send("/discharge Bed 4")
    confirm = await nurse.next_message()
    await nurse.press(confirm, "Cancel")
    assert (await nurse.wait_edit(confirm)).text == patient_texts.discharge_cancelled("Bed 4")
    assert stored(db)[0].status == PatientStatus.ACTIVE
    assert await ask(nurse, "/discharge") == choose_text("discharge")  # the picker


async def test_forged_discharge_button_from_another_ward(
    nurse: SimUser, other_nurse: SimUser, patients: PatientService, db: Database
) -> None:
    patient = patients.admit(
        ward_code="H7", label="Bed 4", date_of_birth="1958-03-02", weight_band="45+"
    )
    anchor = other_nurse.messages[-1]
    for data in (f"dc:{patient.id}:0:yes", f"dc:{patient.id}:0:no", "dc:x:0:yes", "dc:1:0:drop"):
        press = await other_nurse.press_data(anchor, data)
        answer = await other_nurse.wait_answer(press)
        assert answer.text in (NO_SUCH_PATIENT, texts.BUTTON_NOT_VALID), data
    assert stored(db)[0].status == PatientStatus.ACTIVE


async def test_a_long_list_is_split_under_telegrams_limit(
    nurse: SimUser, patients: PatientService
) -> None:
    flags = [f"clinician flag number {i} " + "x" * 30 for i in range(10)]
    labels = [f"Bed {n}" for n in range(1, 16)]
    for label in labels:
        patients.admit(
            ward_code="H7",
            label=label,
            date_of_birth="1958-03-02",
            weight_band="45+",
            risk_flags=flags,
        )
    await nurse.send("/patients")
    parts = [await nurse.next_message() for _ in range(2)]
    parts += await nurse.wait_unread(timeout=1)
    assert all(len(p.text or "") <= 4096 for p in parts)
    assert texts.LIST_SPLIT_NOTE in (parts[0].text or "")
    shown = "\n".join(p.text or "" for p in parts)
    positions = [shown.index(f"• {label}:") for label in labels]
    assert positions == sorted(positions)  # Bed 2 before Bed 10
