"""Webhook mode end to end: ``neurocheck run --webhook`` behind a (fake) reverse proxy; the
secret token is checked on every request."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.fake_telegram.webhook import SECRET_HEADER
from storage.db import Database
from tests.e2e.processes import BotProcess, bot_env
from tests.e2e.test_failover import POSTGRES
from tests.e2e.test_http_face import free_port

PUBLIC = "https://ward.example"
HOOK = "/telegram/neurocheck"
SECRET = "s3cret-" + "0123456789abcdef" * 3


@pytest.fixture
async def webhook_bot(tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, str]]:
    port = free_port()
    tg.route_webhook(PUBLIC, f"http://127.0.0.1:{port}")
    env = bot_env(
        tg, f"sqlite:///{tmp_path / 'ward.db'}", webhook_secret=SECRET, webhook_port=str(port)
    )
    bot = await BotProcess.start("bot", env, tmp_path, "run", "--webhook", PUBLIC + HOOK)
    try:
        await bot.wait_for("webhook: listening")
        yield bot, f"http://127.0.0.1:{port}{HOOK}"
    finally:
        assert await bot.stop() == 0
        assert "Traceback" not in bot.output, bot.output


def forged_help(user_id: int) -> dict[str, object]:
    """What Telegram would post for ``/help`` from ``user_id``."""
    chat = {"id": user_id, "type": "private", "first_name": "Mallory"}
    return {
        "update_id": 90001,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": "Mallory"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


async def test_wrong_secret_is_refused_and_the_right_one_answered(
    tg: FakeTelegram, webhook_bot: tuple[BotProcess, str]
) -> None:
    _bot, local = webhook_bot
    [registered] = tg.calls_to("setWebhook")
    assert registered["url"] == PUBLIC + HOOK and registered["secret_token"] == SECRET
    mallory = tg.user(779, first_name="Mallory")
    async with httpx.AsyncClient() as client:
        wrong = await client.post(local, json=forged_help(779), headers={SECRET_HEADER: "guess"})
        missing = await client.post(local, json=forged_help(779))
    assert (wrong.status_code, missing.status_code) == (403, 403)
    await mallory.assert_no_message(within=1.0)

    visitor = tg.user(780, first_name="Visitor")
    await visitor.send("/help")  # Telegram pushes it, with the secret, through the proxy
    answer = await visitor.next_message(10)
    assert "Neurocheck runs the ICANS neuro checks" in (answer.text or "")
    assert [d.status for d in tg.webhook_deliveries] == [200]
    assert not tg.calls_to("getUpdates")  # every instance takes pushed updates; nobody polls


@pytest.mark.skipif(not POSTGRES, reason="several instances need PostgreSQL")
async def test_every_instance_takes_updates_in_webhook_mode(
    tg: FakeTelegram, db: Database, tmp_path: Path
) -> None:
    bots: list[BotProcess] = []
    ports = [free_port(), free_port()]
    try:
        for number, port in enumerate(ports):
            env = bot_env(tg, db.url, webhook_secret=SECRET, webhook_port=str(port))
            bot = await BotProcess.start(
                f"bot{number}", env, tmp_path, "run", "--webhook", PUBLIC + HOOK
            )
            bots.append(bot)
            await bot.wait_for("webhook: listening")
        visitor = tg.user(782, first_name="Visitor")
        for port in ports:  # the proxy sends this update to one instance, the next to the other
            tg.route_webhook(PUBLIC, f"http://127.0.0.1:{port}")
            await visitor.send("/help")
            assert "Neurocheck" in ((await visitor.next_message(10)).text or "")
        assert [d.url.split("/")[2] for d in tg.webhook_deliveries] == [
            f"127.0.0.1:{port}" for port in ports
        ]
        assert not tg.calls_to("getUpdates")
    finally:
        for bot in bots:
            assert await bot.stop() == 0
            assert "Traceback" not in bot.output, bot.output
