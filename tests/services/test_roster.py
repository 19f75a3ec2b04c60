"""The on-call roster against the real database: who is on call (overrides win), planning by
command line, file and chat, the rota shown by /oncall, and the gap warnings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.services import roster, rota_gaps
from bot.services.duty import DutyService
from bot.services.errors import RefusedError
from bot.services.roster import RosterService
from bot.services.shifts import DutyRefusal, parse_duty
from bot.services.wards import WardService
from bot.telegram import words
from bot.telegram.rota_texts import gap_text
from bot.telegram.words import refusal
from storage.db import Database
from storage.models import (
    AuditLog,
    Duty,
    DutyAssignment,
    OutboundMessage,
    Patient,
    PatientStatus,
    Role,
    Staff,
)
from storage.repositories import duty as duty_repo
from storage.repositories import wards as wards_repo
from tests.services.conftest import START, view_of
from tests.support import factories
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
DOC_A, DOC_B, DOC_C, NURSE, CHARGE, ADMIN = 701, 702, 703, 501, 511, 100
HEADER = "ward,duty,telegram_id,start,end,override\n"
DUTY_REFUSALS = {
    DutyRefusal.ON_CALL_IS_PHYSICIANS,
    DutyRefusal.NOT_THEIR_DUTY,
    DutyRefusal.OVERRIDE_IS_ON_CALL,
}
"""A duty this person cannot hold (one rule before the codes)."""


@pytest.fixture(autouse=True)
def two_wards(wards: WardService) -> None:
    wards.add("H7", "Haematology 7")
    wards.add("H8", "Haematology 8")


@pytest.fixture
def duty(db: Database, clock: FakeClock) -> DutyService:
    return DutyService(db, clock, zone=BERLIN)


@pytest.fixture
def rota(db: Database, clock: FakeClock) -> RosterService:
    return RosterService(db, clock, zone=BERLIN)


def ward_id(db: Database, code: str) -> int:
    with db.session() as session:
        ward = wards_repo.by_code(session, code)
        assert ward is not None and ward.id is not None
        return ward.id


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


def local(at: dt.datetime) -> str:
    return at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


def on_call(
    db: Database, staff_id: int, ward: int, kind: Duty, start: dt.datetime, length: float
) -> None:
    factories.duty(db, ward, staff_id, kind, start, length)


def override(
    db: Database, staff_id: int, ward: int, kind: Duty, start: dt.datetime, length: float
) -> None:
    factories.duty(db, ward, staff_id, kind, start, length, override=True)


def holders(db: Database, ward: int, at: dt.datetime, kind: Duty = Duty.PRIMARY) -> list[str]:
    with db.session() as session:
        return [s.display_name for s in duty_repo.on_call(session, ward_id=ward, at=at, duty=kind)]


def rows(db: Database) -> list[DutyAssignment]:
    with db.session() as session:
        return list(session.exec(select(DutyAssignment).order_by(col(DutyAssignment.id))).all())


def audits(db: Database, action: str) -> list[AuditLog]:
    with db.session() as session:
        found = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        return [a for a in found if a.action == action]


def lines(refused: RefusedError) -> tuple[str, ...]:
    """A refused file's problems as the command line prints them."""
    return tuple(words.refusal(refused).splitlines())


def outbox(db: Database) -> list[OutboundMessage]:
    with db.session() as session:
        return list(session.exec(select(OutboundMessage).order_by(col(OutboundMessage.id))).all())


# -- on_call: the repository's rule ---------------------------------------------------------


def test_on_call_prefers_override_rows_and_returns_to_the_rota(db: Database) -> None:
    h7 = ward_id(db, "H7")
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    ben = factories.staff(db, DOC_B, "Ben", Role.PHYSICIAN, [h7])
    cat = factories.staff(db, DOC_C, "Cat", Role.PHYSICIAN, [h7])
    on_call(db, ben, h7, Duty.PRIMARY, START - hours(1), 12)
    on_call(db, ann, h7, Duty.PRIMARY, START - hours(2), 12)
    on_call(db, ann, h7, Duty.PRIMARY, START - hours(2), 6)  # a doubled row: Ann once
    override(db, cat, h7, Duty.PRIMARY, START + hours(2), 2)
    on_call(db, cat, h7, Duty.BACKUP, START - hours(2), 24)  # another duty
    assert holders(db, h7, START) == ["Ann", "Ben"]  # in start order
    assert holders(db, h7, START + hours(2)) == ["Cat"]  # an override starts inclusive
    assert holders(db, h7, START + hours(4) - dt.timedelta(seconds=1)) == ["Cat"]
    assert holders(db, h7, START + hours(4)) == ["Ann", "Ben"]  # and ends exclusive
    assert holders(db, h7, START + hours(11)) == []
    assert holders(db, h7, START, Duty.BACKUP) == ["Cat"]
    assert holders(db, h7, START, Duty.ATTENDING) == []
    assert holders(db, ward_id(db, "H8"), START) == []


