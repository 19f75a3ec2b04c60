"""Telegram adapters for patients: ``/admit``, ``/patients``, ``/discharge`` and its buttons.

Everything that names a patient is sent with ``protect_content`` and names them by ward label
only. The patient list is rendered by ``patient_entry`` alone, so that the scheduling work can
add cycle, day, dose and next-due columns in one place.
"""

from __future__ import annotations

import asyncio
import datetime as dt
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
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.clinical.risk import HIGH_RISK_AGE
from bot.clinical.tool import tool_for_age
from bot.services.board import BoardInfo
from bot.services.errors import RefusedError
from bot.services.patient_refusals import FIELD_REFUSALS
from bot.services.patients import PatientService, PatientView
from bot.services.staff import StaffView
from bot.telegram import texts
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.picker import PatientPicker
from bot.telegram.words import refusal
from storage.models import WeightBand

log = logging.getLogger(__name__)

DISCHARGE_KIND = "dc"
CONFIRM, CANCEL = "yes", "no"
_DATE_LIKE = re.compile(r"^[\d./-]+$")
_FIELD_SEPARATORS = re.compile(r"[,\n]")


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


def local_time(at: dt.datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%d %b %Y %H:%M")


def weight_text(band: WeightBand) -> str:
    return "45 kg or more" if band == WeightBand.AT_LEAST_45KG else "under 45 kg"


def risk_text(view: PatientView) -> str:
    """``high risk (age 65 or more, TP53 mutation)``, or ``not high risk``."""
    if not view.high_risk:
        return "not high risk"
    why = ([f"age {HIGH_RISK_AGE} or more"] if view.age_years >= HIGH_RISK_AGE else []) + list(
        view.risk_flags
    )
    return f"HIGH RISK ({', '.join(why)})"


def last_check_text(view: PatientView, zone: ZoneInfo) -> str:
    grade = view.last_grade
    if grade is None:
        return "no check yet"
    if grade.tool == "capd":
        score = f"CAPD {grade.capd_score}" if grade.capd_score is not None else "CAPD -"
    else:
        score = f"ICE {grade.ice_score}/10" if grade.ice_score is not None else "ICE -"
    icans = f"ICANS grade {grade.icans_grade}" if grade.icans_grade is not None else "ICANS -"
    partial = ", incomplete" if not grade.complete else ""
    return f"last check {local_time(grade.graded_at, zone)}: {score}, {icans}{partial}"


def tool_text(view: PatientView) -> str:
    return tool_for_age(view.age_years, developmental_delay=view.use_capd).value.upper()


def patient_entry(view: PatientView, zone: ZoneInfo) -> str:
    """One patient of the list: the only place that decides what a row shows."""
    head = f"• {view.label}: {view.age_years} y, {weight_text(view.weight_band)}, {tool_text(view)}"
    lines = [f"{head}, {risk_text(view)}", f"  {last_check_text(view, zone)}"]
    if view.board is not None:
        lines += [f"  {line}" for line in board_lines(view.board, zone)]
    return "\n".join(lines)


def shift_board(patients: PatientService, staff_id: int, zone: ZoneInfo) -> str:
    """The board an incoming nurse gets at a shift change (first message's worth)."""
    listing = patients.list_for_staff(staff_id)
    parts = render_patient_list(listing.patients, listing.ward_codes, zone)
    more = "\n(More: /patients shows the whole board.)" if len(parts) > 1 else ""
    return f"Shift change: your ward board.\n{parts[0]}{more}"


def board_lines(info: BoardInfo, zone: ZoneInfo) -> list[str]:
    """Cycle, day and dose; the next check, or how long it is overdue."""
    lines = []
    if info.cycle is not None:
        where = f"cycle {info.cycle} ({info.protocol})"
        if info.day:
            where += f", day {info.day}" + (f" of {info.cycle_days}" if info.cycle_days else "")
        else:
            where += ", not started"
        state = "ON HOLD" if info.held else info.dose
        lines.append(f"{where}: {state}" if state else where)
    if info.next_due is not None:
        due = info.next_due.astimezone(zone).strftime("%d %b %H:%M")
        why = f" ({texts.cadence(info.cadence, info.cadence_hours)})" if info.cadence else ""
        if info.in_progress:
            lines.append(f"check due {due}: in progress{why}")
        elif info.overdue_minutes:
            lines.append(f"OVERDUE: check due {due} ({info.overdue_minutes} min){why}")
        else:
            lines.append(f"next check {due}{why}")
    if info.crs_grade is not None and info.crs_at is not None:
        at = info.crs_at.astimezone(zone).strftime("%d %b %H:%M")
        temperature = f", {info.temperature_c:.1f} °C" if info.temperature_c is not None else ""
        lines.append(f"CRS grade {info.crs_grade}{temperature} ({at})")
    return lines


def render_patient_list(
    views: Sequence[PatientView], ward_codes: tuple[str, ...], zone: ZoneInfo
) -> list[str]:
    """The list as messages of at most 4096 characters, split between patients."""
    if not views:
        return [texts.no_patients(ward_codes)]
    return split_blocks(patient_blocks(views, zone))


def patient_blocks(views: Sequence[PatientView], zone: ZoneInfo) -> list[str]:
    """A heading per ward, then one entry per patient."""
    blocks: list[str] = []
    for code in sorted({v.ward_code for v in views}):
        on_ward = [v for v in views if v.ward_code == code]
        blocks.append(f"Ward {code}: {len(on_ward)} active patient(s)")
        blocks.extend(patient_entry(v, zone) for v in on_ward)
    return blocks


def split_blocks(
    blocks: Sequence[str],
    limit: int = MessageLimit.MAX_TEXT_LENGTH,
    *,
    note: str = texts.LIST_SPLIT_NOTE,
) -> list[str]:
    """Join blocks with newlines into messages under ``limit``, noting each continuation
    (``note``: the reader's words for it)."""
    note = "\n" + note
    messages: list[str] = []
    current = ""
    for block in blocks:
        block = block[: limit - len(note) - 1]
        candidate = f"{current}\n{block}" if current else block
        if len(candidate) + len(note) > limit:
            messages.append(current + note)
            candidate = block
        current = candidate
    messages.append(current)
    return messages


def admitted_text(view: PatientView) -> str:
    flags = ", ".join(view.risk_flags) or "none"
    return (
        f"Admitted {view.label} to ward {view.ward_code}.\n"
        f"Age {view.age_years}, weight {weight_text(view.weight_band)}.\n"
        f"Risk flags: {flags}.\n"
        f"Risk: {risk_text(view)}.\n"
        f"Screening tool: {tool_text(view)}.\n\n"
        "Next: the baseline neuro check, before the first dose."
    )


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
        request = parse_admit(command_arguments(message))
        if request is None:
            await message.reply_text(texts.ADMIT_USAGE)
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
            said = refusal(refused)
            field = refused.code in FIELD_REFUSALS
            await message.reply_text(texts.admit_refused(said) if field else said)
            return
        button = Callback(kind="ck", target=view.id, version=0, action="baseline").encode()
        await message.reply_text(
            admitted_text(view),
            protect_content=True,
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(texts.START_BASELINE, callback_data=button)]]
            ),
        )

    async def list(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "patients")
        message = update.effective_message
        if staff is None or message is None:
            return
        listing = await asyncio.to_thread(self._patients.list_for_staff, staff.id)
        if not listing.ward_codes:
            await message.reply_text(texts.NO_WARD)
            return
        for text in render_patient_list(listing.patients, listing.ward_codes, self._zone):
            await message.reply_text(text, protect_content=True)

    async def discharge(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "discharge")
        message = update.effective_message
        if staff is None or message is None:
            return
        fields = [" ".join(f.split()) for f in command_arguments(message).split(",")]
        if self._picker is not None and fields == [""]:
            await self._picker.show(message, staff, "discharge")
            return
        if not any(fields) or len(fields) > 2 or not all(fields):
            await message.reply_text(texts.DISCHARGE_USAGE)
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
        try:
            view = await asyncio.to_thread(
                self._patients.find_for_discharge, staff.id, label, ward_code
            )
        except RefusedError as refused:
            await message.reply_text(refusal(refused))
            return

        def button(text: str, action: str) -> InlineKeyboardButton:
            data = Callback(kind=DISCHARGE_KIND, target=view.id, version=0, action=action)
            return InlineKeyboardButton(text, callback_data=data.encode())

        await message.reply_text(
            texts.discharge_confirm(view.label, view.ward_code),
            protect_content=True,
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        button(texts.discharge_button(view.label), CONFIRM),
                        button(texts.CANCEL, CANCEL),
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
        data = parse(query.data)
        if data is None or data.kind != DISCHARGE_KIND or data.action not in (CONFIRM, CANCEL):
            await query.answer(texts.BUTTON_NOT_VALID, show_alert=True)
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
            await query.answer(refusal(refused), show_alert=True)
            await _drop_keyboard(query)
            return
        if already:
            # A doubled or stale press: say so, change nothing (but take the buttons away).
            await query.answer(texts.already_discharged(view.label), show_alert=True)
            await _drop_keyboard(query)
        elif data.action == CONFIRM:
            assert view.discharged_at is not None
            at = local_time(view.discharged_at, self._zone)
            await query.answer()
            await query.edit_message_text(
                texts.discharged(view.label, view.ward_code, at, alert_open=alert_open)
            )
        else:
            await query.answer()
            await query.edit_message_text(texts.discharge_cancelled(view.label))


async def _close_questions(bot: Bot, where: Sequence[tuple[int, int]], label: str) -> None:
    """The question of a check the discharge cancelled loses its buttons and says why."""
    for chat_id, message_id in where:
        try:
            await bot.edit_message_text(
                texts.check_cancelled_by_discharge(label), chat_id=chat_id, message_id=message_id
            )
        except (BadRequest, Forbidden) as exc:  # deleted, too old to edit, or bot blocked
            log.warning("could not close the question of a cancelled check: %s", exc)


async def _drop_keyboard(query: CallbackQuery) -> None:
    """Remove the buttons of the pressed message, if it still has any."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        await query.edit_message_reply_markup(reply_markup=None)
