"""``/timeline <patient>``: the patient's audit trail in the chat, newest first, a page at a time.

One compact line per audit row ("24 Nov 14:03 · Check submitted by Nurse Ada: ICANS 2 (ICE 6),
urgency high"). Every action has a line: the known ones are worded here, any other is shown
as its action name with its facts as key=value, so that a new kind of row is never hidden.
The patient is named by ward label only, and every page is sent with ``protect_content``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final
from zoneinfo import ZoneInfo

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.staff import StaffView
from bot.services.timeline import STAFF_LIST_KEYS, Timeline, TimelineEntry, TimelineService
from bot.telegram import texts
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.patients import command_arguments, local_time, split_blocks
from bot.telegram.picker import PatientPicker
from bot.telegram.timeline_lines import WORDINGS, by_line, people, short, when

log = logging.getLogger(__name__)

KIND: Final = "tl"
USAGE: Final = "Usage: /timeline <patient label>, e.g. /timeline Bed 4"
NO_PATIENT: Final = (
    "No such patient on your wards (active, or discharged in the last 30 days). "
    "/patients lists the active ones."
)
NOTHING_OLDER: Final = "Nothing older."
ALREADY_SHOWN: Final = "Already shown: the older entries are below that message."
OLDER: Final = "Older"


def generic(entry: TimelineEntry) -> str:
    """Any action without a wording: its name, who, and its facts as key=value by key."""
    facts = ", ".join(
        f"{key}={short(people(value) if key in STAFF_LIST_KEYS else value)}"
        for key, value in sorted(entry.facts.items())  # JSONB keeps no order: sort for both
        if value is not None
    )
    return f"{entry.action}{by_line(entry)}" + (f": {facts}" if facts else "")


def entry_line(entry: TimelineEntry, zone: ZoneInfo) -> str:
    """One row of the trail; a wording that trips over odd facts falls back to the generic
    line, because a trail that hides a row is worse than one that shows it plainly."""
    wording = WORDINGS.get(entry.action)
    try:
        text = wording(entry, zone) if wording else generic(entry)
    except (KeyError, TypeError, ValueError, AttributeError):
        log.warning("audit row %s (%s) did not fit its wording", entry.id, entry.action)
        text = generic(entry)
    return f"{when(entry.at, zone)} · {text}"


def heading(page: Timeline, zone: ZoneInfo, *, older: bool) -> str:
    where = f"ward {page.ward_code}"
    if page.discharged_at is not None:
        where += f", discharged {local_time(page.discharged_at, zone)}"
    if not page.entries:
        return f"{page.label} ({where}): nothing recorded yet."
    order = "older entries" if older else "newest first"
    return f"Timeline of {page.label} ({where}), {order}:"


def render(page: Timeline, zone: ZoneInfo, *, older: bool = False) -> list[str]:
    """The page as messages under Telegram's 4096 characters, split between entries."""
    return split_blocks(
        [heading(page, zone, older=older)] + [entry_line(e, zone) for e in page.entries]
    )


def older_button(page: Timeline) -> InlineKeyboardMarkup | None:
    before = page.older_than
    if before is None:
        return None
    data = Callback(KIND, page.patient_id, 0, str(before)).encode()
    return InlineKeyboardMarkup([[InlineKeyboardButton(OLDER, callback_data=data)]])


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
            await message.reply_text(USAGE)
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
        if page is None:
            await message.reply_text(NO_PATIENT)
            return
        await self._send(context.bot, message.chat_id, page, older=False)

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The "Older" button: the next page as new messages; the pressed button goes away."""
        query = update.callback_query
        staff = await self._access.staff_or_refuse(update, "timeline_button")
        if staff is None or query is None or query.message is None:
            return
        data = parse(query.data)
        if data is None or data.kind != KIND or not data.action.isdigit():
            await query.answer(texts.BUTTON_NOT_VALID, show_alert=True)
            return
        page = await asyncio.to_thread(
            self._timeline.older, staff, data.target, before_id=int(data.action)
        )
        if page is None:
            await query.answer(NO_PATIENT, show_alert=True)
            return
        if isinstance(query.message, Message) and query.message.reply_markup is None:
            await query.answer(ALREADY_SHOWN)  # the button was used: its page was sent
            return
        if not page.entries:
            await query.answer(NOTHING_OLDER)
            return
        await query.answer()
        await _drop_keyboard(query)
        await self._send(context.bot, query.message.chat.id, page, older=True)

    async def _send(self, bot: Bot, chat_id: int, page: Timeline, *, older: bool) -> None:
        parts = render(page, self._zone, older=older)
        for number, text in enumerate(parts, start=1):
            markup = older_button(page) if number == len(parts) else None
            await bot.send_message(chat_id, text, reply_markup=markup, protect_content=True)


async def _drop_keyboard(query: CallbackQuery) -> None:
    """Remove the "Older" button once used, so a page is not fetched twice by accident."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as error:  # already without buttons (a doubled press)
            log.debug("keyboard already gone: %s", error)