def test_a_deactivated_override_holder_leaves_the_rota_in_force(db: Database) -> None:
    h7 = ward_id(db, "H7")
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    cat = factories.staff(db, DOC_C, "Cat", Role.PHYSICIAN, [h7])
    on_call(db, ann, h7, Duty.PRIMARY, START, 12)
    override(db, cat, h7, Duty.PRIMARY, START, 4)
    with db.session() as session:
        person = session.get(Staff, cat)
        assert person is not None
        person.active = False
    assert holders(db, h7, START + hours(1)) == ["Ann"]


# -- neurocheck duty add --as ... --override --------------------------------------------------


def test_physicians_are_primary_by_default_and_may_be_backup_or_attending(
    duty: DutyService, db: Database
) -> None:
    h7 = ward_id(db, "H7")
    factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    start, end = local(START + hours(1)), local(START + hours(13))
    first = duty.add_shift(ward_code="H7", telegram_user_id=DOC_A, starts_at=start, ends_at=end)
    assert first.shift.duty is Duty.PRIMARY and not first.shift.override
    for kind in ("backup", "ATTENDING"):
        added = duty.add_shift(
            ward_code="h7", telegram_user_id=DOC_A, starts_at=start, ends_at=end, duty=kind
        )
        assert added.shift.duty is parse_duty(kind) and not added.already_existed
    assert [r.duty for r in rows(db)] == [Duty.PRIMARY, Duty.BACKUP, Duty.ATTENDING]
    planned = audits(db, "duty.planned")
    assert [(a.detail["duty"], a.detail["via"], a.detail["override"]) for a in planned] == [
        ("primary", "cli", False),
        ("backup", "cli", False),
        ("attending", "cli", False),
    ]


def test_an_override_replaces_the_holder_for_its_span_only(duty: DutyService, db: Database) -> None:
    h7 = ward_id(db, "H7")
    factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    factories.staff(db, DOC_B, "Ben", Role.PHYSICIAN, [h7])
    duty.add_shift(
        ward_code="H7",
        telegram_user_id=DOC_A,
        starts_at=local(START),
        ends_at=local(START + hours(12)),
    )
    added = duty.add_shift(
        ward_code="H7",
        telegram_user_id=DOC_B,
        starts_at=local(START + hours(2)),
        ends_at=local(START + hours(5)),
        override=True,
    )
    assert added.shift.override and added.shift.duty is Duty.PRIMARY
    assert [holders(db, h7, START + hours(h)) for h in (1, 2, 4, 5)] == [
        ["Ann"],
        ["Ben"],
        ["Ben"],
        ["Ann"],
    ]
    assert [r.is_override for r in rows(db)] == [False, True]
    assert audits(db, "duty.planned")[-1].detail["override"] is True
    again = duty.add_shift(
        ward_code="H7",
        telegram_user_id=DOC_B,
        starts_at=local(START + hours(2)),
        ends_at=local(START + hours(5)),
        override=True,
    )
    assert again.already_existed and len(rows(db)) == 2
    with pytest.raises(RefusedError) as refused:  # the same span, but not as an override
        duty.add_shift(
            ward_code="H7",
            telegram_user_id=DOC_B,
            starts_at=local(START + hours(2)),
            ends_at=local(START + hours(5)),
        )
    assert refused.value.code is DutyRefusal.OVERLAP and "(override)" in refusal(refused.value)


