"""``/language``: the person chooses the language the bot speaks to them.

Enrolment sets it from the Telegram app's language (``i18n.language_of``); this command
changes it with one tap. The buttons name each language in itself, so a person who reads
only one of them finds it.
"""

from __future__ import annotations

import asyncio
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.staff import StaffService, StaffView
from bot.telegram import callbacks, i18n
from bot.telegram.access import Access
from bot.telegram.i18n import N_

KIND: Final = "lg"
NAMES: Final = {i18n.ENGLISH: "English", i18n.CHINESE: "简体中文"}
"""Each language in its own words (not translated)."""
ASK: Final = N_("Which language should I use with you?")
CHOSEN: Final = N_("From now on I write to you in English.")


def spoken_by(staff: StaffView) -> str:
    """The language to speak to ``staff``: theirs, English when they have none."""
    return staff.language if staff.language in i18n.LANGUAGES else i18n.ENGLISH


def keyboard(staff_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    name,
                    callback_data=callbacks.Callback(KIND, staff_id, 0, language).encode(),
                )
                for language, name in NAMES.items()
            ]
        ]
    )


class LanguageHandlers:
    def __init__(self, access: Access, staff: StaffService) -> None:
        self._access = access
        self._staff = staff

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("language", self.ask))
        app.add_handler(CallbackQueryHandler(self.press, pattern=rf"^{KIND}:"))

    async def ask(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "language")
        message = update.effective_message
        if staff is None or message is None:
            return
        text = i18n.gettext(spoken_by(staff), ASK)
        await message.reply_text(text, reply_markup=keyboard(staff.id))

    async def press(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        staff = await self._access.staff_or_refuse(update, "language")
        if staff is None or query is None:
            return
        data = callbacks.parse(query.data)
        if data is None or data.target != staff.id or data.action not in NAMES:
            await query.answer()
            return
        await asyncio.to_thread(self._staff.set_language, staff.id, data.action)
        await query.answer()
        await query.edit_message_text(i18n.gettext(data.action, CHOSEN))
