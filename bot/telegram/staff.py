"""``/staff`` for ward administrators: their wards' staff, and buttons to deactivate or
reactivate someone, each with a confirmation step.

A button carries ``sf:<staff id>:0:<action>`` (well under Telegram's 64 bytes). The service
decides on the state at the press, so a doubled or stale press (someone already deactivated,
or no longer on the admin's wards) is answered with why and changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Final
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.errors import RefusedError
from bot.services.staff import StaffView
from bot.services.staff_admin import (
    Change,
    StaffAdminService,
    StaffRefusal,
    StaffRow,
)
from bot.services.staff_contact import ContactService
from bot.telegram import staff_texts, texts, words
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.i18n import ENGLISH, gettext
from bot.telegram.language import spoken_by
from storage.models import Role

KIND: Final = "sf"
ASK_OFF, ASK_ON, YES_OFF, YES_ON, NO = "off", "on", "offyes", "onyes", "no"
ACTIONS: Final = frozenset({ASK_OFF, ASK_ON, YES_OFF, YES_ON, NO})
OnChange = Callable[[Application], None]  # type: ignore[type-arg]


def _button(text: str, staff_id: int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=Callback(KIND, staff_id, 0, action).encode())


def listing(
    rows: Sequence[StaffRow], actor_id: int, zone: ZoneInfo, language: str = ENGLISH
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages of ``/staff``: a page of people each, with a button per person (none for
    the admin themself)."""
    deactivate = gettext(language, staff_texts.DEACTIVATE)
    reactivate = gettext(language, staff_texts.REACTIVATE)
    pages = []
    for start in range(0, len(rows), staff_texts.PAGE_SIZE):
        page = rows[start : start + staff_texts.PAGE_SIZE]
        text = "\n".join(staff_texts.person_line(row, zone, language) for row in page)
        buttons = [
            [
                _button(deactivate.format(name=r.display_name), r.staff_id, ASK_OFF)
                if r.active
                else _button(reactivate.format(name=r.display_name), r.staff_id, ASK_ON)
            ]
            for r in page
            if r.staff_id != actor_id
        ]
        pages.append((text, InlineKeyboardMarkup(buttons) if buttons else None))
    return pages


class StaffHandlers:
    def __init__(
        self,
        access: Access,
        admin: StaffAdminService,
        zone: ZoneInfo,
        on_change: OnChange | None = None,
        contacts: ContactService | None = None,
    ) -> None:
        self._contacts = contacts
        self._access = access
        self._admin = admin
        self._zone = zone
        self._on_change = on_change  # withdrawn pages move on, menus change: send now

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("staff", self.list))
        app.add_handler(CallbackQueryHandler(self.press, pattern=rf"^{KIND}:"))

    async def list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "staff")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        if staff.role is not Role.ADMIN:
            await message.reply_text(gettext(language, staff_texts.NOT_ADMIN))
            return
        if context.args and context.args[0].lower() == "contact":
            await message.reply_text(await self._contact(staff, context.args[1:]))
            return
        rows = await asyncio.to_thread(self._admin.list_for, staff)
        if not rows:
            await message.reply_text(gettext(language, staff_texts.NO_STAFF))
        for text, markup in listing(rows, staff.id, self._zone, language):
            await message.reply_text(text, reply_markup=markup, protect_content=True)

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data = parse(query.data)
        if data is None or data.kind != KIND or data.action not in ACTIONS:
            staff = await self._access.staff_or_refuse(update, "staff_button")
            if staff is not None:
                said = gettext(spoken_by(staff), texts.BUTTON_NOT_VALID)
                await query.answer(said, show_alert=True)
            return
        try:
            done = await self._access.run_as(
                update, "staff_button", lambda actor: self._act(actor, data.target, data.action)
            )
        except RefusedError as refused:
            language = await self._access.language(update)
            await query.answer(words.refusal(refused, language), show_alert=True)
            await _drop_keyboard(query)
            return
        if done is None:
            return
        await query.answer()
        language = spoken_by(done[0])
        result = done[1]
        if isinstance(result, Change):
            await query.edit_message_text(staff_texts.change_text(result, language))
            if self._on_change is not None:
                self._on_change(context.application)
        elif result is None:
            await query.edit_message_text(gettext(language, staff_texts.CANCELLED))
        else:
            assert isinstance(query.message, Message)
            text, markup = result
            await query.message.reply_text(text, reply_markup=markup)

    async def _contact(self, actor: StaffView, args: Sequence[str]) -> str:
        """``/staff contact <Telegram id> email <address> | pager <number> | clear``."""
        language = spoken_by(actor)
        request = staff_texts.parse_contact(args)
        if request is None or self._contacts is None:
            return gettext(language, staff_texts.CONTACT_USAGE)
        telegram_id, channel, address = request
        try:
            change = await asyncio.to_thread(
                self._contacts.set_by, actor, telegram_id, channel, address
            )
        except RefusedError as refused:
            return words.refusal(refused, language)
        return staff_texts.contact_text(change, language)

    def _act(
        self, actor: StaffView, staff_id: int, action: str
    ) -> Change | tuple[str, InlineKeyboardMarkup] | None:
        """In the press's transaction: ask to confirm, do it, or (cancel) nothing."""
        if action == YES_OFF:
            return self._admin.deactivate_by(
                actor, staff_id, reason=staff_texts.removed_in_chat(actor)
            )
        if action == YES_ON:
            return self._admin.reactivate_by(actor, staff_id)
        if action == NO:
            return None
        row, wards = self._admin.look_up_by(actor, staff_id)
        if action == ASK_OFF and not row.active:
            raise RefusedError(StaffRefusal.ALREADY_INACTIVE, name=row.display_name)
        if action == ASK_ON and row.active:
            raise RefusedError(StaffRefusal.ALREADY_ACTIVE, name=row.display_name)
        said = spoken_by(actor)
        if action == ASK_OFF:
            text = staff_texts.confirm_deactivate(row, wards, said)
            yes = (staff_texts.YES_REMOVE, YES_OFF)
        else:
            text, yes = (
                staff_texts.confirm_reactivate(row, said),
                (staff_texts.YES_REACTIVATE, YES_ON),
            )
        cancel = gettext(said, staff_texts.CANCEL)
        markup = InlineKeyboardMarkup(
            [[_button(gettext(said, yes[0]), staff_id, yes[1]), _button(cancel, staff_id, NO)]]
        )
        return text, markup


async def _drop_keyboard(query: CallbackQuery) -> None:
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        await query.edit_message_reply_markup(reply_markup=None)
