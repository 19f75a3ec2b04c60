"""``/event`` (a finding between checks, in two taps: choose, confirm) and ``/history``.

The confirmation exists because an event pages urgently: a mis-tap must not cry wolf.
``/event`` speaks the nurse's language (its findings named as the check's buttons name them);
``/history`` is English still.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.clinical import Seizure
from bot.services.errors import RefusedError
from bot.services.events import FINDINGS, EventReport, EventService
from bot.services.history import HistoryService
from bot.services.staff import StaffView
from bot.telegram import callbacks, charts, check_views, history_texts, texts, words
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.labs import when
from bot.telegram.language import spoken_by
from bot.telegram.picker import PatientPicker
from bot.telegram.words import refusal
from bot.telegram.words.patients import NO_SUCH_PATIENT

CHOOSE, CONFIRM = 0, 1
CANCEL = "cancel"
USAGE = N_("Usage: /event <patient label>, e.g. /event Bed 4")
WHAT_HAPPENED = N_("Report an event for {label} (between checks). What happened?")
CANCEL_BUTTON = N_("Cancel")
REPORT_NOW = N_("Report now")
REPORT_NOW_ASK = N_("Report now: {finding}?")
CANCELLED = N_("Cancelled: nothing was reported.")
ALREADY = N_("Already reported.")
REPORTED = N_("Reported.")
REPORTED_FOR = N_("Reported for {label} at {when}: {finding}.")
GRADED = N_("ICANS {grade}.")
FULL_CHECK = N_("Do a full check when you can: /check {label}")


def finding_label(finding: str, language: str = ENGLISH) -> str:
    """A finding as the check's buttons name it ("Seizure over 5 minutes", 发作超过 5 分钟)."""
    domain, _, value = finding.partition(".")
    if domain == "seizure":
        return gettext(language, check_views.SEIZURE_LABELS[Seizure(value)])
    return gettext(language, check_views.FINDING_LABELS[value])


def finding_words(finding: str, language: str = ENGLISH) -> str:
    """A finding inside a sentence: lower case in English ("report now: seizure over 5
    minutes?"); other languages have no case to change."""
    label = finding_label(finding, language)
    return label.lower() if language == ENGLISH else label


