"""Who may use the bot, end to end: CLI invites, /start <code>, chat invites, strangers."""

from __future__ import annotations

import asyncio
import io
import re

import pytest
from sqlmodel import col, select

from bot.cli import admin as cli_admin
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.services.enrolment import EnrolmentService
from bot.services.patients import PatientService
from bot.services.wards import WardService
from bot.telegram import texts
from storage.db import Database
from storage.models import AuditLog, Patient, PatientStatus, RefusalTally, Role, Staff
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")

LINK = re.compile(r"https://t\.me/neurocheck_test_bot\?start=([A-Za-z0-9_-]+)")
ADMIN, NURSE, SECOND_NURSE, STRANGER = 100, 501, 502, 9001


@pytest.fixture
def wards(db: Database, clock: FakeClock) -> WardService:
    service = WardService(db, clock)
    service.add("H7", "Haematology 7")
    service.add("H8", "Haematology 8")
    return service


async def cli_invite(
    settings: Settings, db: Database, clock: FakeClock, role: str, ward: str
) -> str:
    """``neurocheck invite`` as a function (in a thread: it runs its own event loop)."""
    out, err = io.StringIO(), io.StringIO()
    status = await asyncio.to_thread(
        cli_admin.invite, settings, db, role=role, ward_code=ward, clock=clock, out=out, err=err
    )
    assert status == 0, err.getvalue()
    assert err.getvalue() == ""
    match = LINK.search(out.getvalue())
    assert match, out.getvalue()
    assert f"Code: {match[1]}" in out.getvalue()
    return match[1]


async def enrol_by_chat(
    tg: FakeTelegram, db: Database, clock: FakeClock, user_id: int, role: Role, ward: str
) -> SimUser:
    """A person enrolled as people are: an invite (service), then /start <code> in the chat."""
    code = EnrolmentService(db, clock).create_invite(role=role, ward_code=ward).code
    person = tg.user(user_id, first_name=f"{role.value.title()} {user_id}")
    await person.send(f"/start {code}")
    welcome = (await person.next_message()).text or ""
    assert ward in welcome, welcome
    return person


def audit(db: Database, action: str) -> list[AuditLog]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditLog).where(AuditLog.action == action).order_by(col(AuditLog.id))
            ).all()
        )


@pytest.mark.usefixtures("wards")
async def test_cli_invite_then_start_code_enrols_a_nurse_once(
    tg: FakeTelegram, settings: Settings, db: Database, clock: FakeClock
) -> None:
    code = await cli_invite(settings, db, clock, "nurse", "H7")
    nurse = tg.user(NURSE, first_name="Ada")
    nurse.info.last_name = "Lovelace"
    await nurse.send(f"/start {code}")
    welcome = (await nurse.next_message()).text or ""
    assert "Welcome, Ada Lovelace" in welcome
    assert "nurse on ward H7 (Haematology 7)" in welcome
    with db.session() as session:
        staff = session.exec(select(Staff)).one()
    assert (staff.telegram_user_id, staff.chat_id, staff.role) == (NURSE, NURSE, Role.NURSE)
    assert staff.display_name == "Ada Lovelace"

    # /start without a code keeps its greeting for the enrolled.
    await nurse.send("/start")
    assert "enrolled as nurse" in ((await nurse.next_message()).text or "")

    # The same code again, by someone else: refused, audited, nobody enrolled.
    other = tg.user(SECOND_NURSE, first_name="Bo")
    await other.send(f"/start {code}")
    assert (await other.next_message()).text == texts.INVITE_INVALID
    assert [(r.actor_telegram_id, r.detail["reason"]) for r in audit(db, "invite.refused")] == [
        (SECOND_NURSE, "used")
    ]
    await other.send("/patients")
    assert (await other.next_message()).text == texts.NOT_ENROLLED


@pytest.mark.usefixtures("wards")
async def test_expired_and_unknown_codes_get_the_same_refusal(
    tg: FakeTelegram, settings: Settings, db: Database, clock: FakeClock
) -> None:
    code = await cli_invite(settings, db, clock, "nurse", "H7")
    clock.advance(hours=72)
    late = tg.user(NURSE, first_name="Late")
    await late.send(f"/start {code}")
    await late.send("/start made-up-code")
    answers = [(await late.next_message()).text for _ in range(2)]
    assert answers == [texts.INVITE_INVALID, texts.INVITE_INVALID]
    assert [r.detail["reason"] for r in audit(db, "invite.refused")] == ["expired", "unknown"]
    with db.session() as session:
        assert session.exec(select(Staff)).all() == []