@pytest.mark.parametrize(
    ("role", "telegram_id", "kind", "is_override", "words"),
    [
        (Role.NURSE, NURSE, "primary", False, "Nia is nurse: only physicians are on call"),
        (Role.CHARGE_NURSE, CHARGE, "attending", False, "Nia is charge nurse: only physicians"),
        (Role.NURSE, NURSE, None, True, "An override is for physicians on call"),
        (Role.PHYSICIAN, DOC_A, Duty.NURSE, False, "Nia is physician: they cannot be on duty"),
        (Role.PHYSICIAN, DOC_A, Duty.CHARGE_NURSE, True, "cannot be on duty as charge_nurse"),
    ],
)
def test_nurses_hold_no_physician_duty_and_physicians_no_nurse_duty(
    duty: DutyService,
    db: Database,
    role: Role,
    telegram_id: int,
    kind: str | Duty | None,
    is_override: bool,
    words: str,
) -> None:
    factories.staff(db, telegram_id, "Nia", role, [ward_id(db, "H7")])
    with pytest.raises(RefusedError) as refused:
        duty.add_shift(
            ward_code="H7",
            telegram_user_id=telegram_id,
            starts_at=local(START + hours(1)),
            ends_at=local(START + hours(2)),
            duty=kind,
            override=is_override,
        )
    assert refused.value.code in DUTY_REFUSALS and words in refusal(refused.value)
    assert "\n" not in refusal(refused.value)
    assert rows(db) == [] and audits(db, "duty.planned") == []


def test_only_on_call_duties_are_words_for_as() -> None:
    with pytest.raises(RefusedError) as refused:
        parse_duty("chief")
    assert "'chief' is not an on-call duty: primary, backup" in refusal(refused.value)
    with pytest.raises(RefusedError):
        parse_duty("nurse")


# -- the roster file --------------------------------------------------------------------------


def roster_file(*lines: str) -> str:
    return HEADER + "".join(f"{line}\n" for line in lines)


def test_import_adds_every_row_and_skips_what_is_already_there(
    rota: RosterService, db: Database
) -> None:
    h7, h8 = ward_id(db, "H7"), ward_id(db, "H8")
    factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7, h8])
    factories.staff(db, DOC_B, "Ben", Role.PHYSICIAN, [h7])
    day, night, end = local(START), local(START + hours(12)), local(START + hours(24))
    text = roster_file(
        f"H7,primary,{DOC_A},{day},{night},",
        f"H7,primary,{DOC_B},{night},{end},no",
        f"h8,attending,{DOC_A},{day},{end},",
        f"H7,backup,{DOC_B},{day},{night},yes",
        f"H7,primary,{DOC_A},{day},{night},",  # the same row twice in the file
    )
    first = rota.import_csv(text)
    assert (first.added, first.existing, first.dry_run) == (4, 1, False)
    assert holders(db, h7, START) == ["Ann"] and holders(db, h7, START + hours(12)) == ["Ben"]
    assert holders(db, h8, START, Duty.ATTENDING) == ["Ann"]
    assert [r.is_override for r in rows(db)] == [False, False, False, True]
    assert {a.detail["via"] for a in audits(db, "duty.planned")} == {"csv"}
    assert len(audits(db, "duty.planned")) == 4
    second = rota.import_csv(text)
    assert (second.added, second.existing) == (0, 5)
    assert len(rows(db)) == 4 and len(audits(db, "duty.planned")) == 4


def test_a_dry_run_reports_and_writes_nothing(rota: RosterService, db: Database) -> None:
    factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [ward_id(db, "H7")])
    text = roster_file(f"H7,primary,{DOC_A},{local(START)},{local(START + hours(12))},")
    result = rota.import_csv(text, dry_run=True)
    assert (result.added, result.existing, result.dry_run) == (1, 0, True)
    assert rows(db) == [] and audits(db, "duty.planned") == []


def test_one_bad_row_imports_nothing_and_every_bad_line_is_named(
    rota: RosterService, db: Database
) -> None:
    h7 = ward_id(db, "H7")
    factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    factories.staff(db, NURSE, "Nia", Role.NURSE, [h7])
    factories.staff(db, DOC_B, "Ben", Role.PHYSICIAN, [ward_id(db, "H8")])
    day, night = local(START), local(START + hours(12))
    text = roster_file(
        f"H7,primary,{DOC_A},{day},{night},",
        f"H9,primary,{DOC_A},{day},{night},",
        f"H7,primary,{NURSE},{day},{night},",
        f"H7,primary,{DOC_B},{day},{night},",
        f"H7,primary,999,{day},{night},",
        f"H7,primary,{DOC_A},{local(START + hours(6))},{local(START + hours(18))},",
    )
    with pytest.raises(RefusedError) as refused:
        rota.import_csv(text)
    assert lines(refused.value) == (
        "line 3: There is no ward 'H9'.",
        "line 4: Nia is nurse: only physicians are on call (primary).",
        "line 5: Ben is not on ward H7: invite them to it first.",
        "line 6: Nobody enrolled has Telegram id 999 (or they were deactivated).",
        f"line 7: Ann already has a shift on H7 then: {START:%d %b %Y} 09:00 to "
        f"{START:%d %b %Y} 21:00.",
    )
    assert rows(db) == [] and audits(db, "duty.planned") == []


