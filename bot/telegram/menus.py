"""Command menus per role, through the Bot API's command scopes.

Everyone who is not (or no longer) enrolled sees the default menu: /start and /help. Each
member of staff gets a menu for their private chat (``BotCommandScopeChat``) with their role's
commands: a nurse sees neither /invite nor /staff, and her /oncall is the view only; a
deactivated person's menu is deleted, so they see the default again. Menus are published from
the outbox (``services.menus``), reading the person's role when the row is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping
from typing import Final

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.services.menus import MenuService, MenuTarget
from bot.services.outbox import OutboxItem
from bot.telegram import i18n, texts
from bot.telegram.i18n import N_
from bot.telegram.prompts import Action
from storage.models import Role

DEFAULT: Final = ("start", "help")
ENROLLED: Final = (*DEFAULT, "language")
_CLINICAL: Final = (
    "check",
    "cancel",
    "event",
    "history",
    "timeline",
    "patients",
    "admit",
    "discharge",
)
_NURSING: Final = (*_CLINICAL, "plan", "onduty", "offduty", "duty", "alerts", "oncall")
ROLE_COMMANDS: Final[Mapping[Role, tuple[str, ...]]] = {
    Role.NURSE: (*ENROLLED, *_NURSING),
    Role.CHARGE_NURSE: (*ENROLLED, *_NURSING),
    Role.PHYSICIAN: (*ENROLLED, *_CLINICAL, "plan", "duty", "alerts", "oncall"),
    Role.ADMIN: (
        *ENROLLED,
        "patients",
        "history",
        "timeline",
        "admit",
        "discharge",
        "plan",
        "duty",
        "alerts",
        "oncall",
        "invite",
        "staff",
    ),
}
ONCALL_VIEW: Final = N_("Who is on call on your wards, now and in the next 24 hours")
"""/oncall for those who may only look (the physicians' entry explains taking a duty)."""


def commands_for(role: Role | None, language: str = i18n.ENGLISH) -> list[BotCommand]:
    """The menu of a role (None: the default, for strangers and deactivated people)."""
    described = dict(texts.COMMANDS)
    if role is not Role.PHYSICIAN:
        described["oncall"] = ONCALL_VIEW
    names = DEFAULT if role is None else ROLE_COMMANDS[role]
    return [BotCommand(name, i18n.gettext(language, described[name])) for name in names]


def _variants() -> list[tuple[str, str | None]]:
    """(language, Bot API ``language_code``) of each menu: English for every app language
    (no code), then each translation for the apps set to its language. Telegram shows the
    variant of the person's app language, so nobody has to choose one first."""
    return [
        (language, None if language == i18n.ENGLISH else i18n.TELEGRAM_CODES[language])
        for language in i18n.LANGUAGES
    ]


def release() -> str:
    """A fingerprint of every menu this release publishes (each role's and the strangers',
    in each language): start-up republishes the people's menus only when it changes."""
    lists = [
        [(c.command, c.description) for c in commands_for(role, language)]
        for role in (None, *Role)
        for language in i18n.LANGUAGES
    ]
    return hashlib.sha256(json.dumps(lists, ensure_ascii=False).encode()).hexdigest()[:16]


async def publish_default(bot: Bot) -> None:
    for language, code in _variants():
        await bot.set_my_commands(
            commands_for(None, language), scope=BotCommandScopeDefault(), language_code=code
        )


async def publish(bot: Bot, target: MenuTarget) -> None:
    """One person's menu, in each language; a deactivated person's is deleted (the default
    shows again). The variant for apps in other languages is in the person's own language
    (``/language``), so a nurse who chose Chinese on an English phone gets a Chinese menu."""
    scope = BotCommandScopeChat(target.chat_id)
    chosen = target.language if target.language in i18n.LANGUAGES else i18n.ENGLISH
    for language, code in _variants():
        if target.role is None:
            await bot.delete_my_commands(scope=scope, language_code=code)
        else:
            said = chosen if code is None else language
            await bot.set_my_commands(
                commands_for(target.role, said), scope=scope, language_code=code
            )


def publisher(menus: MenuService) -> Action:
    """The outbox action for ``services.menus.PURPOSE`` rows."""

    async def act(bot: Bot, item: OutboxItem) -> None:
        target = await asyncio.to_thread(menus.target, int(item.payload["staff_id"]))
        if target is not None:
            await publish(bot, target)

    return act
