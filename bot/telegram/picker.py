"""The patient picker: ``/check`` alone shows the ward's patients as buttons, and a label that
is not exact ("/check bed 4" for "Bed 4 AB") is completed or offered as candidates.

Each command that takes a patient hands the picker a ``Runner``: what to do once the label is
known. A press runs the same code as the typed command would, so the two cannot drift apart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Final
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.services.picker import Candidate, PickerService
from bot.services.staff import StaffView
from bot.telegram import callbacks, texts
from bot.telegram.access import Access
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.language import spoken_by

log = logging.getLogger(__name__)

KIND: Final = "pk"
# The commands that take a patient, in the order their index is encoded in a button.
COMMANDS: Final = ("check", "event", "history", "timeline", "plan", "discharge")
NO_PATIENTS: Final = N_("No active patients on your wards. /admit adds one.")
GONE: Final = N_("That patient is no longer active on your wards.")
ALREADY_CHOSEN: Final = N_("Already chosen.")

Runner = Callable[[Message, ContextTypes.DEFAULT_TYPE, StaffView, str], Awaitable[None]]


def choose_text(command: str, language: str = ENGLISH) -> str:
    return f"/{command}: " + gettext(language, "which patient? Most urgent first.")


def several_text(command: str, typed: str, language: str = ENGLISH) -> str:
    words = gettext(language, 'more than one patient starts with "{typed}". Which one?')
    return f"/{command}: " + words.format(typed=typed)


def near_text(command: str, typed: str, language: str = ENGLISH) -> str:
    words = gettext(language, 'no patient "{typed}" on your wards. Did you mean:')
    return f"/{command}: " + words.format(typed=typed)


def due_words(
    due_at: dt.datetime | None, now: dt.datetime, zone: ZoneInfo, language: str = ENGLISH
) -> str:
    """ "overdue 25 min", "due now", "due 14:00" or nothing: why this patient is where it is
    in the list (a check that fell due this minute is not "overdue 0 min")."""
    if due_at is None:
        return ""
    if due_at <= now:
        minutes = int((now - due_at).total_seconds() // 60)
        if minutes == 0:
            return gettext(language, N_("due now"))
        if minutes < 120:
            return gettext(language, "overdue {minutes} min").format(minutes=minutes)
        return gettext(language, "overdue {hours} h").format(hours=minutes // 60)
    return gettext(language, "due {time}").format(time=f"{due_at.astimezone(zone):%H:%M}")


def button_text(
    candidate: Candidate, now: dt.datetime, zone: ZoneInfo, language: str = ENGLISH
) -> str:
    due = due_words(candidate.due_at, now, zone, language)
    return f"{candidate.label} · {due}" if due else candidate.label


def keyboard(
    command: str,
    candidates: Sequence[Candidate],
    now: dt.datetime,
    zone: ZoneInfo,
    language: str = ENGLISH,
) -> InlineKeyboardMarkup:
    """One patient per row (a label with its due time is too long to share a row)."""
    index = COMMANDS.index(command)
    rows = [
        [
            InlineKeyboardButton(
                button_text(c, now, zone, language),
                callback_data=callbacks.Callback(KIND, c.patient_id, index, command).encode(),
            )
        ]
        for c in candidates
    ]
    return InlineKeyboardMarkup(rows)


class PatientPicker:
    def __init__(self, access: Access, picker: PickerService, zone: ZoneInfo) -> None:
        self._access = access
        self._picker = picker
        self._zone = zone
        self._runners: dict[str, Runner] = {}

    def add(self, command: str, runner: Runner) -> None:
        assert command in COMMANDS, command
        self._runners[command] = runner

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CallbackQueryHandler(self.press, pattern=rf"^{KIND}:"))

    async def show(self, message: Message, staff: StaffView, command: str) -> None:
        """The ward's patients as buttons, for a command given without a patient."""
        candidates = await asyncio.to_thread(self._picker.candidates, staff)
        language = spoken_by(staff)
        if not candidates:
            await message.reply_text(gettext(language, NO_PATIENTS))
            return
        now = self._picker.now()
        await message.reply_text(
            choose_text(command, language),
            reply_markup=keyboard(command, candidates, now, self._zone, language),
            protect_content=True,
        )

    async def resolve(
        self, message: Message, staff: StaffView, command: str, typed: str
    ) -> str | None:
        """The full label the nurse means, or None after offering candidates as buttons.

        A text that matches nobody and resembles nobody is passed on unchanged: the command
        answers it as before (``/timeline`` still finds a recently discharged patient).
        """
        found = await asyncio.to_thread(self._picker.resolve, staff, typed)
        if found.label is not None:
            return found.label
        if not found.candidates:
            return " ".join(typed.split())
        now, language = self._picker.now(), spoken_by(staff)
        wording = near_text if found.near else several_text
        await message.reply_text(
            wording(command, " ".join(typed.split()), language),
            reply_markup=keyboard(command, found.candidates, now, self._zone, language),
            protect_content=True,
        )
        return None

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A patient chosen: the picker's buttons go, the command runs for that patient."""
        query = update.callback_query
        staff = await self._access.staff_or_refuse(update, "picker_button")
        if staff is None or query is None:
            return
        data = callbacks.parse(query.data)
        runner = self._runners.get(data.action) if data is not None else None
        message = query.message
        if data is None or runner is None or not isinstance(message, Message):
            await query.answer(gettext(spoken_by(staff), texts.BUTTON_NOT_VALID), show_alert=True)
            return
        if message.reply_markup is None:  # a doubled press: the first one ran the command
            await query.answer(gettext(spoken_by(staff), ALREADY_CHOSEN))
            return
        label = await asyncio.to_thread(self._picker.label_of, staff, data.target)
        if label is None:
            await query.answer(gettext(spoken_by(staff), GONE), show_alert=True)
            return
        await query.answer()
        try:  # the choice is made: the list goes, so the command does not run twice
            await query.edit_message_text(f"/{data.action} {label}")
        except BadRequest as error:
            log.debug("picker message already edited: %s", error)
            return
        await runner(message, context, staff, label)