def test_parse_problems_come_before_any_database_work(rota: RosterService, db: Database) -> None:
    with pytest.raises(RefusedError) as refused:
        rota.import_csv("ward,duty\nH7,primary\n")
    assert lines(refused.value)[0].startswith("line 1: the header must be")
    assert rows(db) == []


# -- /oncall <duty> <hours> [override] --------------------------------------------------------


def test_a_physician_goes_on_call_on_all_wards_and_a_second_call_extends(
    rota: RosterService, db: Database, clock: FakeClock
) -> None:
    h7, h8 = ward_id(db, "H7"), ward_id(db, "H8")
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7, h8])
    done = rota.go_on_call(view_of(db, ann), "primary", 8)
    assert done.ward_codes == ("H7", "H8") and done.until == START + hours(8)
    assert done.extended == () and not done.override
    assert [(r.ward_id, r.duty, r.starts_at, r.ends_at, r.created_by_id) for r in rows(db)] == [
        (h7, Duty.PRIMARY, START, START + hours(8), ann),
        (h8, Duty.PRIMARY, START, START + hours(8), ann),
    ]
    clock.advance(hours=2)
    longer = rota.go_on_call(view_of(db, ann), "primary", 12)
    assert longer.extended == ("H7", "H8") and longer.until == START + hours(14)
    shorter = rota.go_on_call(view_of(db, ann), "primary", 1)  # never shortened, nothing written
    assert shorter.until == START + hours(14)
    assert len(rows(db)) == 2
    planned = audits(db, "duty.planned")
    assert [(a.detail["via"], a.actor_staff_id) for a in planned] == [("chat", ann)] * 4
    assert planned[-1].detail["extended_from"] == (START + hours(8)).isoformat()


def test_an_override_from_the_chat_takes_over_the_duty(rota: RosterService, db: Database) -> None:
    h7 = ward_id(db, "H7")
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    ben = factories.staff(db, DOC_B, "Ben", Role.PHYSICIAN, [h7])
    on_call(db, ann, h7, Duty.BACKUP, START - hours(1), 24)
    done = rota.go_on_call(view_of(db, ben), "backup", 4, override=True)
    assert done.override and done.duty is Duty.BACKUP
    assert holders(db, h7, START, Duty.BACKUP) == ["Ben"]
    assert holders(db, h7, START + hours(4), Duty.BACKUP) == ["Ann"]
    assert audits(db, "duty.planned")[-1].detail["override"] is True


def test_oncall_refuses_to_run_into_a_planned_period(rota: RosterService, db: Database) -> None:
    h7 = ward_id(db, "H7")
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    on_call(db, ann, h7, Duty.PRIMARY, START + hours(6), 12)
    with pytest.raises(RefusedError) as refused:
        rota.go_on_call(view_of(db, ann), "primary", 8)
    assert refused.value.code is DutyRefusal.PLANNED_LATER
    assert "already planned as primary on H7 from" in refusal(refused.value)
    assert len(rows(db)) == 1
    touching = rota.go_on_call(view_of(db, ann), "primary", 6)  # touching is fine
    assert touching.until == START + hours(6)


@pytest.mark.parametrize("role", [Role.NURSE, Role.CHARGE_NURSE, Role.ADMIN])
def test_only_physicians_go_on_call_from_the_chat(
    rota: RosterService, db: Database, role: Role
) -> None:
    someone = factories.staff(db, NURSE, "Nia", role, [ward_id(db, "H7")])
    with pytest.raises(RefusedError) as refused:
        rota.go_on_call(view_of(db, someone), "primary", 8)
    assert refused.value.code is DutyRefusal.PHYSICIANS_ONLY and rows(db) == []


@pytest.mark.parametrize("bad", [0, 25])
def test_oncall_hours_are_one_to_twenty_four(rota: RosterService, db: Database, bad: int) -> None:
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [ward_id(db, "H7")])
    with pytest.raises(RefusedError) as refused:
        rota.go_on_call(view_of(db, ann), "primary", bad)
    assert "1 to 24 hours" in refusal(refused.value)


