"""``/onduty [hours]``, ``/offduty``, ``/duty`` and ``/oncall``: who gets the ward's prompts
and alerts. The words, in the reader's language, are in ``bot.telegram.duty_texts``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services.duty import DutyService
from bot.services.errors import RefusedError
from bot.services.roster import RosterService
from bot.services.shifts import MAX_HOURS, parse_hours
from bot.services.staff import StaffView
from bot.telegram import words
from bot.telegram.access import Access
from bot.telegram.duty_texts import (
    ONCALL_FOR_OTHERS,
    ONCALL_USAGE,
    ONDUTY_USAGE,
    duty_text,
    moment,
    off_duty,
    on_call,
    on_duty,
    oncall_text,
)
from bot.telegram.i18n import gettext
from bot.telegram.language import spoken_by
from bot.telegram.patients import command_arguments


class DutyHandlers:
    def __init__(self, access: Access, duty: DutyService, zone: ZoneInfo) -> None:
        self._access = access
        self._duty = duty
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("onduty", self.on_duty))
        app.add_handler(CommandHandler("offduty", self.off_duty))
        app.add_handler(CommandHandler("duty", self.board))

    async def on_duty(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "onduty")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        hours = parse_hours(command_arguments(message))
        if hours is None or not 1 <= hours <= MAX_HOURS:
            await message.reply_text(gettext(language, ONDUTY_USAGE))
            return
        try:
            shift = await asyncio.to_thread(self._duty.go_on_duty, staff, hours)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused, language))
            return
        until = moment(shift.until, self._zone, language)
        await message.reply_text(on_duty(shift.ward_codes, until, shift.extended, language))

    async def off_duty(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "offduty")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        try:
            ended = await asyncio.to_thread(self._duty.go_off_duty, staff)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused, language))
            return
        at = moment(ended.at, self._zone, language)
        next_shift = (
            None if ended.next_shift is None else moment(ended.next_shift, self._zone, language)
        )
        await message.reply_text(off_duty(ended.ward_codes, at, next_shift, language))

    async def board(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "duty")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        try:
            wards = await asyncio.to_thread(self._duty.board, staff)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused, language))
            return
        await message.reply_text(duty_text(wards, self._zone, language))


# -- /oncall --------------------------------------------------------------------------------

ON_CALL_WORDS: Final = ("primary", "backup", "attending")


@dataclass(frozen=True)
class OnCallRequest:
    """``/oncall <duty> <hours> [override | <telegram id>]``."""

    duty: str
    hours: int
    override: bool = False
    for_someone_else: bool = False


def parse_oncall(text: str) -> OnCallRequest | None:
    """The arguments of ``/oncall`` with a duty; None when malformed (usage is the answer)."""
    words = text.lower().split()
    if len(words) not in (2, 3) or words[0] not in ON_CALL_WORDS:
        return None
    hours = words[1].removesuffix("h")
    if not (hours.isdecimal() and len(hours) <= 2 and 1 <= int(hours) <= MAX_HOURS):
        return None
    extra = words[2] if len(words) == 3 else ""
    if extra not in ("", "override") and not extra.isdecimal():
        return None
    return OnCallRequest(words[0], int(hours), extra == "override", extra.isdecimal())


class OnCallHandlers:
    def __init__(self, access: Access, roster: RosterService, zone: ZoneInfo) -> None:
        self._access = access
        self._roster = roster
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("oncall", self.on_call))

    async def on_call(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """No arguments: the rota. ``<duty> <hours> [override]``: a physician goes on call."""
        staff = await self._access.staff_or_refuse(update, "oncall")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        arguments = command_arguments(message).strip()
        if not arguments:
            await self._show(update, staff)
            return
        request = parse_oncall(arguments)
        if request is None:
            await message.reply_text(gettext(language, ONCALL_USAGE))
            return
        if request.for_someone_else:
            await message.reply_text(gettext(language, ONCALL_FOR_OTHERS))
            return
        try:
            done = await asyncio.to_thread(
                self._roster.go_on_call,
                staff,
                request.duty,
                request.hours,
                override=request.override,
            )
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused, language))
            return
        until = moment(done.until, self._zone, language)
        await message.reply_text(
            on_call(done.ward_codes, done.duty.value, until, done.override, done.extended, language)
        )

    async def _show(self, update: Update, staff: StaffView) -> None:
        message = update.effective_message
        assert message is not None
        language = spoken_by(staff)
        try:
            wards = await asyncio.to_thread(self._roster.board, staff)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused, language))
            return
        for text in oncall_text(wards, self._zone, language):
            await message.reply_text(text)
