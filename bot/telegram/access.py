"""The gate every handler passes: strangers get one short refusal and learn nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from telegram import Update

from bot.services.staff import StaffService, StaffView
from bot.telegram import i18n, texts

T = TypeVar("T")


class Access:
    def __init__(self, staff: StaffService) -> None:
        self._staff = staff

    async def staff_or_refuse(self, update: Update, what: str) -> StaffView | None:
        """The enrolled sender, or None after refusing (and auditing) a stranger."""
        user = update.effective_user
        if user is None:
            return None
        staff = await asyncio.to_thread(self._staff.find_active, user.id)
        if staff is None:
            await self._refuse(update, user.id, what)
        return staff

    async def language(self, update: Update) -> str:
        """The sender's language: theirs when enrolled, else their Telegram app's (a stranger
        asking for /help is refused nothing and audited for nothing)."""
        user = update.effective_user
        if user is None:
            return i18n.ENGLISH
        staff = await asyncio.to_thread(self._staff.find_active, user.id)
        if staff is not None and staff.language in i18n.LANGUAGES:
            return staff.language
        return i18n.language_of(user.language_code)

    async def run_as(
        self, update: Update, what: str, work: Callable[[StaffView], T]
    ) -> tuple[StaffView, T] | None:
        """Resolve the sender and run ``work`` for them: one worker-thread hop, one transaction.

        Both cost more than the queries themselves (measured: tests/bench/bench_press.py),
        so the hot path, a button press, pays for one of each instead of two.
        """
        user = update.effective_user
        if user is None:
            return None
        done = await asyncio.to_thread(self._staff.run_as, user.id, work)
        if done is None:
            await self._refuse(update, user.id, what)
        return done

    async def _refuse(self, update: Update, user_id: int, what: str) -> None:
        """Refuse in the stranger's Telegram app's language: nobody chose one for them."""
        await asyncio.to_thread(self._staff.record_refusal, user_id, what)
        code = update.effective_user.language_code if update.effective_user else None
        text = i18n.gettext(i18n.language_of(code), texts.NOT_ENROLLED)
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text)
        return None