def reported_text(report: EventReport, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """The confirmation, with the grade the finding gives and whom the bot pages."""
    lines = [
        gettext(language, REPORTED_FOR).format(
            label=report.label,
            when=when(report.at, zone, language),
            finding=finding_words(report.finding, language),
        ),
        gettext(language, GRADED).format(grade=check_views.grade_words(report.result, language)),
    ]
    advice = check_views.URGENCY_ADVICE.get(report.triggers.urgency)
    if advice:
        lines.append(gettext(language, advice))
    lines.append(gettext(language, FULL_CHECK).format(label=report.label))
    return "\n".join(lines)


class EventHandlers:
    def __init__(
        self,
        access: Access,
        events: EventService,
        history: HistoryService,
        zone: ZoneInfo,
        on_reported: Callable[[Application], None] | None = None,  # type: ignore[type-arg]
        picker: PatientPicker | None = None,
    ) -> None:
        self._picker = picker
        self._on_reported = on_reported  # an event may have raised an alert
        self._access = access
        self._events = events
        self._history = history
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("event", self.event))
        app.add_handler(CommandHandler("history", self.history))
        app.add_handler(CallbackQueryHandler(self.press, pattern=r"^ev:"))

    async def event(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "event")
        message = update.effective_message
        if staff is None or message is None:
            return
        label = await self._label(message, staff, "event", " ".join(context.args or []))
        if not label:
            if label == "":
                await message.reply_text(gettext(spoken_by(staff), USAGE))
            return
        await self.event_for(message, context, staff, label)

    async def _label(
        self, message: Message, staff: StaffView, command: str, typed: str
    ) -> str | None:
        """The label to act on; None once the picker has answered; "" when none was given
        and there is no picker."""
        typed = typed.strip()
        if self._picker is None:
            return typed
        if not typed:
            await self._picker.show(message, staff, command)
            return None
        return await self._picker.resolve(message, staff, command, typed)

    async def event_for(
        self, message: Message, _context: ContextTypes.DEFAULT_TYPE, staff: StaffView, label: str
    ) -> None:
        """The findings to choose from, for a patient typed or picked."""
        language = spoken_by(staff)
        found = await asyncio.to_thread(self._events.find_patient, staff, label)
        if found is None:
            await message.reply_text(gettext(language, NO_SUCH_PATIENT))
            return
        patient_id, patient_label = found
        rows = [[_button(patient_id, CHOOSE, finding_label(f, language), f)] for f in FINDINGS]
        rows.append([_button(patient_id, CHOOSE, gettext(language, CANCEL_BUTTON), CANCEL)])
        await message.reply_text(
            gettext(language, WHAT_HAPPENED).format(label=patient_label),
            reply_markup=InlineKeyboardMarkup(rows),
            protect_content=True,
        )

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        staff = await self._access.staff_or_refuse(update, "event_button")
        if staff is None or query is None or query.message is None:
            return
        data = callbacks.parse(query.data)
        language = spoken_by(staff)
        if data is None or (data.action != CANCEL and data.action not in FINDINGS):
            await query.answer(gettext(language, texts.BUTTON_NOT_VALID), show_alert=True)
            return
        source = f"{query.message.chat.id}:{query.message.message_id}"
        if not callbacks.offered(query.message, query.data):
            # Forged on another message, or a replay after the report removed the buttons.
            done = await asyncio.to_thread(self._events.was_reported, source)
            answer = gettext(language, ALREADY if done else texts.BUTTON_NOT_VALID)
            await query.answer(answer, show_alert=not done)
            return
        if data.action == CANCEL:
            await query.answer()
            await query.edit_message_text(gettext(language, CANCELLED))
            return
        if data.version == CHOOSE:
            await self._confirm(
                query, patient_id=data.target, finding=data.action, language=language
            )
            return
        try:
            report = await asyncio.to_thread(
                self._events.report, staff, data.target, data.action, source
            )
        except RefusedError as refused:
            await query.answer(refusal(refused, language), show_alert=True)
            return
        await query.answer(gettext(language, ALREADY if report.duplicate else REPORTED))
        if not report.duplicate:
            await query.edit_message_text(reported_text(report, self._zone, language))
            if self._on_reported is not None:
                self._on_reported(context.application)

    async def _confirm(
        self, query: CallbackQuery, *, patient_id: int, finding: str, language: str
    ) -> None:
        await query.answer()
        markup = InlineKeyboardMarkup(
            [
                [_button(patient_id, CONFIRM, gettext(language, REPORT_NOW), finding)],
                [_button(patient_id, CONFIRM, gettext(language, CANCEL_BUTTON), CANCEL)],
            ]
        )
        ask = gettext(language, REPORT_NOW_ASK).format(finding=finding_words(finding, language))
        await query.edit_message_text(ask, reply_markup=markup)

    async def history(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "history")
        message = update.effective_message
        if staff is None or message is None:
            return
        label = await self._label(message, staff, "history", " ".join(context.args or []))
        if not label:
            if label == "":
                await message.reply_text(gettext(spoken_by(staff), history_texts.USAGE))
            return
        await self.history_for(message, context, staff, label)

    async def history_for(
        self, message: Message, context: ContextTypes.DEFAULT_TYPE, staff: StaffView, label: str
    ) -> None:
        """The grades and the chart of a patient typed or picked, in the reader's language."""
        language = spoken_by(staff)
        try:
            result = await asyncio.to_thread(self._history.history, staff, label)
        except RefusedError as refused:
            await message.reply_text(words.refusal(refused, language))
            return
        text = history_texts.history_text(result, self._zone, language)
        await message.reply_text(text, protect_content=True)
        if any(point.grade is not None for point in result.points):
            png = await asyncio.to_thread(
                charts.render_history_chart,
                result.points,
                result.infusion_events,
                label=result.label,
                zone=self._zone,
                labs=result.labs,
                language=language,
            )
            tool = charts.score_tool(result.points).upper()
            await context.bot.send_photo(
                message.chat_id,
                photo=png,
                caption=history_texts.caption(result, tool, language),
                protect_content=True,
            )


def _button(patient_id: int, stage: int, text: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text, callback_data=Callback("ev", patient_id, stage, action).encode()
    )
