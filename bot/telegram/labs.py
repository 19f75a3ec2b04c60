"""``/labs <patient>``: record IL-6, CRP or ferritin in chat (a test button, the value typed).

``/labs Bed 4`` shows the latest values and a button per test; after a tap the next text
message is the value (``850``; a unit when it is not the usual one, ``4.2 mg/dL``; a sample
time when it was not just now, ``850 06:30``). ``/labs Bed 4 IL-6 850`` does it in one line.

The entry waiting for its value is kept for the person in this process for 10 minutes (PTB's
``user_data``): a restart in between only means typing ``/labs`` again; nothing clinical is
lost, since nothing was recorded yet. The value is shown and never acted on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.clinical.labs import CANONICAL_UNIT, NAMES, LabInputError, LabTest, parse_test, shown
from bot.services.errors import RefusedError
from bot.services.labs import LabPoint, LabService
from bot.services.staff import StaffView
from bot.telegram import callbacks, texts, words
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback

PENDING: Final = "lab_entry"
PENDING_SECONDS: Final = 600
USAGE: Final = "Usage: /labs <patient>, e.g. /labs Bed 4 (or /labs Bed 4 IL-6 850)"
TEXT_GROUP: Final = -1  # before the check's text handler: a value awaited takes the text


def labs_lines(points: Sequence[LabPoint], zone: ZoneInfo) -> list[str]:
    """ "Labs: IL-6 850 pg/mL (24 Nov 06:30) · CRP 42 mg/L (24 Nov 06:30)", or nothing."""
    if not points:
        return []
    parts = [f"{shown(p.test, p.value)} ({_when(p, zone)})" for p in points]
    return ["Labs: " + " · ".join(parts)]


def _when(point: LabPoint, zone: ZoneInfo) -> str:
    return point.sampled_at.astimezone(zone).strftime("%d %b %H:%M")


class LabHandlers:
    def __init__(self, access: Access, labs: LabService, zone: ZoneInfo) -> None:
        self._access = access
        self._labs = labs
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("labs", self.labs))
        app.add_handler(CallbackQueryHandler(self.press, pattern=r"^lb:"))
        app.add_handler(
            MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, self.text),
            group=TEXT_GROUP,
        )
        # Anything else the person does (a command, another button) drops an awaited value,
        # so that a temperature typed into a check is never taken for a laboratory value.
        app.add_handler(MessageHandler(filters.COMMAND, self.forget), group=TEXT_GROUP)
        app.add_handler(CallbackQueryHandler(self.forget, pattern=r"^(?!lb:)"), group=TEXT_GROUP)

    async def forget(self, _update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.user_data is not None:
            context.user_data.pop(PENDING, None)

    async def labs(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "labs")
        message = update.effective_message
        if staff is None or message is None:
            return
        args = list(context.args or [])
        label, test, rest = _split(args)
        if not label:
            await message.reply_text(USAGE)
            return
        try:
            patient_id, patient_label, latest = await asyncio.to_thread(
                self._labs.find_patient, staff, label
            )
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused))
            return
        if test is not None and rest:
            _, reply = await self._record(staff, patient_id, test, rest)
            await message.reply_text(reply)
            return
        head = labs_lines(latest, self._zone) or ["No laboratory values yet."]
        buttons = [
            InlineKeyboardButton(
                NAMES[t], callback_data=Callback("lb", patient_id, 0, t.value).encode()
            )
            for t in LabTest
        ]
        await message.reply_text(
            f"{patient_label}. " + "\n".join(head) + "\nWhich value do you want to record?",
            reply_markup=InlineKeyboardMarkup([buttons]),
            protect_content=True,
        )

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        staff = await self._access.staff_or_refuse(update, "labs_button")
        if staff is None or query is None:
            return
        data = callbacks.parse(query.data)
        if data is None or data.action not in {t.value for t in LabTest}:
            await query.answer(texts.BUTTON_NOT_VALID, show_alert=True)
            return
        test = LabTest(data.action)
        if context.user_data is not None:
            context.user_data[PENDING] = (data.target, test.value, time.monotonic())
        await query.answer()
        await query.edit_message_text(
            f"{NAMES[test]}: type the value in {CANONICAL_UNIT[test]} (another unit after it, "
            f"e.g. 4.2 mg/dL for CRP; the sample time if not now, e.g. 850 06:30)."
        )

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The awaited value; any other text goes on to the check's handler."""
        message = update.effective_message
        pending = (context.user_data or {}).get(PENDING)
        if message is None or message.text is None or pending is None:
            return
        patient_id, test, since = pending
        if time.monotonic() - since > PENDING_SECONDS:
            (context.user_data or {}).pop(PENDING, None)
            return
        staff = await self._access.staff_or_refuse(update, "labs_value")
        if staff is None:
            raise ApplicationHandlerStop
        recorded, reply = await self._record(staff, patient_id, LabTest(test), message.text)
        if recorded:
            (context.user_data or {}).pop(PENDING, None)
        await message.reply_text(reply)
        raise ApplicationHandlerStop

    async def _record(
        self, staff: StaffView, patient_id: int, test: LabTest, text: str
    ) -> tuple[bool, str]:
        """Whether it was recorded, and the reply."""
        try:
            result = await asyncio.to_thread(self._labs.record, staff, patient_id, test, text)
        except RefusedError as refused:
            why = words.refusal(refused)
            return False, f"Not recorded: {why}. Type it again, or /labs to start over."
        point = result.point
        converted = "" if result.entered.endswith(CANONICAL_UNIT[test]) else f" ({result.entered})"
        return True, (
            f"Recorded for {result.label}: {shown(point.test, point.value)}{converted}, "
            f"sampled {_when(point, self._zone)}. Shown with every alert and in /history; "
            "never a trigger."
        )


def _split(args: list[str]) -> tuple[str, LabTest | None, str]:
    """``Bed 4 IL-6 850 06:30`` as ("Bed 4", IL6, "850 06:30"); without a test, the label."""
    for index in range(1, len(args)):
        try:
            test = parse_test(args[index])
        except LabInputError:
            continue
        return " ".join(args[:index]), test, " ".join(args[index + 1 :])
    return " ".join(args), None, ""
