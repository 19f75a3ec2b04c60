"""``/labs <patient>``: record IL-6, CRP or ferritin in chat (a test button, the value typed).

``/labs Bed 4`` shows the latest values and a button per test; after a tap the next text
message is the value (``850``; a unit when it is not the usual one, ``4.2 mg/dL``; a sample
time when it was not just now, ``850 06:30``). ``/labs Bed 4 IL-6 850`` does it in one line.

The entry waiting for its value is kept for the person in this process for 10 minutes (PTB's
``user_data``): a restart in between only means typing ``/labs`` again; nothing clinical is
lost, since nothing was recorded yet. The value is shown and never acted on.

Everything is said in the reader's language (a test by its name there, 白介素-6 ...); what is
typed may name a test in either language (``/labs 床5 铁蛋白 850``), and full-width digits and
colons from a Chinese keyboard read as ASCII ones.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import unicodedata
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

from bot.clinical.labs import CANONICAL_UNIT, LabInputError, LabTest, parse_test
from bot.services.errors import RefusedError
from bot.services.labs import LabPoint, LabService
from bot.services.staff import StaffView
from bot.telegram import callbacks, i18n, texts, words
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.language import spoken_by
from bot.telegram.words.labs import lab_name, shown

PENDING: Final = "lab_entry"
PENDING_SECONDS: Final = 600
USAGE: Final = N_("Usage: /labs <patient>, e.g. /labs Bed 4 (or /labs Bed 4 IL-6 850)")
TEXT_GROUP: Final = -1  # before the check's text handler: a value awaited takes the text
LABS: Final = N_("Labs: {values}")
SAMPLE: Final = N_("{value} ({when})")
NO_VALUES: Final = N_("No laboratory values yet.")
WHICH: Final = N_("{label}. {labs}\nWhich value do you want to record?")
TYPE_IT: Final = N_(
    "{test}: type the value in {unit} (another unit after it, e.g. 4.2 mg/dL for CRP; the "
    "sample time if not now, e.g. 850 06:30)."
)
NOT_RECORDED: Final = N_("Not recorded: {why}. Type it again, or /labs to start over.")
RECORDED: Final = N_(
    "Recorded for {label}: {value}{converted}, sampled {when}. Shown with every alert and in "
    "/history; never a trigger."
)
CONVERTED: Final = N_(" ({entered})")
"""After a value converted to the canonical unit: as it was typed."""


def labs_lines(points: Sequence[LabPoint], zone: ZoneInfo, language: str = ENGLISH) -> list[str]:
    """ "Labs: IL-6 850 pg/mL (24 Nov 06:30) · CRP 42 mg/L (24 Nov 06:30)", or nothing; in
    Chinese "检验：白介素-6 850 pg/mL（11月24日 06:30）· ..."."""
    if not points:
        return []
    sample = gettext(language, SAMPLE)
    parts = [
        sample.format(
            value=shown(p.test, p.value, language), when=when(p.sampled_at, zone, language)
        )
        for p in points
    ]
    return [gettext(language, LABS).format(values=" · ".join(parts))]


def when(at: dt.datetime, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """ "24 Nov 06:30" in English (as always), as the language writes it otherwise."""
    return i18n.moment(at, zone, language)


def typed_test(word: str) -> LabTest:
    """The test as typed: ``IL-6``, ``crp``, ``Ferritin`` ..., or its name in any language
    (``铁蛋白``); LabInputError otherwise."""
    try:
        return parse_test(word)
    except LabInputError:
        key = _key(word)
        for language in i18n.LANGUAGES:
            for test in LabTest:
                if _key(lab_name(test, language)) == key:
                    return test
        raise


def _key(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower().replace(" ", "")


_FULL_WIDTH: Final = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def as_typed(text: str) -> str:
    """What was typed, full-width digits, letters, colons and spaces read as ASCII (a Chinese
    keyboard's ``８５０　０６：３０`` is ``850 06:30``); nothing else changes."""
    return text.translate(_FULL_WIDTH)


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
        language = spoken_by(staff)
        args = list(context.args or [])
        label, test, rest = _split(args)
        if not label:
            await message.reply_text(gettext(language, USAGE))
            return
        try:
            patient_id, patient_label, latest = await asyncio.to_thread(
                self._labs.find_patient, staff, label
            )
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused, language))
            return
        if test is not None and rest:
            _, reply = await self._record(staff, patient_id, test, rest)
            await message.reply_text(reply)
            return
        head = labs_lines(latest, self._zone, language) or [gettext(language, NO_VALUES)]
        buttons = [
            InlineKeyboardButton(
                lab_name(t, language), callback_data=Callback("lb", patient_id, 0, t.value).encode()
            )
            for t in LabTest
        ]
        text = gettext(language, WHICH).format(label=patient_label, labs="\n".join(head))
        await message.reply_text(
            text, reply_markup=InlineKeyboardMarkup([buttons]), protect_content=True
        )

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        staff = await self._access.staff_or_refuse(update, "labs_button")
        if staff is None or query is None:
            return
        data = callbacks.parse(query.data)
        language = spoken_by(staff)
        if data is None or data.action not in {t.value for t in LabTest}:
            await query.answer(gettext(language, texts.BUTTON_NOT_VALID), show_alert=True)
            return
        test = LabTest(data.action)
        if context.user_data is not None:
            context.user_data[PENDING] = (data.target, test.value, time.monotonic())
        await query.answer()
        ask = gettext(language, TYPE_IT)
        await query.edit_message_text(
            ask.format(test=lab_name(test, language), unit=CANONICAL_UNIT[test])
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
        typed = as_typed(message.text)
        recorded, reply = await self._record(staff, patient_id, LabTest(test), typed)
        if recorded:
            (context.user_data or {}).pop(PENDING, None)
        await message.reply_text(reply)
        raise ApplicationHandlerStop

    async def _record(
        self, staff: StaffView, patient_id: int, test: LabTest, text: str
    ) -> tuple[bool, str]:
        """Whether it was recorded, and the reply (in the person's language)."""
        language = spoken_by(staff)
        try:
            result = await asyncio.to_thread(self._labs.record, staff, patient_id, test, text)
        except RefusedError as refused:
            why = words.refusal(refused, language).rstrip(".。")  # the template ends it
            return False, gettext(language, NOT_RECORDED).format(why=why)
        point = result.point
        converted = (
            ""
            if result.entered.endswith(CANONICAL_UNIT[test])
            else gettext(language, CONVERTED).format(entered=result.entered)
        )
        return True, gettext(language, RECORDED).format(
            label=result.label,
            value=shown(point.test, point.value, language),
            converted=converted,
            when=when(point.sampled_at, self._zone, language),
        )


def _split(args: list[str]) -> tuple[str, LabTest | None, str]:
    """``Bed 4 IL-6 850 06:30`` as ("Bed 4", IL6, "850 06:30"); without a test, the label."""
    for index in range(1, len(args)):
        try:
            test = typed_test(args[index])
        except LabInputError:
            continue
        return " ".join(args[:index]), test, as_typed(" ".join(args[index + 1 :]))
    return " ".join(args), None, ""