def test_a_physician_without_a_ward_is_told(rota: RosterService, db: Database) -> None:
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [])
    with pytest.raises(RefusedError) as refused:
        rota.go_on_call(view_of(db, ann), "backup", 4)
    assert refused.value.code is DutyRefusal.NO_WARD


# -- /oncall: the rota ----------------------------------------------------------------------


def test_the_board_shows_holders_changes_and_primary_gaps(
    rota: RosterService, db: Database
) -> None:
    h7 = ward_id(db, "H7")
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    ben = factories.staff(db, DOC_B, "Ben", Role.PHYSICIAN, [h7])
    cat = factories.staff(db, DOC_C, "Cat", Role.PHYSICIAN, [h7])
    nia = factories.staff(db, NURSE, "Nia", Role.NURSE, [h7])
    on_call(db, ann, h7, Duty.PRIMARY, START - hours(1), 6)  # until START + 5
    on_call(db, ben, h7, Duty.PRIMARY, START + hours(8), 12)  # gap from +5 to +8
    override(db, cat, h7, Duty.PRIMARY, START + hours(2), 1)
    on_call(db, cat, h7, Duty.ATTENDING, START - hours(10), 48)
    (board,) = rota.board(view_of(db, nia))
    assert (board.ward_code, board.ward_name) == ("H7", "Haematology 7")
    now = {held.duty: (held.names, held.end, held.override) for held in board.now}
    assert now == {
        Duty.PRIMARY: (("Ann",), START + hours(2), False),
        Duty.BACKUP: ((), START + roster.LOOKAHEAD, False),
        Duty.ATTENDING: (("Cat",), START + hours(38), False),
    }
    assert [(h.start - START, h.duty, h.names, h.override) for h in board.changes] == [
        (hours(2), Duty.PRIMARY, ("Cat",), True),
        (hours(3), Duty.PRIMARY, ("Ann",), False),
        (hours(5), Duty.PRIMARY, (), False),
        (hours(8), Duty.PRIMARY, ("Ben",), False),
        (hours(20), Duty.PRIMARY, (), False),
    ]
    assert board.primary_gaps == (roster.Gap(START + hours(5), START + hours(8)),)


# -- the scheduler's gap warnings -------------------------------------------------------------


@pytest.fixture
def treated_ward(db: Database, clock: FakeClock) -> int:
    """H7 with a patient on a running plan, an admin, a charge nurse and a nurse."""
    h7 = ward_id(db, "H7")
    patient = factories.patient(db, h7, "Bed 4")
    factories.plan(db, patient, START - hours(30), created_at=START - hours(30))
    factories.staff(db, ADMIN, "Al", Role.ADMIN, [h7])
    factories.staff(db, CHARGE, "Cy", Role.CHARGE_NURSE, [h7])
    factories.staff(db, NURSE, "Nia", Role.NURSE, [h7])
    return h7


def warn(db: Database, at: dt.datetime) -> int:
    with db.session() as session:
        return rota_gaps.warn_gaps(session, at, BERLIN)


def test_a_gap_is_told_to_admins_and_charge_nurses_once(
    db: Database, treated_ward: int, clock: FakeClock
) -> None:
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [treated_ward])
    on_call(db, ann, treated_ward, Duty.PRIMARY, START - hours(4), 16)  # until START + 12
    on_call(db, ann, treated_ward, Duty.PRIMARY, START + hours(14), 12)
    assert warn(db, START) == 0  # covered for the next 12 hours exactly
    assert warn(db, clock.advance(minutes=1)) == 2  # 20:00 to 22:00 UTC is now in sight
    assert warn(db, clock.advance(minutes=1)) == 0
    assert warn(db, clock.advance(hours=12)) == 0  # while the gap runs: still the same gap
    messages = outbox(db)
    assert sorted(m.chat_id for m in messages) == [ADMIN, CHARGE]
    assert {m.purpose for m in messages} == {rota_gaps.PURPOSE}
    gap = (START + hours(12)).isoformat()
    assert {m.dedupe_key for m in messages} == {
        f"oncall-gap:{treated_ward}:{gap}:{s}" for s in staff_ids(db, ADMIN, CHARGE)
    }
    text = gap_text(messages[0].payload, BERLIN)
    assert text.startswith("⚠ Ward H7 (Haematology 7) will have no primary physician")
    assert f"will have no primary physician on call from {START:%d %b %Y} 21:00 until " in text
    assert f"until {START:%d %b %Y} 23:00, while a patient" in text  # in Berlin time
    assert "/oncall primary" in text and "neurocheck duty add --ward H7" in text
    (warned,) = audits(db, "oncall.gap_warned")
    assert warned.ward_id == treated_ward and warned.detail["gap_start"] == gap
    assert warned.detail["gap_end"] == (START + hours(14)).isoformat()


