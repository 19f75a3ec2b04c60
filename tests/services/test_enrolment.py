"""Wards, invites and enrolment against the real database."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Iterator

import pytest
from sqlmodel import col, select

from bot.services.enrolment import EnrolmentService, InviteRefusal, parse_role
from bot.services.errors import RefusalCode, RefusedError
from bot.services.patient_refusals import WardRefusal
from bot.services.wards import WardService
from bot.telegram.words import refusal as words_for
from storage.db import Database
from storage.models import AuditLog, Invite, Role, Staff, StaffWard
from tests.services.conftest import START, enrol
from tests.support.clock import FakeClock


@contextlib.contextmanager
def refused_as(code: RefusalCode) -> Iterator[None]:
    with pytest.raises(RefusedError) as refused:
        yield
    assert refused.value.code is code


def audit_rows(db: Database, prefix: str = "") -> list[AuditLog]:
    with db.session() as session:
        rows = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
    return [row for row in rows if row.action.startswith(prefix)]


# -- wards ------------------------------------------------------------------------------


def test_ward_codes_are_upper_case_unique_and_audited(wards: WardService, db: Database) -> None:
    added = wards.add(" h7 ", "Haematology   7")
    assert (added.code, added.name) == ("H7", "Haematology 7")
    with pytest.raises(RefusedError) as refused:
        wards.add("H7", "Again")
    assert refused.value.code is WardRefusal.EXISTS and "already exists" in words_for(refused.value)
    wards.add("A2", "Adolescents")
    assert [w.code for w in wards.list()] == ["A2", "H7"]
    assert [r.action for r in audit_rows(db)] == ["ward.added", "ward.added"]


@pytest.mark.parametrize(("code", "name"), [("", "x"), ("H 7", "x"), ("-H7", "x"), ("H7", " ")])
def test_invalid_ward_is_refused(wards: WardService, code: str, name: str) -> None:
    with pytest.raises(RefusedError):
        wards.add(code, name)
    assert wards.list() == ()


# -- creating invites -------------------------------------------------------------------


def test_operator_invite_stores_only_the_hash(
    wards: WardService, enrolment: EnrolmentService, db: Database
) -> None:
    wards.add("H7", "Haematology 7")
    invite = enrolment.create_invite(role=Role.NURSE, ward_code="h7")
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", invite.code)
    assert (invite.role, invite.ward_code, invite.ward_name) == (Role.NURSE, "H7", "Haematology 7")
    assert invite.expires_at == START + dt.timedelta(hours=72)
    with db.session() as session:
        stored = session.exec(select(Invite)).one()
    assert stored.code_hash == hashlib.sha256(invite.code.encode()).hexdigest()
    assert invite.code not in repr(stored.model_dump())
    assert stored.created_by_id is None and stored.used_at is None
    (row,) = audit_rows(db, "invite.")
    assert row.action == "invite.created" and row.detail["via"] == "cli"
    assert invite.code not in str(row.detail)


def test_codes_are_unique(wards: WardService, enrolment: EnrolmentService) -> None:
    wards.add("H7", "Haematology 7")
    codes = {enrolment.create_invite(role=Role.NURSE, ward_code="H7").code for _ in range(20)}
    assert len(codes) == 20


def test_invite_hours_and_ward_are_checked(wards: WardService, enrolment: EnrolmentService) -> None:
    wards.add("H7", "Haematology 7")
    assert enrolment.create_invite(
        role=Role.NURSE, ward_code="H7", hours=1
    ).expires_at == START + dt.timedelta(hours=1)
    for hours in (0, -1, 24 * 14 + 1):
        with refused_as(InviteRefusal.HOURS):
            enrolment.create_invite(role=Role.NURSE, ward_code="H7", hours=hours)
    with refused_as(InviteRefusal.UNKNOWN_WARD):
        enrolment.create_invite(role=Role.NURSE, ward_code="H9")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("nurse", Role.NURSE),
        ("Charge_Nurse", Role.CHARGE_NURSE),
        ("charge-nurse", Role.CHARGE_NURSE),
        ("physician", Role.PHYSICIAN),
        ("admin", Role.ADMIN),
        ("doctor", None),
        ("", None),
    ],
)
def test_parse_role(text: str, role: Role | None) -> None:
    assert parse_role(text) == role


# -- redeeming ------------------------------------------------------------------------------


def test_redeem_enrols_with_role_ward_and_private_chat(
    wards: WardService, enrolment: EnrolmentService, db: Database
) -> None:
    wards.add("H7", "Haematology 7")
    code = enrolment.create_invite(role=Role.CHARGE_NURSE, ward_code="H7").code
    view = enrolment.redeem(
        code, telegram_user_id=5_000_000_001, chat_id=5_000_000_001, display_name=" Ada  Love "
    )
    assert view.new_account and view.ward_added and view.previous_role is None
    assert (view.display_name, view.role, view.ward_codes) == (
        "Ada Love",
        Role.CHARGE_NURSE,
        ("H7",),
    )
    with db.session() as session:
        staff = session.exec(select(Staff)).one()
        invite = session.exec(select(Invite)).one()
        memberships = session.exec(select(StaffWard)).all()
    assert (staff.telegram_user_id, staff.chat_id, staff.role) == (
        5_000_000_001,
        5_000_000_001,
        Role.CHARGE_NURSE,
    )
    assert [m.staff_id for m in memberships] == [staff.id]
    assert invite.used_at == START and invite.used_by_id == staff.id
    actions = [r.action for r in audit_rows(db) if r.action != "ward.added"]
    assert actions == ["invite.created", "invite.redeemed", "staff.enrolled"]


def test_a_code_works_once(wards: WardService, enrolment: EnrolmentService, db: Database) -> None:
    wards.add("H7", "Haematology 7")
    code = enrolment.create_invite(role=Role.NURSE, ward_code="H7").code
    enrolment.redeem(code, telegram_user_id=1, chat_id=1, display_name="First")
    with refused_as(InviteRefusal.INVALID):
        enrolment.redeem(code, telegram_user_id=2, chat_id=2, display_name="Second")
    refused = audit_rows(db, "invite.refused")
    assert [(r.actor_telegram_id, r.detail["reason"]) for r in refused] == [(2, "used")]
    with db.session() as session:
        assert [s.telegram_user_id for s in session.exec(select(Staff)).all()] == [1]


def test_unknown_code_is_refused_and_audited(enrolment: EnrolmentService, db: Database) -> None:
    with refused_as(InviteRefusal.INVALID):
        enrolment.redeem("not-a-code", telegram_user_id=9, chat_id=9, display_name="Eve")
    (row,) = audit_rows(db, "invite.refused")
    assert row.detail["reason"] == "unknown" and row.entity_id is None


def test_expiry_follows_the_injected_clock(
    wards: WardService, enrolment: EnrolmentService, clock: FakeClock, db: Database
) -> None:
    wards.add("H7", "Haematology 7")
    late = enrolment.create_invite(role=Role.NURSE, ward_code="H7", hours=2).code
    in_time = enrolment.create_invite(role=Role.NURSE, ward_code="H7", hours=2).code
    clock.advance(hours=2, seconds=-1)
    enrolment.redeem(in_time, telegram_user_id=1, chat_id=1, display_name="Punctual")
    clock.advance(seconds=1)  # exactly at expiry: no longer valid
    with refused_as(InviteRefusal.INVALID):
        enrolment.redeem(late, telegram_user_id=2, chat_id=2, display_name="Late")
    assert [r.detail["reason"] for r in audit_rows(db, "invite.refused")] == ["expired"]


def test_second_invite_adds_the_ward_and_changes_the_role(
    wards: WardService, enrolment: EnrolmentService, db: Database
) -> None:
    wards.add("H7", "Haematology 7")
    wards.add("H8", "Haematology 8")
    enrol(enrolment, 42, Role.NURSE, "H7", name="Ada")
    code = enrolment.create_invite(role=Role.CHARGE_NURSE, ward_code="H8").code
    view = enrolment.redeem(code, telegram_user_id=42, chat_id=42, display_name="Ada L")
    assert not view.new_account and view.ward_added
    assert view.previous_role == Role.NURSE and view.role == Role.CHARGE_NURSE
    assert view.ward_codes == ("H7", "H8") and view.display_name == "Ada"
    changes = audit_rows(db, "staff.")
    assert [r.action for r in changes] == [
        "staff.enrolled",
        "staff.role_changed",
        "staff.ward_added",
    ]
    assert changes[1].detail == {"old": "nurse", "new": "charge_nurse"}


def test_same_ward_and_role_again_changes_nothing(
    wards: WardService, enrolment: EnrolmentService, db: Database
) -> None:
    wards.add("H7", "Haematology 7")
    enrol(enrolment, 42, Role.NURSE, "H7")
    code = enrolment.create_invite(role=Role.NURSE, ward_code="H7").code
    view = enrolment.redeem(code, telegram_user_id=42, chat_id=42, display_name="Ada")
    assert not (view.new_account or view.ward_added or view.reactivated)
    assert view.previous_role is None
    assert [r.action for r in audit_rows(db, "staff.")] == ["staff.enrolled"]


def test_a_deactivated_account_is_reactivated_by_a_new_invite(
    wards: WardService, enrolment: EnrolmentService, db: Database
) -> None:
    wards.add("H7", "Haematology 7")
    staff_id = enrol(enrolment, 42, Role.NURSE, "H7")
    with db.session() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None
        staff.active = False
        session.add(staff)
    code = enrolment.create_invite(role=Role.NURSE, ward_code="H7").code
    assert enrolment.redeem(code, telegram_user_id=42, chat_id=42, display_name="A").reactivated
    assert "staff.reactivated" in [r.action for r in audit_rows(db)]


# -- invites from the chat ----------------------------------------------------------------


@pytest.fixture
def two_wards(wards: WardService) -> None:
    wards.add("H7", "Haematology 7")
    wards.add("H8", "Haematology 8")


@pytest.mark.usefixtures("two_wards")
def test_admin_invites_to_their_only_ward_without_naming_it(
    enrolment: EnrolmentService, db: Database
) -> None:
    admin = enrol(enrolment, 1, Role.ADMIN, "H7")
    invite = enrolment.create_invite(role=Role.NURSE, ward_code=None, actor_staff_id=admin)
    assert invite.ward_code == "H7"
    with db.session() as session:
        assert session.exec(select(Invite).where(Invite.created_by_id == admin)).one()


@pytest.mark.usefixtures("two_wards")
@pytest.mark.parametrize(
    ("role", "own", "asked", "refusal"),
    [
        (Role.NURSE, ["H7"], "H7", InviteRefusal.NOT_ADMIN),
        (Role.PHYSICIAN, ["H7"], None, InviteRefusal.NOT_ADMIN),
        (Role.ADMIN, ["H7"], "H8", InviteRefusal.NOT_YOUR_WARD),
        (Role.ADMIN, ["H7"], "H99", InviteRefusal.NOT_YOUR_WARD),
        (Role.ADMIN, ["H7", "H8"], None, InviteRefusal.WARD_REQUIRED),
    ],
)
def test_chat_invites_are_refused_and_audited(
    enrolment: EnrolmentService,
    db: Database,
    role: Role,
    own: list[str],
    asked: str | None,
    refusal: InviteRefusal,
) -> None:
    actor = 0
    for ward in own:
        actor = enrol(enrolment, 1, role, ward)
    before = len(audit_rows(db, "invite.created"))
    with pytest.raises(RefusedError) as raised:
        enrolment.create_invite(role=Role.NURSE, ward_code=asked, actor_staff_id=actor)
    assert raised.value.code == refusal
    assert raised.value.facts["own"] == tuple(own)
    (row,) = audit_rows(db, "invite.not_allowed")
    assert row.actor_staff_id == actor and row.detail["reason"] == refusal.rule
    assert len(audit_rows(db, "invite.created")) == before


@pytest.mark.usefixtures("two_wards")
def test_admin_with_two_wards_names_one(enrolment: EnrolmentService) -> None:
    enrol(enrolment, 1, Role.ADMIN, "H7")
    admin = enrol(enrolment, 1, Role.ADMIN, "H8")
    invite = enrolment.create_invite(role=Role.PHYSICIAN, ward_code="h8", actor_staff_id=admin)
    assert (invite.ward_code, invite.role) == ("H8", Role.PHYSICIAN)
