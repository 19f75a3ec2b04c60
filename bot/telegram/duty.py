"""``/onduty [hours]``, ``/offduty``, ``/duty`` and ``/oncall``: who gets the ward's prompts
and alerts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services.duty import DutyService, WardDuty
from bot.services.errors import RefusedError
from bot.services.roster import Gap, Holding, RosterService, WardRoster
from bot.services.shifts import MAX_HOURS, parse_hours
from bot.services.staff import StaffView
from bot.telegram import texts, words
from bot.telegram.access import Access
from bot.telegram.patients import command_arguments, local_time


def duty_text(wards: tuple[WardDuty, ...], zone: ZoneInfo) -> str:
    """Each ward: who is on duty now and until when, the charge nurse, who is on call."""
    if not wards:
        return texts.NO_WARD
    blocks: list[str] = []
    for ward in wards:
        lines = [f"Ward {ward.ward_code} ({ward.ward_name}), on duty now:"]
        lines += [
            f"• {s.name} ({texts.role_name(s.duty.value)}) until {local_time(s.ends_at, zone)}"
            for s in ward.on_duty
        ] or [
            "• nobody: check prompts go to the charge nurses of the ward"
            if ward.charge_nurses
            else "• nobody, and no charge nurse is enrolled: check prompts reach NO ONE"
        ]
        if ward.charge_on_duty:
            lines.append(f"Charge nurse: {', '.join(ward.charge_nurses)}")
        elif ward.charge_nurses:
            lines.append(
                f"Charge nurse: none on duty; alerts go to {', '.join(ward.charge_nurses)}"
            )
        else:
            lines.append("Charge nurse: none enrolled on this ward")
        if ward.on_call:
            lines.append(
                "On call: "
                + ", ".join(f"{s.name} until {local_time(s.ends_at, zone)}" for s in ward.on_call)
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


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
        hours = parse_hours(command_arguments(message))
        if hours is None or not 1 <= hours <= MAX_HOURS:
            await message.reply_text(texts.ONDUTY_USAGE)
            return
        try:
            shift = await asyncio.to_thread(self._duty.go_on_duty, staff, hours)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused))
            return
        await message.reply_text(
            texts.on_duty(shift.ward_codes, local_time(shift.until, self._zone), shift.extended)
        )

    async def off_duty(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "offduty")
        message = update.effective_message
        if staff is None or message is None:
            return
        try:
            ended = await asyncio.to_thread(self._duty.go_off_duty, staff)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused))
            return
        next_shift = None if ended.next_shift is None else local_time(ended.next_shift, self._zone)
        await message.reply_text(
            texts.off_duty(ended.ward_codes, local_time(ended.at, self._zone), next_shift)
        )

    async def board(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "duty")
        message = update.effective_message
        if staff is None or message is None:
            return
        try:
            wards = await asyncio.to_thread(self._duty.board, staff)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused))
            return
        await message.reply_text(duty_text(wards, self._zone))


# -- /oncall --------------------------------------------------------------------------------

ON_CALL_WORDS: Final = ("primary", "backup", "attending")
MAX_TEXT: Final = 4000
"""Below Telegram's 4096 characters: a long rota goes out as several messages."""


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


def oncall_text(wards: tuple[WardRoster, ...], zone: ZoneInfo) -> list[str]:
    """Each ward's rota: the holders now, the changes in 24 hours, a warning for any hour of
    the next 12 without a primary. One message, or several when it would be too long."""
    if not wards:
        return [texts.NO_WARD]
    messages: list[str] = []
    for block in (_ward_rota(ward, zone) for ward in wards):
        if messages and len(messages[-1]) + len(block) + 2 <= MAX_TEXT:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages


def _ward_rota(ward: WardRoster, zone: ZoneInfo) -> str:
    lines = [f"Ward {ward.ward_code} ({ward.ward_name}), on call now:"]
    lines += [f"• {held.duty.value.title()}: {_holders(held, zone)}" for held in ward.now]
    if ward.changes:
        lines.append("Next 24 hours:")
        lines += [
            f"• {local_time(held.start, zone)} {held.duty.value}: {_holders(held, zone)}"
            for held in ward.changes
        ]
    else:
        lines.append("No changes in the next 24 hours.")
    if ward.primary_gaps:
        spans = "; ".join(_gap(gap, zone) for gap in ward.primary_gaps)
        lines.append(f"⚠ No primary on call {spans}: {texts.ONCALL_FIX}.")
    return "\n".join(lines)


def _holders(held: Holding, zone: ZoneInfo) -> str:
    if not held.names:
        return "nobody"
    override = " (override)" if held.override else ""
    return f"{', '.join(held.names)}{override} until {local_time(held.end, zone)}"


def _gap(gap: Gap, zone: ZoneInfo) -> str:
    start = local_time(gap.start, zone)
    if gap.end is None:
        return f"from {start}, and none is planned after that"
    return f"from {start} to {local_time(gap.end, zone)}"


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
        arguments = command_arguments(message).strip()
        if not arguments:
            await self._show(update, staff)
            return
        request = parse_oncall(arguments)
        if request is None:
            await message.reply_text(texts.ONCALL_USAGE)
            return
        if request.for_someone_else:
            await message.reply_text(texts.ONCALL_FOR_OTHERS)
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
            await message.reply_text(words.refusal(refused))
            return
        until = local_time(done.until, self._zone)
        await message.reply_text(
            texts.on_call(done.ward_codes, done.duty.value, until, done.override, done.extended)
        )

    async def _show(self, update: Update, staff: StaffView) -> None:
        message = update.effective_message
        assert message is not None
        try:
            wards = await asyncio.to_thread(self._roster.board, staff)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused))
            return
        for text in oncall_text(wards, self._zone):
            await message.reply_text(text)
