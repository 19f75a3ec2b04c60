"""Duty lists against the real database: the scheduler's queries, /onduty, planned shifts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.services.duty import DutyService
from bot.services.enrolment import EnrolmentService
from bot.services.errors import RefusedError
from bot.services.localtime import TimeRefusal
from bot.services.shifts import DEFAULT_HOURS, DutyRefusal, parse_hours
from bot.services.wards import WardService
from bot.telegram.words import refusal
from storage.db import Database
from storage.models import AuditLog, Duty, DutyAssignment, Role, Staff
from storage.repositories import duty as duty_repo
from storage.repositories import wards as wards_repo
from tests.services.conftest import START, enrol, view_of
from tests.support import factories
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
NURSE, SECOND_NURSE, CHARGE, SECOND_CHARGE, PHYSICIAN, ADMIN = 501, 502, 511, 512, 701, 100


@pytest.fixture
def duty(db: Database, clock: FakeClock) -> DutyService:
    return DutyService(db, clock, zone=BERLIN)


@pytest.fixture(autouse=True)
def two_wards(wards: WardService) -> None:
    wards.add("H7", "Haematology 7")
    wards.add("H8", "Haematology 8")


def ward_id(db: Database, code: str) -> int:
    with db.session() as session:
        ward = wards_repo.by_code(session, code)
        assert ward is not None and ward.id is not None
        return ward.id


def assignments(db: Database) -> list[DutyAssignment]:
    with db.session() as session:
        return list(session.exec(select(DutyAssignment).order_by(col(DutyAssignment.id))).all())


def audit_actions(db: Database) -> list[str]:
    with db.session() as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        return [r.action for r in rows if r.action.startswith("duty.")]


def names(people: list[Staff]) -> list[str]:
    return [p.display_name for p in people]


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


# -- the scheduler's queries ------------------------------------------------------------------


def test_on_duty_covers_start_but_not_end_in_start_order(db: Database) -> None:
    h7, h8 = ward_id(db, "H7"), ward_id(db, "H8")
    ada = factories.staff(db, 1, "Ada", Role.NURSE, [h7])
    bo = factories.staff(db, 2, "Bo", Role.NURSE, [h7])
    cy = factories.staff(db, 3, "Cy", Role.CHARGE_NURSE, [h7])
    dee = factories.staff(db, 4, "Dee", Role.NURSE, [h8])
    doc = factories.staff(db, 5, "Doc", Role.PHYSICIAN, [h7])
    factories.duty(db, h7, bo, Duty.NURSE, START - hours(2), 12)
    factories.duty(db, h7, cy, Duty.CHARGE_NURSE, START - hours(1), 12)
    factories.duty(db, h7, ada, Duty.NURSE, START - hours(3), 3)  # ends exactly at START
    factories.duty(db, h7, ada, Duty.NURSE, START, 8)  # starts exactly at START
    factories.duty(db, h7, bo, Duty.NURSE, START - hours(1), 12)  # overlapping: Bo once
    factories.duty(db, h8, dee, Duty.NURSE, START - hours(1), 12)  # another ward
    factories.duty(db, h7, doc, Duty.PRIMARY, START - hours(1), 12)  # on call, not nursing
    with db.session() as session:
        assert names(duty_repo.on_duty(session, ward_id=h7, at=START)) == ["Bo", "Cy", "Ada"]
        assert names(duty_repo.on_duty(session, ward_id=h7, at=START - hours(3))) == ["Ada"]
        assert names(duty_repo.on_duty(session, ward_id=h7, at=START + hours(11))) == []
        assert names(duty_repo.on_duty(session, ward_id=h8, at=START)) == ["Dee"]


def test_deactivated_staff_are_never_on_duty(db: Database) -> None:
    h7 = ward_id(db, "H7")
    ada = factories.staff(db, 1, "Ada", Role.NURSE, [h7])
    factories.duty(db, h7, ada, Duty.NURSE, START - hours(1))
    with db.session() as session:
        staff = session.get(Staff, ada)
        assert staff is not None
        staff.active = False
    with db.session() as session:
        assert duty_repo.on_duty(session, ward_id=h7, at=START) == []


def test_charge_nurses_on_duty_else_every_charge_nurse_of_the_ward(db: Database) -> None:
    h7, h8 = ward_id(db, "H7"), ward_id(db, "H8")
    factories.staff(db, 1, "Ada", Role.NURSE, [h7])
    cy = factories.staff(db, 2, "Cy", Role.CHARGE_NURSE, [h7])
    factories.staff(db, 3, "Di", Role.CHARGE_NURSE, [h7, h8])
    factories.staff(db, 4, "Ed", Role.CHARGE_NURSE, [h8])
    with db.session() as session:
        assert names(duty_repo.charge_nurses(session, ward_id=h7, at=START)) == ["Cy", "Di"]
        assert names(duty_repo.charge_nurses(session, ward_id=h8, at=START)) == ["Di", "Ed"]
    factories.duty(db, h7, cy, Duty.CHARGE_NURSE, START - hours(1))
    with db.session() as session:
        assert names(duty_repo.charge_nurses(session, ward_id=h7, at=START)) == ["Cy"]
        assert names(duty_repo.charge_nurses(session, ward_id=h7, at=START + hours(12))) == [
            "Cy",
            "Di",
        ]


def test_a_ward_without_charge_nurses_has_nobody_to_fall_back_to(db: Database) -> None:
    h8 = ward_id(db, "H8")
    factories.staff(db, 1, "Ada", Role.NURSE, [h8])
    with db.session() as session:
        assert duty_repo.charge_nurses(session, ward_id=h8, at=START) == []


# -- /onduty and /offduty ---------------------------------------------------------------------


def test_onduty_puts_a_nurse_on_all_her_wards(
    duty: DutyService, enrolment: EnrolmentService, db: Database
) -> None:
    nurse = enrol(enrolment, NURSE, Role.NURSE, "H7", "Ada")
    enrol(enrolment, NURSE, Role.NURSE, "H8", "Ada")
    shift = duty.go_on_duty(view_of(db, nurse), 8)
    assert shift.ward_codes == ("H7", "H8") and shift.extended == ()
    assert shift.until == START + hours(8)
    rows = assignments(db)
    assert [(r.duty, r.starts_at, r.ends_at, r.created_by_id) for r in rows] == [
        (Duty.NURSE, START, START + hours(8), nurse)
    ] * 2
    ids = [ward_id(db, "H7"), ward_id(db, "H8")]
    with db.session() as session:
        assert [names(duty_repo.on_duty(session, ward_id=i, at=START)) for i in ids] == [
            ["Ada"],
            ["Ada"],
        ]
    assert audit_actions(db) == ["duty.on", "duty.on"]


def test_a_second_onduty_extends_and_never_shortens(
    duty: DutyService, enrolment: EnrolmentService, db: Database, clock: FakeClock
) -> None:
    nurse = enrol(enrolment, NURSE, Role.NURSE, "H7")
    duty.go_on_duty(view_of(db, nurse))
    clock.advance(hours=4)
    longer = duty.go_on_duty(view_of(db, nurse), 12)
    assert longer.extended == ("H7",) and longer.until == START + hours(16)
    shorter = duty.go_on_duty(view_of(db, nurse), 1)
    assert shorter.until == START + hours(16)
    (row,) = assignments(db)
    assert (row.starts_at, row.ends_at) == (START, START + hours(16))
    assert audit_actions(db) == ["duty.on"] * 3


def test_a_charge_nurse_is_on_duty_as_charge_nurse(
    duty: DutyService, enrolment: EnrolmentService, db: Database
) -> None:
    charge = enrol(enrolment, CHARGE, Role.CHARGE_NURSE, "H7", "Cy")
    assert duty.go_on_duty(view_of(db, charge)).until == START + hours(DEFAULT_HOURS)
    (row,) = assignments(db)
    assert row.duty is Duty.CHARGE_NURSE
    with db.session() as session:
        assert names(duty_repo.charge_nurses(session, ward_id=row.ward_id, at=START)) == ["Cy"]


@pytest.mark.parametrize("role", [Role.PHYSICIAN, Role.ADMIN])
def test_only_nurses_go_on_duty_from_the_chat(
    duty: DutyService, enrolment: EnrolmentService, db: Database, role: Role
) -> None:
    someone = enrol(enrolment, PHYSICIAN, role, "H7")
    with pytest.raises(RefusedError) as refused:
        duty.go_on_duty(view_of(db, someone))
    assert refused.value.code is DutyRefusal.NURSES_ONLY
    assert assignments(db) == []


@pytest.mark.parametrize("bad", [0, 25, -1])
def test_onduty_hours_are_one_to_twenty_four(
    duty: DutyService, enrolment: EnrolmentService, db: Database, bad: int
) -> None:
    nurse = enrol(enrolment, NURSE, Role.NURSE, "H7")
    with pytest.raises(RefusedError) as refused:
        duty.go_on_duty(view_of(db, nurse), bad)
    assert "1 to 24 hours" in refusal(refused.value)


def test_offduty_ends_the_running_shift_and_keeps_planned_ones(
    duty: DutyService, enrolment: EnrolmentService, db: Database, clock: FakeClock
) -> None:
    nurse = enrol(enrolment, NURSE, Role.NURSE, "H7", "Ada")
    duty.go_on_duty(view_of(db, nurse), 8)
    h7 = ward_id(db, "H7")
    factories.duty(db, h7, nurse, Duty.NURSE, START + hours(24), 8)  # tomorrow's shift
    clock.advance(hours=2)
    ended = duty.go_off_duty(view_of(db, nurse))
    assert ended.ward_codes == ("H7",) and ended.at == clock.now
    assert ended.next_shift == START + hours(24)
    assert [r.ends_at for r in assignments(db)] == [clock.now, START + hours(32)]
    with db.session() as session:
        assert duty_repo.on_duty(session, ward_id=h7, at=clock.now) == []
    again = duty.go_off_duty(view_of(db, nurse))
    assert again.ward_codes == ()
    assert audit_actions(db) == ["duty.on", "duty.off"]


def test_the_board_shows_each_ward_now(
    duty: DutyService, enrolment: EnrolmentService, db: Database
) -> None:
    nurse = enrol(enrolment, NURSE, Role.NURSE, "H7", "Ada")
    enrol(enrolment, NURSE, Role.NURSE, "H8", "Ada")
    enrol(enrolment, CHARGE, Role.CHARGE_NURSE, "H7", "Cy")
    enrol(enrolment, SECOND_CHARGE, Role.CHARGE_NURSE, "H7", "Di")
    doc = enrol(enrolment, PHYSICIAN, Role.PHYSICIAN, "H7", "Doc")
    admin = enrol(enrolment, ADMIN, Role.ADMIN, "H7", "Admin")
    duty.go_on_duty(view_of(db, nurse), 8)
    factories.duty(db, ward_id(db, "H7"), doc, Duty.PRIMARY, START - hours(1), 24)

    h7, h8 = duty.board(view_of(db, nurse))
    assert [(s.name, s.duty, s.ends_at) for s in h7.on_duty] == [
        ("Ada", Duty.NURSE, START + hours(8))
    ]
    assert h7.charge_nurses == ("Cy", "Di") and not h7.charge_on_duty
    assert [s.name for s in h7.on_call] == ["Doc"]
    assert h8.ward_code == "H8" and h8.charge_nurses == () and h8.on_call == ()
    (only,) = duty.board(view_of(db, admin))  # any enrolled role may look, at its own wards
    assert only.ward_code == "H7"


# -- planned shifts (the command line) --------------------------------------------------------


def test_a_planned_shift_is_stored_in_utc(
    duty: DutyService, enrolment: EnrolmentService, db: Database
) -> None:
    nurse = enrol(enrolment, NURSE, Role.NURSE, "H7", "Ada")
    added = duty.add_shift(
        ward_code="h7",
        telegram_user_id=NURSE,
        starts_at="2026-11-24 19:00",
        ends_at="25.11.2026 07:30",
    )
    assert not added.already_existed
    shift = added.shift
    assert (shift.staff_id, shift.duty, shift.ward_code) == (nurse, Duty.NURSE, "H7")
    assert shift.starts_at == dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
    assert shift.ends_at == dt.datetime(2026, 11, 25, 6, 30, tzinfo=dt.UTC)
    again = duty.add_shift(
        ward_code="H7",
        telegram_user_id=NURSE,
        starts_at="2026-11-24 19:00",
        ends_at="2026-11-25 07:30",
    )
    assert again.already_existed and again.shift.id == shift.id
    assert len(assignments(db)) == 1
    assert audit_actions(db) == ["duty.planned"]
    assert [s.id for s in duty.shifts("H7")] == [shift.id]


def test_a_physician_shift_is_on_call(duty: DutyService, enrolment: EnrolmentService) -> None:
    enrol(enrolment, PHYSICIAN, Role.PHYSICIAN, "H7", "Doc")
    added = duty.add_shift(
        ward_code="H7", telegram_user_id=PHYSICIAN, starts_at="now", ends_at="2026-11-25 08:00"
    )
    assert added.shift.duty is Duty.PRIMARY


@pytest.mark.parametrize(
    ("fields", "problem", "words"),
    [
        ({"ward_code": "H9"}, DutyRefusal.UNKNOWN_WARD, "no ward 'H9'"),
        ({"telegram_user_id": 999}, DutyRefusal.UNKNOWN_STAFF, "Telegram id 999"),
        ({"ward_code": "H8"}, DutyRefusal.NOT_ON_WARD, "not on ward H8"),
        ({"telegram_user_id": ADMIN}, DutyRefusal.ROLE_HAS_NO_DUTY, "is admin"),
        ({"ends_at": "2026-11-24 18:00"}, DutyRefusal.ENDS_FIRST, "must end after it starts"),
        ({"ends_at": "2026-11-28 19:00"}, DutyRefusal.TOO_LONG, "at most 72 hours"),
        (
            {"starts_at": "2026-11-23 19:00", "ends_at": "2026-11-24 07:00"},
            DutyRefusal.OVER,
            "it is over",
        ),
        ({"ends_at": "2026-10-25 02:30"}, TimeRefusal.TWICE, "happens twice"),
        (
            {"starts_at": "2026-11-24 21:00", "ends_at": "2026-11-25 09:00"},
            DutyRefusal.OVERLAP,
            "already has a shift on H7 then: 24 Nov 2026 19:00 to 25 Nov 2026 07:00",
        ),
    ],
)
def test_planned_shifts_are_checked(
    duty: DutyService,
    enrolment: EnrolmentService,
    db: Database,
    fields: dict[str, object],
    problem: DutyRefusal,
    words: str,
) -> None:
    enrol(enrolment, NURSE, Role.NURSE, "H7")
    enrol(enrolment, ADMIN, Role.ADMIN, "H7")
    duty.add_shift(
        ward_code="H7",
        telegram_user_id=NURSE,
        starts_at="2026-11-24 19:00",
        ends_at="2026-11-25 07:00",
    )
    arguments: dict[str, object] = {
        "ward_code": "H7",
        "telegram_user_id": NURSE,
        "starts_at": "2026-11-24 19:00",
        "ends_at": "2026-11-25 08:00",
    } | fields
    with pytest.raises(RefusedError) as refused:
        duty.add_shift(**arguments)  # type: ignore[arg-type]
    assert refused.value.code is problem
    assert words in refusal(refused.value)
    assert len(assignments(db)) == 1


def test_the_list_has_running_and_planned_shifts_only(
    duty: DutyService, enrolment: EnrolmentService, db: Database
) -> None:
    nurse = enrol(enrolment, NURSE, Role.NURSE, "H7", "Ada")
    h7 = ward_id(db, "H7")
    factories.duty(db, h7, nurse, Duty.NURSE, START - hours(24), 12)  # yesterday: over
    factories.duty(db, h7, nurse, Duty.NURSE, START + hours(24), 12)  # tomorrow
    factories.duty(db, h7, nurse, Duty.NURSE, START - hours(1), 12)  # now
    listed = duty.shifts("H7")
    assert [s.starts_at for s in listed] == [START - hours(1), START + hours(24)]
    assert [s.covers(START) for s in listed] == [True, False]
    with pytest.raises(RefusedError) as refused:
        duty.shifts("H9")
    assert "no ward 'H9'" in refusal(refused.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("", 12), ("8", 8), (" 8h ", 8), ("24H", 24), ("0", 0), ("eight", None), ("1.5", None)],
)
def test_parse_hours(text: str, value: int | None) -> None:
    assert parse_hours(text) == value