def staff_ids(db: Database, *telegram_ids: int) -> list[int]:
    with db.session() as session:
        people = session.exec(select(Staff).where(col(Staff.telegram_user_id).in_(telegram_ids)))
        return [p.id for p in people if p.id is not None]


def test_a_ward_that_never_had_a_primary_is_told_once_and_says_nobody_is_planned(
    db: Database, treated_ward: int, clock: FakeClock
) -> None:
    assert warn(db, START) == 2
    assert warn(db, clock.advance(hours=3)) == 0
    text = gap_text(outbox(db)[0].payload, BERLIN)
    assert "(Haematology 7) has no primary physician on call and none is planned" in text
    assert outbox(db)[0].dedupe_key == (
        f"oncall-gap:{treated_ward}:{roster.NEVER_COVERED.isoformat()}:{staff_ids(db, ADMIN)[0]}"
    )
    assert len(audits(db, "oncall.gap_warned")) == 1


def test_a_gap_running_now_is_named_by_the_end_of_the_last_primary(
    db: Database, treated_ward: int, clock: FakeClock
) -> None:
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [treated_ward])
    on_call(db, ann, treated_ward, Duty.PRIMARY, START - hours(12), 10)  # ended 2 hours ago
    assert warn(db, START) == 2
    assert warn(db, clock.advance(minutes=30)) == 0
    keys = {m.dedupe_key or "" for m in outbox(db)}
    assert all(key.split(":", 2)[2].startswith((START - hours(2)).isoformat()) for key in keys)
    assert (
        f"has had no primary physician on call since {START:%d %b %Y} 07:00 and none"
        in gap_text(outbox(db)[0].payload, BERLIN)
    )


def test_a_new_gap_after_the_rota_changes_is_told_again(
    db: Database, treated_ward: int, clock: FakeClock
) -> None:
    assert warn(db, START) == 2
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [treated_ward])
    on_call(db, ann, treated_ward, Duty.PRIMARY, START, 6)
    assert warn(db, START) == 2  # the gap now starts at START + 6
    on_call(db, ann, treated_ward, Duty.PRIMARY, START + hours(6), 12)
    assert warn(db, START) == 0
    assert len(audits(db, "oncall.gap_warned")) == 2


def test_no_warning_without_a_patient_on_a_current_plan(
    db: Database, clock: FakeClock, treated_ward: int
) -> None:
    h8 = ward_id(db, "H8")
    factories.staff(db, 512, "Di", Role.CHARGE_NURSE, [h8])
    factories.patient(db, h8, "Bed 1")  # admitted, no plan
    with db.session() as session:
        patient = session.exec(select(Patient).where(Patient.ward_id == treated_ward)).one()
        patient.status = PatientStatus.DISCHARGED
    assert warn(db, START) == 0 and outbox(db) == []


def test_backup_and_attending_do_not_fill_a_primary_gap(db: Database, treated_ward: int) -> None:
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [treated_ward])
    on_call(db, ann, treated_ward, Duty.BACKUP, START - hours(1), 24)
    on_call(db, ann, treated_ward, Duty.ATTENDING, START - hours(1), 24)
    assert warn(db, START) == 2


def test_duty_board_shows_the_override_not_the_holder_it_replaces(
    duty: DutyService, db: Database
) -> None:
    h7 = ward_id(db, "H7")
    ann = factories.staff(db, DOC_A, "Ann", Role.PHYSICIAN, [h7])
    ben = factories.staff(db, DOC_B, "Ben", Role.PHYSICIAN, [h7])
    on_call(db, ann, h7, Duty.PRIMARY, START - hours(1), 12)
    on_call(db, ann, h7, Duty.BACKUP, START - hours(1), 12)
    override(db, ben, h7, Duty.PRIMARY, START - hours(1), 2)
    (board,) = duty.board(view_of(db, ann))
    assert [(s.name, s.duty, s.override) for s in board.on_call] == [
        ("Ann", Duty.BACKUP, False),
        ("Ben", Duty.PRIMARY, True),
    ]