@pytest.mark.usefixtures("wards")
async def test_admin_invites_from_the_chat_and_others_may_not(
    tg: FakeTelegram, settings: Settings, db: Database, clock: FakeClock
) -> None:
    admin_code = await cli_invite(settings, db, clock, "admin", "H7")
    admin = tg.user(ADMIN, first_name="Admin")
    await admin.send(f"/start {admin_code}")
    assert "admin on ward H7" in ((await admin.next_message()).text or "")

    await admin.send("/invite nurse")
    invite = await admin.next_message()
    assert "Invite as nurse on ward H7" in (invite.text or "")
    assert not invite.protect_content  # the admin forwards it
    match = LINK.search(invite.text or "")
    assert match, invite.text

    nurse = tg.user(NURSE, first_name="Ada")
    await nurse.send(f"/start {match[1]}")
    assert "nurse on ward H7" in ((await nurse.next_message()).text or "")

    await nurse.send("/invite nurse")
    assert (await nurse.next_message()).text == texts.INVITE_ADMINS_ONLY
    refused = audit(db, "access.refused")
    assert [(r.actor_telegram_id, r.detail["what"]) for r in refused] == [(NURSE, "invite")]

    for attempt, answer in [
        ("/invite", texts.INVITE_USAGE),
        ("/invite surgeon", texts.INVITE_USAGE),
        ("/invite nurse H8", texts.invite_not_your_ward(("H7",))),
        ("/invite nurse H99", texts.invite_not_your_ward(("H7",))),
    ]:
        await admin.send(attempt)
        assert (await admin.next_message()).text == answer, attempt
    assert len(audit(db, "invite.not_allowed")) == 2
    assert len(audit(db, "invite.created")) == 2  # the CLI's and the chat's


@pytest.mark.usefixtures("wards")
async def test_a_second_invite_adds_a_ward_and_changes_the_role(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    code = EnrolmentService(db, clock).create_invite(role=Role.CHARGE_NURSE, ward_code="H8").code
    await nurse.send(f"/start {code}")
    text = (await nurse.next_message()).text or ""
    assert "now also on ward H8" in text
    assert "charge nurse (was nurse)" in text and "Wards: H7, H8" in text
    (change,) = audit(db, "staff.role_changed")
    assert change.detail == {"old": "nurse", "new": "charge_nurse"}


@pytest.mark.usefixtures("wards")
async def test_a_stranger_gets_only_the_refusal(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    patient = PatientService(db, clock).admit(
        ward_code="H7", label="Bed 4", date_of_birth="1958-03-02", weight_band="45+"
    )
    stranger = tg.user(STRANGER, first_name="Stranger")
    for command in (
        "/admit Bed 5, 1960-01-01, 45+",
        "/patients",
        "/discharge Bed 4",
        "/invite admin H7",
        "/whatever",
    ):
        await stranger.send(command)
        assert (await stranger.next_message()).text == texts.NOT_ENROLLED, command
    refusal = stranger.messages[-1]
    for forged in (f"dc:{patient.id}:0:yes", f"ck:{patient.id}:0:baseline", "garbage"):
        press = await stranger.press_data(refusal, forged)
        answer = await stranger.wait_answer(press)
        assert (answer.text, answer.show_alert) == (texts.NOT_ENROLLED, True), forged
    await stranger.assert_no_message()
    assert all(m.text == texts.NOT_ENROLLED for m in stranger.messages)
    with db.session() as session:
        stored = session.exec(select(Patient)).all()
    assert [(p.label, p.status) for p in stored] == [("Bed 4", PatientStatus.ACTIVE)]
    # Eight refusals in one hour: one audit row, the other seven counted (bot.services.refusals).
    assert len(audit(db, "access.refused")) == 1
    with db.session() as session:
        assert [t.count for t in session.exec(select(RefusalTally)).all()] == [8]
