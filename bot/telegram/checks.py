"""Telegram adapters for the neuro check: parse, call ``CheckService``, render.

Conversation state is in the database (see ``bot/clinical/check_flow.md``), so these handlers
hold none: a press after a restart, or on another instance, works the same. A refusal
(``RefusedError``) is caught inside the worker thread's transaction, so that the audit row of
a refused press is kept, and worded here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from telegram import Bot, CallbackQuery, Message, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.clinical import check_flow
from bot.services.checks import CheckService, CheckView, Held, Shown, StartResult
from bot.services.errors import RefusedError
from bot.services.staff import StaffView
from bot.telegram import callbacks, check_views, texts, words
from bot.telegram.access import Access
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.language import spoken_by
from bot.telegram.picker import PatientPicker
from bot.telegram.words import checks as check_words
from storage.models import AssessmentStatus

log = logging.getLogger(__name__)

USAGE = N_("Usage: /check <patient label>, e.g. /check Bed 4. /patients lists your patients.")
NO_CHECK_OPEN = N_("No check is open. Start one with /check <patient label>.")
NOTHING_TO_CANCEL = N_("You have no check open; nothing to cancel.")
CANCEL_WORDS = frozenset({"cancel", "stop", "取消"})
"""Typed on their own, these do what /cancel does (ask first): a tired nurse types the word."""


OnSubmitted = Callable[[Application], None]  # type: ignore[type-arg]
T = TypeVar("T")


def caught(work: Callable[[], T]) -> T | RefusedError:
    """The use case's result, or its refusal as a value: run inside the transaction, so
    that what the refusal wrote (its audit row) is committed rather than rolled back."""
    try:
        return work()
    except RefusedError as refused:
        return refused


class CheckHandlers:
    def __init__(
        self,
        access: Access,
        checks: CheckService,
        zone: ZoneInfo,
        on_submitted: OnSubmitted | None = None,
        picker: PatientPicker | None = None,
    ) -> None:
        self._picker = picker
        self._access = access
        self._checks = checks
        self._zone = zone
        self._on_submitted = on_submitted  # a submitted check may have raised an alert

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("check", self.check))
        app.add_handler(CommandHandler("cancel", self.cancel))
        app.add_handler(CallbackQueryHandler(self.press, pattern=r"^(a|to|ck):"))
        app.add_handler(MessageHandler(filters.PHOTO & filters.ChatType.PRIVATE, self.photo))
        app.add_handler(
            MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, self.text)
        )

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "check")
        message = update.effective_message
        if staff is None or message is None:
            return
        label = " ".join(context.args or []).strip()
        if not label and self._picker is not None:
            await self._picker.show(message, staff, "check")
            return
        if not label:
            await message.reply_text(gettext(spoken_by(staff), USAGE))
            return
        baseline = label.lower().endswith(" baseline")
        label = label[: -len(" baseline")] if baseline else label
        if self._picker is not None:
            resolved = await self._picker.resolve(message, staff, "check", label)
            if resolved is None:
                return
            label = resolved
        result = await asyncio.to_thread(
            caught, lambda: self._checks.start(staff, label=label, baseline=baseline)
        )
        await self.show_start(context.bot, message.chat_id, result, spoken_by(staff))
        self.started(context.application, result)

    def started(
        self,
        app: Application,  # type: ignore[type-arg]
        result: StartResult | RefusedError,
    ) -> None:
        """A new check may have queued edits of its prompts' copies: send them now."""
        if isinstance(result, Shown) and self._on_submitted is not None:
            self._on_submitted(app)

    async def for_label(
        self, message: Message, context: ContextTypes.DEFAULT_TYPE, staff: StaffView, label: str
    ) -> None:
        """/check for a patient chosen in the picker."""
        result = await asyncio.to_thread(caught, lambda: self._checks.start(staff, label=label))
        await self.show_start(context.bot, message.chat_id, result, spoken_by(staff))
        self.started(context.application, result)

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data = callbacks.parse(query.data)
        done = await self._access.run_as(update, "check_button", lambda s: self._act(s, data))
        if done is None:
            return
        staff, result = done
        language = spoken_by(staff)
        if data is None or result is None:
            await query.answer(gettext(language, texts.BUTTON_NOT_VALID), show_alert=True)
        elif data.kind == "ck":
            await query.answer()
            await self.show_start(context.bot, query.from_user.id, result, language)
            self.started(context.application, result)
        elif data.action == check_views.CANCEL_ASK and isinstance(result, Shown):
            await self._ask_cancel(query, result.view, language)
        else:
            assert not isinstance(result, Held)
            await self._show_press(context.bot, query, result, language)
            if data.action in (check_flow.CANCEL, check_flow.STAY) and isinstance(result, Shown):
                await self._close_confirmation(query, result.view, language)
            finished = isinstance(result, Shown) and result.view.status in (
                AssessmentStatus.SUBMITTED,
                AssessmentStatus.CANCELLED,
            )
            if finished and self._on_submitted is not None:
                self._on_submitted(context.application)

    def _act(
        self, staff: StaffView, data: callbacks.Callback | None
    ) -> StartResult | RefusedError | None:
        """The service call for a press (runs in the worker thread with the staff lookup)."""
        if data is None:
            return None
        return caught(lambda: self._call(staff, data))

    def _call(self, staff: StaffView, data: callbacks.Callback) -> StartResult:
        if data.kind == "ck":
            return self._checks.start(
                staff, patient_id=data.target, baseline=data.action == "baseline"
            )
        if data.kind == "to":
            return self._checks.take_over(staff, data.target, data.version)
        if data.action == check_views.CANCEL_ASK:  # nothing changes yet: check and show
            return self._checks.press(staff, data.target, data.version, check_flow.STAY)
        return self._checks.press(staff, data.target, data.version, data.action)

    async def cancel(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """/cancel: the open check's confirmation, as a reply to its question."""
        staff = await self._access.staff_or_refuse(update, "cancel")
        message = update.effective_message
        if staff is None or message is None:
            return
        view = await asyncio.to_thread(self._checks.open_check, staff)
        if view is None:
            await message.reply_text(gettext(spoken_by(staff), NOTHING_TO_CANCEL))
            return
        text, markup = check_views.confirm_cancel(view, spoken_by(staff))
        same_chat = view.chat_id == message.chat_id
        await message.reply_text(
            text,
            reply_markup=markup,
            protect_content=True,
            reply_to_message_id=view.message_id if same_chat else None,
            allow_sending_without_reply=True,
        )

    async def _ask_cancel(self, query: CallbackQuery, view: CheckView, language: str) -> None:
        text, markup = check_views.confirm_cancel(view, language)
        await query.answer()
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    @staticmethod
    async def _close_confirmation(query: CallbackQuery, view: CheckView, language: str) -> None:
        """The confirmation /cancel sent (not the question itself) says how it ended."""
        asked = query.message
        if asked is None or asked.message_id == view.message_id:
            return
        try:
            await query.edit_message_text(check_views.cancel_reply(view, language))
        except BadRequest as exc:
            log.debug("confirmation already closed: %s", exc)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "text")
        message = update.effective_message
        if staff is None or message is None or message.text is None:
            return
        if message.text.strip().lower() in CANCEL_WORDS:
            await self.cancel(update, context)
            return
        shown = await asyncio.to_thread(self._checks.free_text, staff, message.text)
        await self._show_input(context.bot, message.chat_id, shown, spoken_by(staff))

    async def photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "photo")
        message = update.effective_message
        if staff is None or message is None or not message.photo:
            return
        shown = await asyncio.to_thread(self._checks.photo, staff, message.photo[-1].file_id)
        await self._show_input(context.bot, message.chat_id, shown, spoken_by(staff))

    # -- rendering ------------------------------------------------------------------------

    async def show_start(
        self,
        bot: Bot,
        chat_id: int,
        result: StartResult | RefusedError,
        language: str = ENGLISH,
    ) -> None:
        """Draw the outcome of starting a check: the first question, who holds it, or why not,
        in the language of the nurse who started it."""
        if isinstance(result, RefusedError):
            await bot.send_message(chat_id, words.refusal(result, language))
        elif isinstance(result, Held):
            text, markup = check_views.held_text(result, self._zone, language)
            await bot.send_message(chat_id, text, reply_markup=markup, protect_content=True)
        elif result.resumed and await self._lead_back(bot, chat_id, result.view, language):
            return
        else:
            await self._send(bot, chat_id, result.view, language)

    async def _lead_back(self, bot: Bot, chat_id: int, view: CheckView, language: str) -> bool:
        """A second Start: point at the open question (a reply quotes it, one tap away)
        instead of sending a copy with live buttons. False when that message is gone."""
        if view.message_id is None or view.chat_id != chat_id:
            return False
        try:
            await bot.send_message(
                chat_id,
                check_views.open_already(view, language),
                reply_to_message_id=view.message_id,
                allow_sending_without_reply=False,
            )
        except BadRequest as exc:
            log.info("open check %s: question message gone (%s)", view.assessment_id, exc)
            return False
        return True

    async def _show_press(
        self, bot: Bot, query: CallbackQuery, result: Shown | RefusedError, language: str
    ) -> None:
        if isinstance(result, RefusedError):
            await query.answer(words.refusal(result, language), show_alert=True)
            return
        notice = check_words.notice(result.notice, language)
        if result.displaced is not None:
            await self._displace(bot, result.displaced, result.view.holder_name)
        if result.new_message:
            await query.answer(notice)
            await self._send(bot, query.from_user.id, result.view, language)
        else:
            # Independent calls, the edit first: the changed question is what the nurse waits
            # for (the buttons she pressed go with it); the answer stops the spinner just after.
            await asyncio.gather(self._edit(bot, result.view, language), query.answer(notice))

    async def _show_input(self, bot: Bot, chat_id: int, shown: Shown | None, language: str) -> None:
        if shown is None:
            await bot.send_message(chat_id, gettext(language, NO_CHECK_OPEN))
            return
        if shown.notice is not None:
            await bot.send_message(chat_id, check_words.notice(shown.notice, language) or "")
        await self._send(bot, chat_id, shown.view, language)

    async def _send(self, bot: Bot, chat_id: int, view: CheckView, language: str) -> None:
        """A fresh question message; the old one loses its buttons, so only one copy of the
        question can be answered (its buttons would go stale with the version anyway)."""
        await self._drop_buttons(bot, view)
        text, markup = check_views.render(view, self._zone, language)
        sent = await bot.send_message(chat_id, text, reply_markup=markup, protect_content=True)
        await asyncio.to_thread(
            self._checks.remember_message, view.assessment_id, chat_id, sent.message_id
        )

    @staticmethod
    async def _drop_buttons(bot: Bot, view: CheckView) -> None:
        if view.chat_id is None or view.message_id is None:
            return
        try:
            await bot.edit_message_reply_markup(
                chat_id=view.chat_id, message_id=view.message_id, reply_markup=None
            )
        except (BadRequest, Forbidden) as exc:  # already without buttons, or gone
            log.debug("old question %s keeps no buttons: %s", view.message_id, exc)

    async def _edit(self, bot: Bot, view: CheckView, language: str) -> None:
        if view.chat_id is None or view.message_id is None:
            return
        text, markup = check_views.render(view, self._zone, language)
        try:
            await bot.edit_message_text(
                text, chat_id=view.chat_id, message_id=view.message_id, reply_markup=markup
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise

    async def _displace(self, bot: Bot, view: CheckView, new_holder: str) -> None:
        """Tell the previous holder, and take the buttons off their copy."""
        if view.chat_id is None or view.message_id is None:
            return
        try:
            await bot.edit_message_text(
                f"{check_views.render(view, self._zone)[0]}\n\nTaken over by {new_holder}.",
                chat_id=view.chat_id,
                message_id=view.message_id,
            )
        except (BadRequest, Forbidden) as exc:
            log.warning("could not update the displaced check message: %s", exc)
        await _send_quietly(bot, view.chat_id, f"{new_holder} took over the check on {view.label}.")


async def _send_quietly(bot: Bot, chat_id: int, text: str) -> None:
    """A courtesy message; a person who blocked the bot must not break the caller."""
    try:
        await bot.send_message(chat_id, text)
    except Forbidden as exc:
        log.warning("chat %s unreachable: %s", chat_id, exc)
