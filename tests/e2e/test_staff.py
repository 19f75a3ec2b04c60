"""The staff lifecycle end to end: ``/staff`` with its confirmation, a deactivated nurse refused
everywhere (commands and buttons), her duties ended, and the command menus per role (Bot API
command scopes) published through the outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import pytest
from sqlmodel import select

from bot.app import Neurocheck
from bot.cli import staff as cli_staff
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from bot.telegram import menus, texts
from storage.db import Database
from storage.models import Duty, DutyAssignment, Role, Staff, Ward
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "wards")

ADMIN, NURSE, PHYSICIAN, CHARGE = 100, 501, 701, 502


def chat_menu(tg: FakeTelegram, chat_id: int) -> dict[str, str]:
    listed = tg.commands_for({"type": "chat", "chat_id": chat_id})
    return {c["command"]: c["description"] for c in listed}


def staff_id(db: Database, telegram_id: int) -> int:
    with db.session() as session:
        row = session.exec(select(Staff).where(Staff.telegram_user_id == telegram_id)).one()
        assert row.id is not None
        return row.id


async def ask(user: SimUser, text: str) -> str:
    await user.send(text)
    return (await user.next_message()).text or ""


async def staff_page(admin: SimUser) -> SentMessage:
    await admin.send("/staff")
    return await admin.next_message()


async def test_a_nurse_deactivated_by_the_admin_is_refused_everywhere_and_off_duty(
    tg: FakeTelegram, db: Database, clock: FakeClock, neurocheck: Neurocheck
) -> None:
    admin = await enrol_by_chat(tg, db, clock, ADMIN, Role.ADMIN, "H7")
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    factories.patient(db, staff_ward(db), "Bed 4")
    assert "on duty on ward H7" in await ask(nurse, "/onduty")
    factories.duty(db, staff_ward(db), staff_id(db, NURSE), Duty.NURSE, tomorrow(clock))
    question = await ask_message(nurse, "/check Bed 4")
    assert "Level of consciousness?" in (question.text or "")
    clock.advance(hours=1)

    listing = await staff_page(admin)
    text = listing.text or ""
    assert "Nurse 501: nurse, H7, id 501, enrolled 2026-11-24 09:00, last seen 2026-11-24" in text
    assert "Admin 100: admin" in text
    await admin.press(listing, "Deactivate Nurse 501")
    confirm = await admin.next_message()
    assert "Remove Nurse 501 (nurse) from the bot?" in (confirm.text or "")
    await admin.press(confirm, "Yes, remove")
    done = await admin.wait_edit(confirm)
    assert done.text == (
        "Nurse 501 is deactivated: 1 running duty ended; 1 planned duty cancelled; "
        "1 check released for takeover."
    )
    assert not done.buttons

    for name, _ in texts.COMMANDS:
        if name == "help":
            continue  # the same help text a stranger gets; it names no patient
        assert await ask(nurse, f"/{name}") == texts.NOT_ENROLLED, name
    assert await ask(nurse, "/check Bed 4") == texts.NOT_ENROLLED
    assert await ask(nurse, "a note") == texts.NOT_ENROLLED
    for row in question.buttons:
        press = await nurse.press(question, row[0].text)
        answer = await nurse.wait_answer(press)
        assert answer.text == texts.NOT_ENROLLED and answer.show_alert
    with db.session() as session:
        shifts = session.exec(
            select(DutyAssignment).where(DutyAssignment.staff_id == staff_id(db, NURSE))
        ).all()
        assert [(s.ends_at) for s in shifts] == [clock.now], "running ended, planned gone"

    colleague = await enrol_by_chat(tg, db, clock, CHARGE, Role.CHARGE_NURSE, "H7")
    held = await ask_message(colleague, "/check Bed 4")
    assert "no longer has access to this ward: take it over" in (held.text or "")
    await colleague.press(held, "Take over the check on Bed 4")
    assert "Level of consciousness?" in ((await colleague.next_message()).text or "")
    await nurse.assert_no_message()  # someone who has left is not told about the patient

    stale = await admin.press_data(confirm, f"sf:{staff_id(db, NURSE)}:0:offyes")
    answer = await admin.wait_answer(stale)
    assert answer.text == "Nurse 501 is already deactivated" and answer.show_alert

    listing = await staff_page(admin)
    assert "Nurse 501: nurse, H7, id 501" in (listing.text or "")
    assert "DEACTIVATED 2026-11-24 10:00" in (listing.text or "")
    await admin.press(listing, "Reactivate Nurse 501")
    confirm = await admin.next_message()
    await admin.press(confirm, "Yes, reactivate")
    assert (await admin.wait_edit(confirm)).text == "Nurse 501 is active again as nurse on H7."
    assert "Nurse 501" in await ask(nurse, "/start")


async def test_only_admins_use_staff_and_a_cancel_changes_nothing(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    admin = await enrol_by_chat(tg, db, clock, ADMIN, Role.ADMIN, "H7")
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    assert (
        await ask(nurse, "/staff")
        == "Only a ward administrator can manage staff. Please ask yours."
    )
    listing = await staff_page(admin)
    assert [b.text for row in listing.buttons for b in row] == ["Deactivate Nurse 501"]
    await admin.press(listing, "Deactivate Nurse 501")
    confirm = await admin.next_message()
    await admin.press(confirm, "Cancel")
    assert (await admin.wait_edit(confirm)).text == "Nothing changed."
    assert "Nurse 501" in await ask(nurse, "/start")
    forged = await nurse.press_data(listing.message_id, f"sf:{staff_id(db, ADMIN)}:0:offyes")
    answer = await nurse.wait_answer(forged)
    assert answer.text == "Only a ward administrator can manage staff. Please ask yours."


async def test_each_role_gets_its_own_command_menu(
    tg: FakeTelegram, db: Database, clock: FakeClock, neurocheck: Neurocheck
) -> None:
    assert [c["command"] for c in tg.commands] == ["start", "help"], "strangers' default"
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    physician = tg.user(PHYSICIAN, first_name="Doctor")
    code = invite_code(db, clock, Role.PHYSICIAN)
    await physician.send(f"/start {code}")
    welcome = (await physician.next_message()).text or ""
    assert "prompt" not in welcome and "on call (/oncall)" in welcome
    await enrol_by_chat(tg, db, clock, ADMIN, Role.ADMIN, "H7")
    await neurocheck.tick()

    nurse_menu, doctor_menu, admin_menu = (chat_menu(tg, c) for c in (NURSE, PHYSICIAN, ADMIN))
    assert "invite" not in nurse_menu and "staff" not in nurse_menu
    assert "override" not in nurse_menu["oncall"] and "onduty" in nurse_menu
    assert "override" in doctor_menu["oncall"] and "onduty" not in doctor_menu
    assert {"invite", "staff"} <= set(admin_menu) and "check" not in admin_menu
    assert list(nurse_menu) == [c.command for c in menus.commands_for(Role.NURSE)]

    out, err = io.StringIO(), io.StringIO()
    status = await asyncio.to_thread(
        cli_staff.staff_change,
        db,
        "role",
        telegram_id=str(NURSE),
        role="charge_nurse",
        clock=clock,
        out=out,
        err=err,
    )
    assert status == 0, err.getvalue()
    status = await asyncio.to_thread(
        cli_staff.staff_change,
        db,
        "deactivate",
        telegram_id=str(PHYSICIAN),
        reason="left",
        clock=clock,
        out=out,
        err=err,
    )
    assert status == 0, err.getvalue()
    await neurocheck.tick()
    assert chat_menu(tg, PHYSICIAN) == {}, "a deactivated person's menu is removed"
    assert tg.commands_for({"type": "chat", "chat_id": PHYSICIAN}, "zh") == [], "in each language"
    assert list(chat_menu(tg, NURSE)) == [c.command for c in menus.commands_for(Role.CHARGE_NURSE)]

    # Start-up publishes each person's menu once per release (these three joined after the
    # bot started); a restart of the same release publishes nothing again, and a release
    # whose lists differ publishes every menu again.
    assert await asyncio.to_thread(neurocheck.menus.queue_all, menus.release()) == 3
    assert await asyncio.to_thread(neurocheck.menus.queue_all, menus.release()) == 0
    tg.api.commands.clear()
    assert await asyncio.to_thread(neurocheck.menus.queue_all, "next-release") == 3
    await neurocheck.tick()
    assert set(chat_menu(tg, ADMIN)) == set(admin_menu)
    assert chat_menu(tg, PHYSICIAN) == {}
    await nurse.assert_no_message()


# -- helpers ------------------------------------------------------------------------------


def staff_ward(db: Database) -> int:
    with db.session() as session:
        ward = session.exec(select(Ward).where(Ward.code == "H7")).one()
        assert ward.id is not None
        return ward.id


def tomorrow(clock: FakeClock) -> dt.datetime:
    return clock.now + dt.timedelta(days=1)


async def ask_message(user: SimUser, text: str) -> SentMessage:
    await user.send(text)
    return await user.next_message()


def invite_code(db: Database, clock: FakeClock, role: Role) -> str:
    from bot.services.enrolment import EnrolmentService

    return EnrolmentService(db, clock).create_invite(role=role, ward_code="H7").code
