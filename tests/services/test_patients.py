"""Admitting, listing and discharging patients against the real database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.clinical.risk import HIGH_RISK_AGE
from bot.services.enrolment import EnrolmentService
from bot.services.errors import RefusedError
from bot.services.patient_refusals import PatientRefusal as Problem
from bot.services.patient_refusals import WardRefusal
from bot.services.patients import (
    PatientService,
    clean_flags,
    parse_date_of_birth,
    parse_weight_band,
)
from bot.services.wards import WardService
from bot.telegram.words import refusal
from bot.telegram.words.patients import NOT_ON_WARD
from storage.db import Database
from storage.models import AuditLog, Patient, PatientStatus, Role, WeightBand
from tests.services.conftest import START, enrol
from tests.support import factories
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def patients(db: Database, clock: FakeClock) -> PatientService:
    return PatientService(db, clock, zone=BERLIN)


@pytest.fixture(autouse=True)
def two_wards(wards: WardService) -> None:
    wards.add("H7", "Haematology 7")
    wards.add("H8", "Haematology 8")


def admit(patients: PatientService, label: str = "Bed 4 AB", **fields: object) -> int:
    arguments: dict[str, object] = {
        "ward_code": "H7",
        "label": label,
        "date_of_birth": "1958-03-02",
        "weight_band": "45+",
    } | fields
    return patients.admit(**arguments).id  # type: ignore[arg-type]


def stored_patients(db: Database) -> list[Patient]:
    with db.session() as session:
        return list(session.exec(select(Patient).order_by(col(Patient.id))).all())


def audit_actions(db: Database) -> list[str]:
    with db.session() as session:
        return [r.action for r in session.exec(select(AuditLog).order_by(col(AuditLog.id)))]


# -- admission ---------------------------------------------------------------------------


def test_admit_stores_the_patient_and_audits(patients: PatientService, db: Database) -> None:
    view = patients.admit(
        ward_code="h7",
        label="  Bed 4   AB ",
        date_of_birth="02.03.1958",
        weight_band="<45",
        risk_flags=["TP53 mutation", " ", "tp53 MUTATION", "Use CAPD"],
    )
    assert (view.label, view.ward_code, view.age_years) == ("Bed 4 AB", "H7", 68)
    assert view.weight_band == WeightBand.UNDER_45KG
    assert view.risk_flags == ("TP53 mutation", "Use CAPD")
    assert view.use_capd and view.high_risk and view.last_grade is None
    (stored,) = stored_patients(db)
    assert stored.date_of_birth == dt.date(1958, 3, 2) and stored.status == PatientStatus.ACTIVE
    assert stored.risk_flags == ["TP53 mutation", "Use CAPD"] and stored.use_capd
    assert stored.admitted_at == START
    with db.session() as session:
        row = session.exec(select(AuditLog).where(AuditLog.action == "patient.admitted")).one()
    assert (row.patient_id, row.entity_id, row.detail["via"]) == (view.id, view.id, "cli")


@pytest.mark.parametrize(
    ("dob", "flags", "high_risk"),
    [
        ("1961-11-24", [], True),  # 65 today
        ("1961-11-25", [], False),  # 65 tomorrow
        ("1990-01-01", ["prior CNS disease"], True),
        ("1990-01-01", [], False),
    ],
)
def test_high_risk_is_age_65_or_any_flag(
    patients: PatientService, dob: str, flags: list[str], high_risk: bool
) -> None:
    view = patients.admit(
        ward_code="H7", label="Bed 1", date_of_birth=dob, weight_band="45+", risk_flags=flags
    )
    assert view.high_risk is high_risk
    assert HIGH_RISK_AGE == 65


def test_age_turns_over_at_midnight_in_the_hospital_zone(db: Database, clock: FakeClock) -> None:
    # 23:30 UTC on 1 March is already 2 March in Berlin: the 65th birthday.
    clock.now = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    berlin = PatientService(db, clock, zone=BERLIN).admit(
        ward_code="H7", label="Bed 1", date_of_birth="1961-03-02", weight_band="45+"
    )
    utc = PatientService(db, clock).admit(
        ward_code="H7", label="Bed 2", date_of_birth="1961-03-02", weight_band="45+"
    )
    assert (berlin.age_years, utc.age_years) == (65, 64)


@pytest.mark.parametrize("flags", [["use capd"], ["DEVELOPMENTAL DELAY"], ["Developmental  delay"]])
def test_capd_flags_set_use_capd(patients: PatientService, flags: list[str]) -> None:
    assert patients.admit(
        ward_code="H7",
        label="Bed 1",
        date_of_birth="2000-01-01",
        weight_band="45+",
        risk_flags=flags,
    ).use_capd


def test_other_flags_do_not_set_use_capd(patients: PatientService) -> None:
    view = patients.admit(
        ward_code="H7",
        label="Bed 1",
        date_of_birth="2000-01-01",
        weight_band="45+",
        risk_flags=["CAPD preferred later", "TP53"],
    )
    assert not view.use_capd


@pytest.mark.parametrize(
    ("label", "problem"),
    [
        ("", Problem.LABEL_LENGTH),
        ("   ", Problem.LABEL_LENGTH),
        ("x" * 33, Problem.LABEL_LENGTH),
        ("Bed\t4\x00", Problem.LABEL_NOT_TEXT),
        ("123456", Problem.LABEL_RECORD_NUMBER),
        ("MRN 00123456", Problem.LABEL_RECORD_NUMBER),
        ("A1234567B", Problem.LABEL_RECORD_NUMBER),
    ],
)
def test_bad_labels_are_refused_and_nothing_is_stored(
    patients: PatientService, db: Database, label: str, problem: Problem
) -> None:
    with pytest.raises(RefusedError) as raised:
        admit(patients, label)
    assert raised.value.code == problem
    if problem == Problem.LABEL_RECORD_NUMBER:
        assert "use a bed, initials or study code — never a name or record number" in refusal(
            raised.value
        )
    assert stored_patients(db) == []
    assert "patient.admitted" not in audit_actions(db)


@pytest.mark.parametrize("label", ["x" * 32, "Bed 12345", "STUDY-0042 AB", "Bett 4 ÄÖ"])
def test_good_labels_are_accepted(patients: PatientService, db: Database, label: str) -> None:
    patient_id = admit(patients, label)
    [stored] = stored_patients(db)
    assert (stored.id, stored.label) == (patient_id, label)
    assert "patient.admitted" in audit_actions(db)


def test_label_is_unique_among_active_patients_of_a_ward(
    patients: PatientService, enrolment: EnrolmentService
) -> None:
    first = admit(patients, "Bed 4")
    with pytest.raises(RefusedError) as raised:
        admit(patients, "BED  4")
    assert raised.value.code == Problem.LABEL_IN_USE
    admit(patients, "Bed 4", ward_code="H8")  # another ward may use it
    nurse = enrol(enrolment, 1, Role.NURSE, "H7")
    patients.discharge(nurse, first)
    admit(patients, "Bed 4")  # free again after discharge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1958-03-02", dt.date(1958, 3, 2)),
        ("1958-3-2", dt.date(1958, 3, 2)),
        ("02.03.1958", dt.date(1958, 3, 2)),
        ("2.3.1958", dt.date(1958, 3, 2)),
        (" 1958-03-02 ", dt.date(1958, 3, 2)),
    ],
)
def test_date_formats(text: str, expected: dt.date) -> None:
    assert parse_date_of_birth(text) == expected


@pytest.mark.parametrize("text", ["1958-02-30", "02/03/1958", "58-03-02", "yesterday", "", "3.2"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(RefusedError) as raised:
        parse_date_of_birth(text)
    assert raised.value.code == Problem.DATE_FORMAT


@pytest.mark.parametrize(
    ("dob", "problem"),
    [
        ("2026-11-25", Problem.DATE_FUTURE),
        ("1895-11-23", Problem.DATE_TOO_OLD),  # 131
    ],
)
def test_implausible_dates_of_birth(patients: PatientService, dob: str, problem: Problem) -> None:
    with pytest.raises(RefusedError) as raised:
        admit(patients, date_of_birth=dob)
    assert raised.value.code == problem


def test_born_today_and_aged_130_are_accepted(patients: PatientService) -> None:
    assert (
        patients.admit(
            ward_code="H7", label="Cot 1", date_of_birth="2026-11-24", weight_band="<45"
        ).age_years
        == 0
    )
    assert (
        patients.admit(
            ward_code="H7", label="Bed 1", date_of_birth="1896-11-24", weight_band="<45"
        ).age_years
        == 130
    )


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("45+", WeightBand.AT_LEAST_45KG),
        (">= 45 kg", WeightBand.AT_LEAST_45KG),
        ("≥45", WeightBand.AT_LEAST_45KG),
        ("<45", WeightBand.UNDER_45KG),
        ("< 45kg", WeightBand.UNDER_45KG),
    ],
)
def test_weight_bands(text: str, band: WeightBand) -> None:
    assert parse_weight_band(text) == band


@pytest.mark.parametrize("text", ["45", "heavy", "", "<50", "45-"])
def test_bad_weight_bands(text: str) -> None:
    with pytest.raises(RefusedError) as raised:
        parse_weight_band(text)
    assert raised.value.code == Problem.WEIGHT_BAND


@pytest.mark.parametrize(
    ("flags", "problem"),
    [
        (["x" * 61], Problem.FLAG_LENGTH),
        (["record 1234567"], Problem.FLAG_RECORD_NUMBER),
        ([f"flag {i}" for i in range(11)], Problem.TOO_MANY_FLAGS),
    ],
)
def test_bad_flags(flags: list[str], problem: Problem) -> None:
    with pytest.raises(RefusedError) as raised:
        clean_flags(flags)
    assert raised.value.code == problem


def test_unknown_ward_for_the_operator(patients: PatientService) -> None:
    with pytest.raises(RefusedError) as raised:
        admit(patients, ward_code="H99")
    assert raised.value.code == WardRefusal.UNKNOWN


# -- admission by staff --------------------------------------------------------------------


def test_staff_admit_to_their_only_ward(
    patients: PatientService, enrolment: EnrolmentService, db: Database
) -> None:
    nurse = enrol(enrolment, 1, Role.NURSE, "H7")
    view = patients.admit(
        ward_code=None,
        label="Bed 4",
        date_of_birth="1958-03-02",
        weight_band="45+",
        actor_staff_id=nurse,
    )
    assert view.ward_code == "H7"
    with db.session() as session:
        row = session.exec(select(AuditLog).where(AuditLog.action == "patient.admitted")).one()
    assert row.actor_staff_id == nurse and row.detail["via"] == "chat"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_admit(
    patients: PatientService, enrolment: EnrolmentService, db: Database, role: Role
) -> None:
    actor = enrol(enrolment, 1, role, "H7")
    patient_id = admit(patients, ward_code=None, actor_staff_id=actor)
    [stored] = stored_patients(db)
    assert stored.id == patient_id and stored.status == PatientStatus.ACTIVE
    with db.session() as session:
        row = session.exec(select(AuditLog).where(AuditLog.action == "patient.admitted")).one()
    assert row.actor_staff_id == actor and row.entity_id == patient_id


def test_staff_on_several_wards_must_name_one(
    patients: PatientService, enrolment: EnrolmentService
) -> None:
    enrol(enrolment, 1, Role.NURSE, "H7")
    nurse = enrol(enrolment, 1, Role.NURSE, "H8")
    with pytest.raises(RefusedError) as raised:
        admit(patients, ward_code=None, actor_staff_id=nurse)
    assert raised.value.code == Problem.WARD_CHOICE
    assert "H7, H8" in refusal(raised.value)
    assert (
        patients.admit(
            ward_code="H8",
            label="Bed 4",
            date_of_birth="1958-03-02",
            weight_band="45+",
            actor_staff_id=nurse,
        ).ward_code
        == "H8"
    )


@pytest.mark.parametrize("ward", ["H8", "H99"])
def test_staff_cannot_admit_to_a_ward_not_theirs(
    patients: PatientService, enrolment: EnrolmentService, db: Database, ward: str
) -> None:
    nurse = enrol(enrolment, 1, Role.NURSE, "H7")
    with pytest.raises(RefusedError) as raised:
        admit(patients, ward_code=ward, actor_staff_id=nurse)
    assert raised.value.code == Problem.NOT_YOUR_WARD
    assert stored_patients(db) == []


# -- listing ----------------------------------------------------------------------------------


def grade(db: Database, patient_id: int, at: dt.datetime, **fields: object) -> None:
    factories.grade(db, patient_id, at, **fields)


def test_list_shows_own_wards_only_with_the_latest_current_grade(
    patients: PatientService, enrolment: EnrolmentService, db: Database
) -> None:
    nurse = enrol(enrolment, 1, Role.NURSE, "H7")
    graded = admit(patients, "Bed 2")
    ungraded = admit(patients, "bed 10")
    elsewhere = admit(patients, "Bed 3", ward_code="H8")
    gone = admit(patients, "Bed 9")
    patients.discharge(nurse, gone)
    grade(db, graded, START - dt.timedelta(hours=8), ice_score=10, icans_grade=0)
    grade(db, graded, START - dt.timedelta(hours=1), ice_score=7, icans_grade=1)
    grade(db, graded, START, ice_score=3, icans_grade=3, current=False)  # superseded
    grade(db, elsewhere, START, ice_score=2, icans_grade=3)

    listing = patients.list_for_staff(nurse)
    assert listing.ward_codes == ("H7",)
    assert [p.id for p in listing.patients] == [graded, ungraded]
    latest = listing.patients[0].last_grade
    assert latest is not None
    assert (latest.ice_score, latest.icans_grade, latest.graded_at) == (
        7,
        1,
        START - dt.timedelta(hours=1),
    )
    assert listing.patients[1].last_grade is None
    assert [p.id for p in patients.list_active()] == [graded, ungraded, elsewhere]
    assert [p.id for p in patients.list_active("h8")] == [elsewhere]


def test_list_for_staff_without_wards(patients: PatientService, db: Database) -> None:
    from storage.models import Staff

    with db.session() as session:
        staff = Staff(telegram_user_id=7, chat_id=7, display_name="No ward", role=Role.NURSE)
        session.add(staff)
        session.flush()
        staff_id = staff.id
    assert staff_id is not None
    listing = patients.list_for_staff(staff_id)
    assert listing.ward_codes == () and listing.patients == ()


# -- discharge ------------------------------------------------------------------------------


def test_discharge_once_then_already_done(
    patients: PatientService, enrolment: EnrolmentService, clock: FakeClock, db: Database
) -> None:
    nurse = enrol(enrolment, 1, Role.NURSE, "H7")
    patient = admit(patients)
    assert patients.find_for_discharge(nurse, "bed 4 ab").id == patient
    clock.advance(hours=3)
    first = patients.discharge(nurse, patient)
    assert not first.already_discharged
    assert first.patient.discharged_at == START + dt.timedelta(hours=3)
    clock.advance(minutes=1)
    second = patients.discharge(nurse, patient)
    assert second.already_discharged
    assert second.patient.discharged_at == START + dt.timedelta(hours=3)
    (stored,) = stored_patients(db)
    assert stored.status == PatientStatus.DISCHARGED
    assert audit_actions(db).count("patient.discharged") == 1
    with pytest.raises(RefusedError):
        patients.find_for_discharge(nurse, "Bed 4 AB")


def test_patients_of_other_wards_do_not_exist_for_staff(
    patients: PatientService, enrolment: EnrolmentService, db: Database
) -> None:
    nurse_h8 = enrol(enrolment, 2, Role.NURSE, "H8")
    patient = admit(patients, "Bed 4", ward_code="H7")
    answers = []
    for attempt in (
        lambda: patients.find_for_discharge(nurse_h8, "Bed 4"),
        lambda: patients.find_for_discharge(nurse_h8, "Bed 99"),
        lambda: patients.find_for_discharge(nurse_h8, "Bed 4", "H7"),
        lambda: patients.discharge(nurse_h8, patient),
        lambda: patients.discharge(nurse_h8, 999_999),
        lambda: patients.get(nurse_h8, patient),
    ):
        with pytest.raises(RefusedError) as raised:
            attempt()
        answers.append((raised.value.code, refusal(raised.value)))
    assert set(answers) == {(Problem.NOT_ON_WARD, NOT_ON_WARD)}
    (stored,) = stored_patients(db)
    assert stored.status == PatientStatus.ACTIVE


def test_same_label_on_two_of_my_wards_needs_the_ward(
    patients: PatientService, enrolment: EnrolmentService
) -> None:
    enrol(enrolment, 1, Role.NURSE, "H7")
    nurse = enrol(enrolment, 1, Role.NURSE, "H8")
    admit(patients, "Bed 4", ward_code="H7")
    on_h8 = admit(patients, "Bed 4", ward_code="H8")
    with pytest.raises(RefusedError) as raised:
        patients.find_for_discharge(nurse, "Bed 4")
    assert raised.value.code == Problem.AMBIGUOUS
    assert patients.find_for_discharge(nurse, "Bed 4", "h8").id == on_h8
