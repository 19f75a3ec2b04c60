"""Telegram adapters for patients: ``/admit``, ``/patients``, ``/discharge`` and its buttons,
in the language of whoever sends them (``spoken_by``).

Everything that names a patient is sent with ``protect_content`` and names them by ward label
only. The board itself is drawn by ``bot.telegram.patient_board``, the words are in
``bot.telegram.patient_texts``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.errors import RefusedError
from bot.services.patient_refusals import FIELD_REFUSALS
from bot.services.patients import PatientService
from bot.services.staff import StaffView
from bot.telegram import i18n, texts
from bot.telegram import patient_texts as words
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.i18n import gettext
from bot.telegram.language import spoken_by
from bot.telegram.patient_board import admitted_text as admitted_text
from bot.telegram.patient_board import patient_blocks as patient_blocks
from bot.telegram.patient_board import render_patient_list
from bot.telegram.patient_board import shift_board as shift_board
from bot.telegram.patient_board import split_blocks as split_blocks
from bot.telegram.patient_texts import local_time as local_time
from bot.telegram.picker import PatientPicker
from bot.telegram.words import refusal

log = logging.getLogger(__name__)

DISCHARGE_KIND = "dc"
CONFIRM, CANCEL = "yes", "no"
_DATE_LIKE = re.compile(r"^[\d./-]+$")
_FIELD_SEPARATORS = re.compile(r"[,，\n]")
"""Between the fields of ``/admit``: a comma (also the full-width one of a Chinese keyboard)."""


@dataclass(frozen=True)
class AdmitRequest:
    """The fields of ``/admit [ward,] label, date of birth, weight band[, flag...]``."""

    ward_code: str | None
    label: str
    date_of_birth: str
    weight_band: str
    risk_flags: tuple[str, ...]


def parse_admit(text: str) -> AdmitRequest | None:
    """Split the arguments; None when they do not have the shape of an admission.

    The date of birth is the anchor: in second place there is no ward code, in third place
    the first field is the ward code. The service validates every field's content.
    """
    fields = [" ".join(f.split()) for f in _FIELD_SEPARATORS.split(text)]
    while fields and not fields[-1]:
        fields.pop()
    for start in (0, 1):
        head = fields[start : start + 3]
        if len(head) == 3 and all(head) and _DATE_LIKE.match(head[1]):
            return AdmitRequest(
                ward_code=fields[0] if start else None,
                label=head[0],
                date_of_birth=head[1],
                weight_band=head[2],
                risk_flags=tuple(f for f in fields[start + 3 :] if f),
            )
    return None


def command_arguments(message: Message) -> str:
    """Everything after ``/command`` (or ``/command@bot``), newlines kept."""
    parts = (message.text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def ascii_commas(text: str) -> str:
    """The full-width comma of a Chinese keyboard read as the comma it stands for."""
    return text.replace("，", ",")


class PatientHandlers:
    def __init__(
        self,
        access: Access,
        patients: PatientService,
        zone: ZoneInfo,
        picker: PatientPicker | None = None,
    ) -> None:
        self._picker = picker
        self._access = access
        self._patients = patients
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("admit", self.admit))
        app.add_handler(CommandHandler("patients", self.list))
        app.add_handler(CommandHandler("discharge", self.discharge))
        app.add_handler(CallbackQueryHandler(self.discharge_press, pattern=rf"^{DISCHARGE_KIND}:"))

    async def admit(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "admit")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        request = parse_admit(command_arguments(message))
        if request is None:
            await message.reply_text(words.admit_usage(language))
            return
        try:
            view = await asyncio.to_thread(
                self._patients.admit,
                ward_code=request.ward_code,
                label=request.label,
                date_of_birth=request.date_of_birth,
                weight_band=request.weight_band,
                risk_flags=request.risk_flags,
                actor_staff_id=staff.id,
            )
        except RefusedError as refused:
            said = refusal(refused, language)
            field = refused.code in FIELD_REFUSALS
            await message.reply_text(words.admit_refused(said, language) if field else said)
            return
        button = Callback(kind="ck", target=view.id, version=0, action="baseline").encode()
        start = InlineKeyboardButton(gettext(language, words.START_BASELINE), callback_data=button)
        await message.reply_text(
            admitted_text(view, language),
            protect_content=True,
            reply_markup=InlineKeyboardMarkup([[start]]),
        )

    async def list(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "patients")
        message = update.effective_message
        if staff is None or message is None:
            return
        language = spoken_by(staff)
        listing = await asyncio.to_thread(self._patients.list_for_staff, staff.id)
        if not listing.ward_codes:
            await message.reply_text(gettext(language, texts.NO_WARD))
            return
        shown = render_patient_list(listing.patients, listing.ward_codes, self._zone, language)
        for text in shown:
            await message.reply_text(text, protect_content=True)

    async def discharge(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "discharge")
        message = update.effective_message
        if staff is None or message is None:
            return
        arguments = ascii_commas(command_arguments(message))
        fields = [" ".join(f.split()) for f in arguments.split(",")]
        if self._picker is not None and fields == [""]:
            await self._picker.show(message, staff, "discharge")
            return
        if not any(fields) or len(fields) > 2 or not all(fields):
            await message.reply_text(gettext(spoken_by(staff), words.DISCHARGE_USAGE))
            return
        ward_code, label = (fields[0], fields[1]) if len(fields) == 2 else (None, fields[0])
        if self._picker is not None and ward_code is None:
            resolved = await self._picker.resolve(message, staff, "discharge", label)
            if resolved is None:
                return
            label = resolved
        await self._confirm_discharge(message, staff, label, ward_code)

    async def discharge_for(
        self, message: Message, _context: ContextTypes.DEFAULT_TYPE, staff: StaffView, label: str
    ) -> None:
        """The discharge confirmation for a patient picked from the list."""
        await self._confirm_discharge(message, staff, label, None)

    async def _confirm_discharge(
        self, message: Message, staff: StaffView, label: str, ward_code: str | None
    ) -> None:
        language = spoken_by(staff)
        try:
            view = await asyncio.to_thread(
                self._patients.find_for_discharge, staff.id, label, ward_code
            )
        except RefusedError as refused:
            await message.reply_text(refusal(refused, language))
            return

        def button(text: str, action: str) -> InlineKeyboardButton:
            data = Callback(kind=DISCHARGE_KIND, target=view.id, version=0, action=action)
            return InlineKeyboardButton(text, callback_data=data.encode())

        await message.reply_text(
            words.discharge_confirm(view.label, view.ward_code, language),
            protect_content=True,
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        button(words.discharge_button(view.label, language), CONFIRM),
                        button(gettext(language, texts.CANCEL), CANCEL),
                    ]
                ]
            ),
        )

    async def discharge_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        staff = await self._access.staff_or_refuse(update, "discharge_button")
        if staff is None:
            return
        language = spoken_by(staff)
        data = parse(query.data)
        if data is None or data.kind != DISCHARGE_KIND or data.action not in (CONFIRM, CANCEL):
            await query.answer(gettext(language, texts.BUTTON_NOT_VALID), show_alert=True)
            return
        try:
            if data.action == CONFIRM:
                result = await asyncio.to_thread(self._patients.discharge, staff.id, data.target)
                view, already = result.patient, result.already_discharged
                alert_open = result.alert_open
                await _close_questions(context.bot, result.cancelled_questions, view.label)
            else:
                view = await asyncio.to_thread(self._patients.get, staff.id, data.target)
                already, alert_open = view.discharged_at is not None, False
        except RefusedError as refused:
            await query.answer(refusal(refused, language), show_alert=True)
            await _drop_keyboard(query)
            return
        if already:
            # A doubled or stale press: say so, change nothing (but take the buttons away).
            await query.answer(words.already_discharged(view.label, language), show_alert=True)
            await _drop_keyboard(query)
        elif data.action == CONFIRM:
            assert view.discharged_at is not None
            at = local_time(view.discharged_at, self._zone, language)
            await query.answer()
            await query.edit_message_text(
                words.discharged(
                    view.label, view.ward_code, at, alert_open=alert_open, language=language
                )
            )
        else:
            await query.answer()
            await query.edit_message_text(words.discharge_cancelled(view.label, language))


async def _close_questions(
    bot: Bot, where: Sequence[tuple[int, int, str | None]], label: str
) -> None:
    """The question of a check the discharge cancelled loses its buttons and says why, in the
    language of the nurse whose check it was."""
    for chat_id, message_id, language in where:
        spoken = language if language in i18n.LANGUAGES else i18n.ENGLISH
        try:
            await bot.edit_message_text(
                words.check_cancelled_by_discharge(label, spoken),
                chat_id=chat_id,
                message_id=message_id,
            )
        except (BadRequest, Forbidden) as exc:  # deleted, too old to edit, or bot blocked
            log.warning("could not close the question of a cancelled check: %s", exc)


async def _drop_keyboard(query: CallbackQuery) -> None:
    """Remove the buttons of the pressed message, if it still has any."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        await query.edit_message_reply_markup(reply_markup=None)
