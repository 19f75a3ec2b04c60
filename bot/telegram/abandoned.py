"""How the outbox words the messages about a check closed for silence (queued by
bot.services.abandoned): the check's message redrawn as closed, and the nurse's notice."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bot.services import abandoned
from bot.services.checks import CheckService
from bot.services.outbox import OutboxItem
from bot.telegram import check_views
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.prompts import Outgoing, Renderer


def notice_text(label: str, idle_minutes: int, language: str = ENGLISH) -> str:
    words = N_(
        "The check on {label} had no answer for {idle_minutes} minutes and was closed "
        "without recording anything. Start it again with /check {label}."
    )
    return gettext(language, words).format(label=label, idle_minutes=idle_minutes)


def renderers(checks: CheckService, zone: ZoneInfo) -> dict[str, Renderer]:
    """The two purposes' renderers: the redraw from the check as it stands when sent."""

    async def redraw(item: OutboxItem) -> Outgoing | None:
        view = await asyncio.to_thread(checks.view, int(item.payload["assessment_id"]))
        if view is None:
            return None
        text, markup = check_views.render(view, zone, item.language or ENGLISH)
        return Outgoing(text, markup, edit_message_id=int(item.payload["message_id"]))

    async def notice(item: OutboxItem) -> Outgoing | None:
        label, idle = str(item.payload["label"]), int(item.payload["idle_minutes"])
        return Outgoing(notice_text(label, idle, item.language or ENGLISH))

    return {abandoned.EDIT_PURPOSE: redraw, abandoned.NOTICE_PURPOSE: notice}
