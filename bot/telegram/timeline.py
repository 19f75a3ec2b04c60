"""``/timeline <patient>``: the patient's audit trail in the chat, newest first, a page at a time.

One compact line per audit row ("24 Nov 14:03 · Check submitted by Nurse Ada: ICANS 2 (ICE 6),
urgency high"), in the reader's language. Every action has a line: the known ones are worded
in ``timeline_lines`` and ``timeline_alerts``, any other is shown as its action name with its
facts as key=value, so that a new kind of row is never hidden. The patient is named by ward
label only, and every page is sent with ``protect_content``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Final
from zoneinfo import ZoneInfo

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.staff import StaffView
from bot.services.timeline import Timeline, TimelineService
from bot.telegram import i18n, texts
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.i18n import ENGLISH, N_
from bot.telegram.language import spoken_by
from bot.telegram.patients import command_arguments, local_time, split_blocks
from bot.telegram.picker import PatientPicker
from bot.telegram.timeline_lines import entry_line
from bot.telegram.timeline_pieces import Say

log = logging.getLogger(__name__)

KIND: Final = "tl"
USAGE: Final = N_("Usage: /timeline <patient label>, e.g. /timeline Bed 4")
NO_PATIENT: Final = N_(
    "No such patient on your wards (active, or discharged in the last 30 days). "
    "/patients lists the active ones."
)
NOTHING_OLDER: Final = N_("Nothing older.")
ALREADY_SHOWN: Final = N_("Already shown: the older entries are below that message.")
OLDER: Final = N_("Older")


def heading(page: Timeline, say: Say, *, older: bool) -> str:
    if page.discharged_at is None:
        where = say(N_("ward {ward}"), ward=page.ward_code)
    else:
        where = say(
            N_("ward {ward}, discharged {at}"),
            ward=page.ward_code,
            at=_day_and_time(page.discharged_at, say),
        )
    if not page.entries:
        return say(N_("{label} ({where}): nothing recorded yet."), label=page.label, where=where)
    if older:
        return say(
            N_("Timeline of {label} ({where}), older entries:"), label=page.label, where=where
        )
    return say(N_("Timeline of {label} ({where}), newest first:"), label=page.label, where=where)


def _day_and_time(at: dt.datetime, say: Say) -> str:
    """ "24 Nov 2026 09:00" in English (as always), as the language writes it otherwise."""
    if say.language == ENGLISH:
        return local_time(at, say.zone)
    return i18n.format_datetime(at, say.language, say.zone, date="yMMMd")


def render(
    page: Timeline, zone: ZoneInfo, language: str = ENGLISH, *, older: bool = False
) -> list[str]:
    """The page as messages under Telegram's 4096 characters, split between entries."""
    say = Say(language, zone)
    blocks = [heading(page, say, older=older)] + [entry_line(e, say) for e in page.entries]
    return split_blocks(blocks, language=language)


def older_button(page: Timeline, language: str = ENGLISH) -> InlineKeyboardMarkup | None:
    before = page.older_than
    if before is None:
        return None
    data = Callback(KIND, page.patient_id, 0, str(before)).encode()
    text = i18n.gettext(language, OLDER)
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)]])


# -- handlers -------------------------------------------------------------------------------


class TimelineHandlers:
    def __init__(
        self,
        access: Access,
        timeline: TimelineService,
        zone: ZoneInfo,
        picker: PatientPicker | None = None,
    ) -> None:
        self._picker = picker
        self._access = access
        self._timeline = timeline
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("timeline", self.command))
        app.add_handler(CallbackQueryHandler(self.press, pattern=rf"^{KIND}:"))

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "timeline")
        message = update.effective_message
        if staff is None or message is None:
            return
        label: str | None = " ".join(command_arguments(message).split())
        if self._picker is not None and not label:
            await self._picker.show(message, staff, "timeline")
            return
        if not label:
            await message.reply_text(i18n.gettext(spoken_by(staff), USAGE))
            return
        if self._picker is not None:
            label = await self._picker.resolve(message, staff, "timeline", label)
        if label is not None:
            await self.for_label(message, context, staff, label)

    async def for_label(
        self, message: Message, context: ContextTypes.DEFAULT_TYPE, staff: StaffView, label: str
    ) -> None:
        """The newest page of a patient typed or picked."""
        page = await asyncio.to_thread(self._timeline.timeline, staff, label)
        language = spoken_by(staff)
        if page is None:
            await message.reply_text(i18n.gettext(language, NO_PATIENT))
            return
        await self._send(context.bot, message.chat_id, page, language, older=False)

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The "Older" button: the next page as new messages; the pressed button goes away."""
        query = update.callback_query
        staff = await self._access.staff_or_refuse(update, "timeline_button")
        if staff is None or query is None or query.message is None:
            return
        _ = i18n.translations(spoken_by(staff)).gettext
        data = parse(query.data)
        if data is None or data.kind != KIND or not data.action.isdigit():
            await query.answer(_(texts.BUTTON_NOT_VALID), show_alert=True)
            return
        page = await asyncio.to_thread(
            self._timeline.older, staff, data.target, before_id=int(data.action)
        )
        if page is None:
            await query.answer(_(NO_PATIENT), show_alert=True)
            return
        if isinstance(query.message, Message) and query.message.reply_markup is None:
            await query.answer(_(ALREADY_SHOWN))  # the button was used: its page was sent
            return
        if not page.entries:
            await query.answer(_(NOTHING_OLDER))
            return
        await query.answer()
        await _drop_keyboard(query)
        await self._send(context.bot, query.message.chat.id, page, spoken_by(staff), older=True)

    async def _send(
        self, bot: Bot, chat_id: int, page: Timeline, language: str, *, older: bool
    ) -> None:
        parts = render(page, self._zone, language, older=older)
        for number, text in enumerate(parts, start=1):
            markup = older_button(page, language) if number == len(parts) else None
            await bot.send_message(chat_id, text, reply_markup=markup, protect_content=True)


async def _drop_keyboard(query: CallbackQuery) -> None:
    """Remove the "Older" button once used, so a page is not fetched twice by accident."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as error:  # already without buttons (a doubled press)
            log.debug("keyboard already gone: %s", error)
