"""Thin Telegram adapters for the basics: ``/start`` without a code, ``/help``, errors."""

from __future__ import annotations

import asyncio
import logging
from typing import Final

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.telegram import i18n, texts, welcome
from bot.telegram.access import Access
from bot.telegram.language import spoken_by

log = logging.getLogger(__name__)


class CoreHandlers:
    """``/start`` and ``/help``: the walking skeleton every other feature hangs off."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("start", self.start))
        app.add_handler(CommandHandler("help", self.help))
        app.add_error_handler(self.on_error)

    async def start(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        staff = await self._access.staff_or_refuse(update, "start")
        if staff is None or message is None:
            return
        text = welcome.welcome(staff.display_name, staff.role, spoken_by(staff))
        await message.reply_text(text)

    async def help(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            language = await self._access.language(update)
            await update.effective_message.reply_text(welcome.help_text(language))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        await on_error(update, context, self._access)


class FallbackHandlers:
    """Registered last: whatever no feature handled still gets a clear answer."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CallbackQueryHandler(self.unknown_button))
        app.add_handler(MessageHandler(filters.COMMAND, self.unknown_command))

    async def unknown_button(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Forged data or a button from an older release: say so, so the spinner stops."""
        staff = await self._access.staff_or_refuse(update, "button")
        if staff is None:
            return
        if update.callback_query is not None:
            said = i18n.gettext(spoken_by(staff), texts.BUTTON_NOT_VALID)
            await update.callback_query.answer(said, show_alert=True)

    async def unknown_command(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "command")
        if staff is None:
            return
        if update.effective_message is not None:
            said = i18n.gettext(spoken_by(staff), texts.UNKNOWN_COMMAND)
            await update.effective_message.reply_text(said)


async def on_error(
    update: object, context: ContextTypes.DEFAULT_TYPE, access: Access | None = None
) -> None:
    """Known Telegram conditions are logged briefly; anything else with its traceback, once,
    and the person is told: silence after a tap at 3 a.m. reads as "it worked"."""
    error = context.error
    update_id = getattr(update, "update_id", None)
    if isinstance(error, RetryAfter | Forbidden | NetworkError):
        log.warning("telegram: %s (update %s)", error, update_id)
        return
    log.error("unhandled error in handler (update %s)", update_id, exc_info=error)
    if isinstance(update, Update):
        text = i18n.gettext(await _language(update, access), texts.HANDLER_ERROR)
        await _tell(update, context, text)


LANGUAGE_WAIT: Final = 2.0
"""Seconds to look up the person's language after an error (the database may be the error)."""


async def _language(update: Update, access: Access | None) -> str:
    """The person's language; their Telegram app's when it cannot be read in time."""
    user = update.effective_user
    fallback = i18n.language_of(user.language_code if user else None)
    if access is None:
        return fallback
    try:
        return await asyncio.wait_for(access.language(update), LANGUAGE_WAIT)
    except Exception:  # best effort: the error itself is logged already
        log.warning("could not read the language of update %s", update.update_id)
        return fallback


async def _tell(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """A pop-up for a press (a message when the press was answered already); best effort:
    the error is logged already, a failure to tell is one more line."""
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text, show_alert=True)
                return
            except BadRequest:  # answered before the error: the chat is left
                pass
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as exc:
        log.warning("could not tell the person about the error: %s", exc)
