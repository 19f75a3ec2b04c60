"""The running sandbox without a browser: what the seed wrote through the services, what each
phone sees at start, the clock controls, and the page's API refusing what no phone could do."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from bot.sandbox import web
from bot.sandbox.fake_telegram import SentMessage, SimUser
from bot.sandbox.runtime import Sandbox
from bot.sandbox.seed import PATIENTS, STAFF, WARD_CODE
from bot.telegram import i18n
from storage.db import Database
from storage.models import AuditLog, DutyAssignment, InfusionPlan, Patient, Staff


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    async with Sandbox(tmp_path / "sandbox.db") as running:
        yield running


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    runner = await web.serve(sandbox, 0)
    try:
        url = f"http://127.0.0.1:{web.bound_port(runner)}"
        async with httpx.AsyncClient(base_url=url, timeout=10) as http:
            yield http
    finally:
        await runner.cleanup()


def test_the_ward_is_seeded_through_the_services(sandbox: Sandbox, tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'sandbox.db'}")
    try:
        with db.session() as session:
            staff = session.exec(select(Staff)).all()
            patients = session.exec(select(Patient)).all()
            plans = session.exec(select(InfusionPlan)).all()
            duty = session.exec(select(DutyAssignment)).all()
            actions = {row.action for row in session.exec(select(AuditLog)).all()}
    finally:
        db.dispose()
    assert sorted(s.telegram_user_id for s in staff) == sorted(p.telegram_id for p in STAFF)
    assert [p.label for p in patients] == [p.label for p in PATIENTS]
    assert {p.status.value for p in plans} == {"running", "planned"}
    assert sorted(d.duty.value for d in duty) == ["backup", "charge_nurse", "nurse", "primary"]
    # The services' audit trail, which raw inserts would not have written.
    assert {"invite.created", "patient.admitted", "plan.created"} <= actions


async def message_with(sandbox: Sandbox, person: SimUser, text: str) -> SentMessage | None:
    """The first bot message in the person's chat containing ``text``, waiting up to 5 s."""
    return await sandbox.telegram.world.wait_for(
        lambda: next((m for m in person.messages if text in (m.text or "")), None), 5
    )


async def test_each_phone_opens_its_chat_and_the_due_checks_are_prompted(
    sandbox: Sandbox,
) -> None:
    for person in STAFF:  # the /start reply, before or after the first prompts
        user = sandbox.person(person.key)
        assert await message_with(sandbox, user, person.name), [m.describe() for m in user.messages]
    prompts = [m.text for m in sandbox.person("nurse").messages if "due for" in (m.text or "")]
    assert any("Bed 1 MK" in (text or "") for text in prompts), prompts
    assert sandbox.telegram.commands, "the command menu is registered"
    menu = await own_menu(sandbox, "nurse")
    assert "onduty" in menu and "invite" not in menu, "the nurse's own menu"


async def test_a_sandbox_in_chinese(tmp_path: Path) -> None:
    """``--language zh``: the demo staff's apps are in Chinese, so are their chats and menus."""
    async with Sandbox(tmp_path / "sandbox.db", language=i18n.CHINESE) as chinese:
        nurse = chinese.person("nurse")
        prompt = await message_with(chinese, nurse, "Bed 1 MK 的")
        assert prompt is not None, [m.describe() for m in nurse.messages]
        assert prompt.buttons[0][0].text == "开始评估", prompt.describe()
        assert "check" in await own_menu(chinese, "nurse")
        await nurse.send("/duty")
        board = await message_with(chinese, nurse, "当前值班")
        assert board is not None and "沙盒病区（虚构患者）" in (board.text or ""), board
        menu = chinese.telegram.menu_for(nurse.id)
        check = next(c for c in menu if c["command"] == "check")
        assert check["description"] != "Start a neuro check" and not check["description"].isascii()


