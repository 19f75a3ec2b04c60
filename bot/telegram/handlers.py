"""Thin Telegram adapters: parse the update, call a service, render the answer."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services.staff import StaffService
from bot.telegram import texts

log = logging.getLogger(__name__)


class CoreHandlers:
    """``/start`` and ``/help``: the walking skeleton every other feature hangs off."""

    def __init__(self, staff: StaffService) -> None:
        self._staff = staff

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("start", self.start))
        app.add_handler(CommandHandler("help", self.help))
        app.add_error_handler(on_error)

    async def start(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        staff = await asyncio.to_thread(self._staff.find_active, user.id)
        if staff is None:
            await asyncio.to_thread(self._staff.record_refusal, user.id, "start")
            await message.reply_text(texts.NOT_ENROLLED)
            return
        await message.reply_text(texts.welcome(staff.display_name, staff.role))

    async def help(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(texts.HELP)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Known Telegram conditions are logged briefly; anything else with its traceback."""
    error = context.error
    if isinstance(error, RetryAfter | Forbidden | NetworkError):
        log.warning("telegram: %s (update %s)", error, getattr(update, "update_id", None))
        return
    log.error("unhandled error in handler", exc_info=error)
