"""Telegram adapters for enrolment: ``/start <code>`` and the admins' ``/invite``.

``/start`` with a code is taken here (registered before ``CoreHandlers``); without a code it
falls through to ``CoreHandlers.start``. Redeeming needs no enrolment, everything else does.
"""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.services.enrolment import EnrolmentService, InviteView, parse_role
from bot.services.errors import RefusedError
from bot.services.staff import StaffService
from bot.telegram import i18n, texts, welcome
from bot.telegram.access import Access
from bot.telegram.duty_texts import moment
from bot.telegram.language import spoken_by
from bot.telegram.words import refusal
from storage.models import Role


def deep_link(bot_username: str, code: str) -> str:
    """Telegram opens the chat with the bot and sends ``/start <code>`` on the user's tap."""
    return f"https://t.me/{bot_username}?start={code}"


def invite_text(
    invite: InviteView, bot_username: str | None, zone: ZoneInfo, language: str = i18n.ENGLISH
) -> str:
    return texts.invite_created(
        role=invite.role,
        ward_code=invite.ward_code,
        ward_name=invite.ward_name,
        until=f"{moment(invite.expires_at, zone, language)} ({zone.key})",
        link=deep_link(bot_username, invite.code) if bot_username else None,
        code=invite.code,
        language=language,
    )


class EnrolmentHandlers:
    def __init__(
        self, access: Access, staff: StaffService, enrolment: EnrolmentService, zone: ZoneInfo
    ) -> None:
        self._access = access
        self._staff = staff
        self._enrolment = enrolment
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        """Before ``CoreHandlers``: it must see ``/start <code>`` first."""
        app.add_handler(
            CommandHandler(
                "start", self.start_with_code, filters=filters.ChatType.PRIVATE, has_args=True
            )
        )
        app.add_handler(CommandHandler("invite", self.invite))

    async def start_with_code(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user, chat, message = update.effective_user, update.effective_chat, update.effective_message
        if user is None or chat is None or message is None or not context.args:
            return
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        try:
            view = await asyncio.to_thread(
                self._enrolment.redeem,
                context.args[0],
                telegram_user_id=user.id,
                chat_id=chat.id,
                display_name=name,
                language=i18n.language_of(user.language_code),
            )
        except RefusedError as refused:  # a stranger: their Telegram app's language
            await message.reply_text(refusal(refused, i18n.language_of(user.language_code)))
            return
        await message.reply_text(
            welcome.enrolled(
                display_name=view.display_name,
                role=view.role,
                ward_code=view.ward_code,
                ward_name=view.ward_name,
                ward_codes=view.ward_codes,
                new_account=view.new_account,
                ward_added=view.ward_added,
                previous_role=view.previous_role,
                language=view.language or i18n.ENGLISH,
            )
        )

    async def invite(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "invite")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        if staff.role != Role.ADMIN:
            await asyncio.to_thread(self._staff.record_refusal, staff.telegram_user_id, "invite")
            await message.reply_text(i18n.gettext(language, texts.INVITE_ADMINS_ONLY))
            return
        args = context.args or []
        role = parse_role(args[0]) if args else None
        if role is None or len(args) > 2:
            await message.reply_text(i18n.gettext(language, texts.INVITE_USAGE))
            return
        try:
            invite = await asyncio.to_thread(
                self._enrolment.create_invite,
                role=role,
                ward_code=args[1] if len(args) == 2 else None,
                actor_staff_id=staff.id,
            )
        except RefusedError as refused:
            await message.reply_text(refusal(refused, language))
            return
        # Not protect_content: the admin has to forward this message to the new member.
        await message.reply_text(invite_text(invite, context.bot.username, self._zone, language))