async def own_menu(sandbox: Sandbox, key: str) -> list[str]:
    """The person's own menu (their role's, with /language) once the outbox has published
    it, waiting up to 5 s; until then the chat shows the strangers' default."""
    chat = sandbox.person(key).id

    def published() -> list[str] | None:
        menu = [c["command"] for c in sandbox.telegram.menu_for(chat)]
        return menu if "language" in menu else None

    return await sandbox.telegram.world.wait_for(published, 5) or []


async def test_the_clock_controls_move_time_and_run_a_pass(sandbox: Sandbox) -> None:
    nurse = sandbox.person("nurse")
    before = sandbox.clock()
    moved = await sandbox.move_clock("15m")
    assert moved.jumped >= dt.timedelta(minutes=15)
    assert sandbox.clock() - before >= dt.timedelta(minutes=15)

    def reminded() -> list[SentMessage] | None:  # the pass queued them; the outbox sends them
        sent = [m for m in nurse.messages if (m.text or "").startswith("Reminder:")]
        return sent if len(sent) >= len(PATIENTS) else None

    reminders = await sandbox.telegram.world.wait_for(reminded, 5)
    assert reminders and len(reminders) == len(PATIENTS), [m.describe() for m in nurse.messages]
    # Every check is prompted already: "next" has nowhere to go, and says so.
    assert (await sandbox.move_clock("next")).jumped == dt.timedelta(0)
    with pytest.raises(KeyError):
        await sandbox.move_clock("2h")


async def test_unstarted_checks_climb_to_the_physicians_and_the_backup(sandbox: Sandbox) -> None:
    """Nobody starts the due checks: an hour on, the primary is paged; half an hour later
    (the normal urgency's policy) the backup too."""
    primary, backup = sandbox.person("physician"), sandbox.person("backup")
    await sandbox.move_clock("1h")
    assert await message_with(sandbox, primary, "Why: scheduled check not started for an hour")
    assert not [m for m in backup.messages if "Neuro check alert" in (m.text or "")]
    await sandbox.move_clock("15m")
    await sandbox.move_clock("15m")
    paged = await message_with(sandbox, backup, "Neuro check alert: Bed 1 MK")
    assert paged is not None, [m.describe() for m in backup.messages]


async def test_the_page_and_its_refusals(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and "invented patients" in page.text
    state = (await client.get("/api/state")).json()
    assert state["ward"] == WARD_CODE
    phones = {p["key"]: [who["key"] for who in p["people"]] for p in state["phones"]}
    menus = {w["key"]: w["commands"] for p in state["phones"] for w in p["people"]}
    assert any(c["command"] == "onduty" for c in menus["nurse"]), menus["nurse"]
    assert not any(c["command"] == "onduty" for c in menus["physician"]), menus["physician"]
    assert phones == {
        "nurse": ["nurse"],
        "charge": ["charge", "admin"],
        "physician": ["physician", "backup"],
    }
    refusals = {
        "/api/people/surgeon/send": {"text": "/help"},
        "/api/people/nurse/send": {"text": "  "},
        "/api/people/nurse/press": {"message_id": 1, "data": "forged"},
        "/api/clock": {"step": "yesterday"},
    }
    for path, body in refusals.items():
        answer = await client.post(path, json=body)
        assert answer.status_code == 400, path
        error = answer.json()["error"]
        assert error and "\n" not in error and "Traceback" not in error, (path, error)
    garbled = await client.post("/api/clock", content=b"{not json")
    assert garbled.status_code == 400 and garbled.json()["error"] == "the request body is not JSON"
    missing = await client.get("/api/files/AgACAgFake999999")
    assert missing.status_code == 404


async def test_typing_reaches_the_bot_as_that_person(
    sandbox: Sandbox, client: httpx.AsyncClient
) -> None:
    physician = sandbox.person("physician")
    await physician.next_message()  # the /start reply
    sent = await client.post("/api/people/physician/send", json={"text": "/oncall"})
    assert sent.json()["ok"]
    reply = await physician.next_message()
    assert "Dr Chen" in (reply.text or ""), reply.describe()
