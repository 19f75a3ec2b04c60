"""``/onduty [hours]``, ``/offduty`` and ``/duty``: who gets the ward's prompts and alerts."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services.duty import MAX_HOURS, DutyError, DutyService, WardDuty, parse_hours
from bot.telegram import texts
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
            shift = await asyncio.to_thread(self._duty.go_on_duty, staff.id, hours)
        except DutyError as error:
            await message.reply_text(error.message)
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
            ended = await asyncio.to_thread(self._duty.go_off_duty, staff.id)
        except DutyError as error:
            await message.reply_text(error.message)
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
            wards = await asyncio.to_thread(self._duty.board, staff.id)
        except DutyError as error:
            await message.reply_text(error.message)
            return
        await message.reply_text(duty_text(wards, self._zone))
