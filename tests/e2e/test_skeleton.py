"""The walking skeleton, end to end: /start, /help and the command menu over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlmodel import select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram
from bot.telegram import menus, texts
from storage.db import Database
from storage.models import AuditLog, Role, Staff
from tests.e2e.conftest import TOKEN

NEUROCHECK = str(Path(sys.executable).with_name("neurocheck"))


async def test_stranger_gets_a_short_refusal_and_is_audited(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    stranger = tg.user(9001, first_name="Stranger")
    await stranger.send("/start")
    reply = await stranger.next_message()
    assert reply.text == texts.NOT_ENROLLED
    with db.session() as session:
        refusals = session.exec(select(AuditLog).where(AuditLog.action == "access.refused")).all()
    assert [r.actor_telegram_id for r in refusals] == [9001]


async def test_enrolled_nurse_is_greeted_and_help_lists_commands(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database
) -> None:
    with db.session() as session:
        session.add(
            Staff(telegram_user_id=501, chat_id=501, display_name="Nurse Ada", role=Role.NURSE)
        )
    nurse = tg.user(501, first_name="Ada")
    await nurse.send("/start")
    greeting = (await nurse.next_message()).text or ""
    assert "Nurse Ada" in greeting and "enrolled as nurse" in greeting
    await nurse.send("/help")
    help_text = (await nurse.next_message()).text or ""
    for name, _ in texts.COMMANDS:
        assert f"/{name}" in help_text
    # The default menu is a stranger's; staff get their role's in their chat (test_staff.py).
    assert [c["command"] for c in tg.commands] == list(menus.DEFAULT)


async def test_neurocheck_run_process_serves_the_fake_server(
    tg: FakeTelegram, db: Database, tmp_path: Path
) -> None:
    """The installed command, as an operator starts it, against the Bot API URL setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROCHECK_")} | {
        "NEUROCHECK_BOT_TOKEN": TOKEN,
        "NEUROCHECK_BOT_API_URL": tg.base_url,
        "NEUROCHECK_DATABASE_URL": db.url,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    process = await asyncio.create_subprocess_exec(
        NEUROCHECK,
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        user = tg.user(777, first_name="Visitor")
        await user.send("/help")
        answer = (await user.next_message(15)).text or ""
        assert "Neurocheck runs the ICANS neuro checks" in answer
        assert [c["command"] for c in tg.commands] == list(menus.DEFAULT)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, output.decode()
    assert b"Traceback" not in output, output.decode()
