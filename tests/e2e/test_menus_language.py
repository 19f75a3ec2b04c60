"""Command menus in each language: Telegram shows the menu of the person's app language
(``language_code`` on the Bot API's command scopes), the stranger's default and each member
of staff's own (tests/e2e/test_staff.py sees a deactivated person's go in every language)."""

from __future__ import annotations

import pytest

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram
from bot.telegram import i18n
from storage.db import Database
from storage.models import Role
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "wards")

NURSE = 501
CHINESE = i18n.TELEGRAM_CODES[i18n.CHINESE]


def described(listed: list[dict[str, str]]) -> dict[str, str]:
    return {c["command"]: c["description"] for c in listed}


async def test_strangers_and_staff_see_the_menu_in_their_apps_language(
    tg: FakeTelegram, db: Database, clock: FakeClock, neurocheck: Neurocheck
) -> None:
    default_en, default_zh = described(tg.commands), described(tg.commands_for(None, CHINESE))
    assert list(default_en) == list(default_zh) == ["start", "help"]
    assert default_en["help"] == "What this bot does and its commands"
    assert default_zh["help"] == "本机器人的用途及其命令"

    await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    await neurocheck.tick()
    chat = {"type": "chat", "chat_id": NURSE}
    english, chinese = described(tg.commands_for(chat)), described(tg.commands_for(chat, CHINESE))
    assert list(english) == list(chinese) and "check" in chinese and "invite" not in chinese
    assert english["offduty"] == "End your duty now" and chinese["offduty"] == "立即结束值班"
    assert chinese["check"] == "开始神经系统评估：/check <患者>"
