"""Check prompts: words for the facts the scheduler queued, the sender, and the buttons.

Messages go out from the outbox through PTB's rate limiter. A Telegram refusal is handled
by kind: RetryAfter waits as long as Telegram says, a blocked chat is given up (and the row
says so), anything else is retried with backoff; no exception loses the row.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot import metrics
from bot.clinical.ladder import CHARGE, PHYSICIAN, PROMPT, REMIND
from bot.services import prompt_copies
from bot.services.errors import RefusedError
from bot.services.outbox import TELEGRAM, ChannelSender, Outbox, OutboxItem
from bot.services.prompts import PromptService, Snoozed
from bot.telegram import callbacks, texts, words
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback
from bot.telegram.checks import CheckHandlers, caught
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.language import spoken_by

log = logging.getLogger(__name__)
PER_CHAT_SPACING = 1.0  # seconds: Telegram's "about one message a second" to one chat
SEND_CONNECT_TIMEOUT, SEND_WRITE_TIMEOUT, SEND_READ_TIMEOUT = 5.0, 30.0, 30.0
"""Seconds an outbox send waits for Telegram (python-telegram-bot's default is 5 s each).

Telegram has no idempotency key: a send it carried out but answered after the client gave up
is retried and arrives twice. Waiting 30 s instead of 5 closes that window for everything
but a Telegram answer slower than 30 s. The rate limiter's queueing happens before the
request, so it does not eat into these; their sum (65 s) stays under the outbox lease (2 min)
so no second sender takes the row over while this one still waits.
"""


_PROMPTS: Final[Mapping[tuple[int, bool], str]] = {
    # (level, baseline) -> the words; "kind" is said inside each, as the language puts it.
    (PROMPT, False): N_("Neuro check due for {label} at {due}{late}."),
    (PROMPT, True): N_("Baseline check due for {label} at {due}{late}."),
    (REMIND, False): N_(
        "Reminder: the neuro check for {label} was due at {due} ({overdue} min ago)."
    ),
    (REMIND, True): N_(
        "Reminder: the baseline check for {label} was due at {due} ({overdue} min ago)."
    ),
    (CHARGE, False): N_(
        "Charge nurse: the neuro check for {label}, due at {due}, has not been started "
        "({overdue} min)."
    ),
    (CHARGE, True): N_(
        "Charge nurse: the baseline check for {label}, due at {due}, has not been started "
        "({overdue} min)."
    ),
    (PHYSICIAN, False): N_(
        "Missed neuro check: {label}, due at {due}, not started after {overdue} min."
    ),
    (PHYSICIAN, True): N_(
        "Missed baseline check: {label}, due at {due}, not started after {overdue} min."
    ),
}


def render_prompt(
    payload: Mapping[str, Any], zone: ZoneInfo, language: str = ENGLISH
) -> tuple[str, InlineKeyboardMarkup]:
    """A check prompt (or its reminder, or the charge nurse's word) in the reader's language."""
    label, level = str(payload["label"]), int(payload["level"])
    due = dt.datetime.fromisoformat(str(payload["due_at"])).astimezone(zone).strftime("%H:%M")
    overdue = int(payload.get("minutes_overdue", 0))
    late = ""
    if level == PROMPT and payload.get("late"):
        late = gettext(language, " (late: due {overdue} min ago)").format(overdue=overdue)
    words = _PROMPTS[(min(level, PHYSICIAN), payload.get("kind") == "baseline")]
    text = gettext(language, words).format(label=label, due=due, late=late, overdue=overdue)
    check_id = int(payload["check_id"])
    rows = [[_button(check_id, level, gettext(language, "Start check"), "start")]]
    if level <= REMIND:
        rows[0].append(_button(check_id, level, gettext(language, "Snooze 15 min"), "snooze"))
    return text, InlineKeyboardMarkup(rows)


def render_prompt_update(
    payload: Mapping[str, Any], zone: ZoneInfo, language: str = ENGLISH
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A prompt already sent, as it must read now: started or submitted (no buttons), or due
    again after a cancel (its buttons back, saying what happened)."""
    prompt = payload["prompt"]
    state, by = str(payload["state"]), str(payload["by"])
    at = dt.datetime.fromisoformat(str(payload["at"])).astimezone(zone).strftime("%H:%M")
    text, markup = render_prompt(prompt, zone, language)
    if state == prompt_copies.STARTED:
        started = gettext(language, "Started by {by} at {at}.")
        return f"{text}\n\n{started.format(by=by, at=at)}", None
    if state == prompt_copies.SUBMITTED:
        if payload.get("complete"):
            grade = gettext(language, "ICANS grade {grade}")
        else:
            grade = gettext(language, "ICANS grade {grade} or worse")
        done = gettext(language, "Submitted by {by} at {at}: {grade}.").format(
            by=by, at=at, grade=grade.format(grade=payload.get("grade"))
        )
        return f"{text}\n\n{done}", None
    if state == prompt_copies.RELEASED:
        released = gettext(
            language,
            "Started by {by}, who no longer has access: released at {at}, the check is due "
            "again (Start offers to take it over).",
        )
        return f"{text}\n\n{released.format(by=by, at=at)}", markup
    if state == prompt_copies.CANCELLED:
        again = gettext(language, "Started by {by}, cancelled at {at}: the check is due again.")
    else:
        again = gettext(
            language, "Started by {by}, closed unanswered at {at}: the check is due again."
        )
    return f"{text}\n\n{again.format(by=by, at=at)}", markup


def _button(check_id: int, level: int, text: str, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text, callback_data=Callback("sc", check_id, level, action).encode()
    )


@dataclass(frozen=True)
class Outgoing:
    """One queued message as Telegram gets it: a new message, or an edit of one sent before;
    ``photo`` (drawn only when sending) follows the text, or is the message itself when there
    is no text (e.g. an alert's chart, its own outbox row, in reply to ``reply_to``)."""

    text: str
    markup: InlineKeyboardMarkup | None = None
    edit_message_id: int | None = None
    photo: Callable[[], bytes] | None = None
    caption: str = ""
    reply_to: int | None = None


Renderer = Callable[[OutboxItem], Awaitable[Outgoing | None]]  # None: nothing left to send
Action = Callable[[Bot, OutboxItem], Awaitable[None]]
"""A queued call that is not a message (e.g. publishing a person's command menu)."""


@dataclass(frozen=True)
class SendReport:
    """``handled`` counts failures too: a page that could not be delivered moves its
    escalation on, so the caller must look again even though nothing was delivered."""

    handled: int
    delivered: int


class OutboxSender:
    def __init__(
        self,
        outbox: Outbox,
        zone: ZoneInfo,
        renderers: Mapping[str, Renderer] | None = None,
        actions: Mapping[str, Action] | None = None,
        channels: Mapping[str, ChannelSender] | None = None,
    ) -> None:
        self._outbox = outbox
        self._zone = zone
        self._renderers = dict(renderers or {})  # purpose -> its words (prompts built in)
        self._actions = dict(actions or {})  # purpose -> a call made instead of a message
        self._channels = dict(channels or {})  # channel -> its sender (Telegram is this class)

    async def send_pending(self, bot: Bot) -> SendReport:
        """Send what is due; reports how many were taken and how many delivered.

        Chats go out in parallel (PTB's limiter paces the total); one chat's messages go one
        after another, spaced, because Telegram refuses bursts to a single chat.
        """
        items = await asyncio.to_thread(self._outbox.claim)
        by_chat: dict[int, list[OutboxItem]] = {}
        others = []
        for item in items:
            if item.channel == TELEGRAM:
                by_chat.setdefault(item.chat_id, []).append(item)
            else:
                others.append(item)
        results = await asyncio.gather(
            *(self._send_chat(bot, queue) for queue in by_chat.values()),
            *(self._outbox.send_by_channel(i, self._channels.get(i.channel)) for i in others),
        )
        return SendReport(handled=len(items), delivered=sum(results))

    async def _send_chat(self, bot: Bot, queue: list[OutboxItem]) -> int:
        delivered = 0
        for index, item in enumerate(queue):
            if index:
                await asyncio.sleep(PER_CHAT_SPACING)
            delivered += await self._send(bot, item)
        return delivered

    async def _send(self, bot: Bot, item: OutboxItem) -> bool:
        action = self._actions.get(item.purpose)
        out: Outgoing | None = None
        try:
            if action is not None:
                await action(bot, item)
                message_id = 0  # no message: the row only records that the call was made
            else:
                out = await self._render(item)
                if out is None:
                    await asyncio.to_thread(self._outbox.failed, item, "nothing to send any more")
                    return False
                message_id = await self._deliver(bot, item.chat_id, out)
        except RetryAfter as exc:
            delay = exc.retry_after
            wait = delay if isinstance(delay, dt.timedelta) else dt.timedelta(seconds=delay)
            await asyncio.to_thread(self._outbox.retry, item, str(exc), wait)
            return False
        except (Forbidden, BadRequest) as exc:
            log.warning("outbox %s to chat %s given up: %s", item.id, item.chat_id, exc)
            await asyncio.to_thread(self._outbox.failed, item, str(exc))
            return False
        except TelegramError as exc:
            await asyncio.to_thread(self._outbox.retry, item, str(exc))
            return False
        await asyncio.to_thread(self._outbox.sent, item, message_id)
        metrics.sent(item.purpose)
        if out is not None and out.photo is not None and out.text:
            await self._photo(bot, item, out, message_id)
        return True

    async def _deliver(self, bot: Bot, chat_id: int, out: Outgoing) -> int:
        if not out.text and out.photo is not None:
            png = await asyncio.to_thread(out.photo)
            photo = await bot.send_photo(
                chat_id,
                png,
                caption=out.caption,
                protect_content=True,
                reply_to_message_id=out.reply_to,
                allow_sending_without_reply=True,
            )
            return photo.message_id
        if out.edit_message_id is None:
            sent = await bot.send_message(
                chat_id,
                out.text,
                reply_markup=out.markup,
                protect_content=True,
                connect_timeout=SEND_CONNECT_TIMEOUT,
                write_timeout=SEND_WRITE_TIMEOUT,
                read_timeout=SEND_READ_TIMEOUT,
            )
            return sent.message_id
        try:
            await bot.edit_message_text(
                out.text, chat_id=chat_id, message_id=out.edit_message_id, reply_markup=out.markup
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
        return out.edit_message_id

    async def _photo(self, bot: Bot, item: OutboxItem, out: Outgoing, reply_to: int) -> None:
        """The chart after its text. Best effort: the text is what must arrive, and it has."""
        assert out.photo is not None
        try:
            png = await asyncio.to_thread(out.photo)
            await bot.send_photo(
                item.chat_id,
                png,
                caption=out.caption,
                protect_content=True,
                reply_to_message_id=reply_to,
            )
        except Exception:
            log.exception("chart for outbox %s to chat %s not sent", item.id, item.chat_id)

    async def _render(self, item: OutboxItem) -> Outgoing | None:
        language = item.language or ENGLISH
        if item.purpose == "check_prompt":
            text, markup = render_prompt(item.payload, self._zone, language)
            return Outgoing(text, markup)
        if item.purpose == prompt_copies.PURPOSE:
            words, keys = render_prompt_update(item.payload, self._zone, language)
            return Outgoing(words, keys, edit_message_id=int(item.payload["message_id"]))
        renderer = self._renderers.get(item.purpose)
        if renderer is not None:
            return await renderer(item)
        return Outgoing(str(item.payload.get("text", "")))


class PromptHandlers:
    def __init__(
        self, access: Access, prompts: PromptService, checks: CheckHandlers, zone: ZoneInfo
    ) -> None:
        self._access = access
        self._prompts = prompts
        self._checks = checks
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CallbackQueryHandler(self.press, pattern=r"^sc:"))

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data = callbacks.parse(query.data)
        if data is None or data.action not in ("start", "snooze"):
            staff = await self._access.staff_or_refuse(update, "prompt_button")
            if staff is not None:
                invalid = gettext(spoken_by(staff), texts.BUTTON_NOT_VALID)
                await query.answer(invalid, show_alert=True)
            return
        if data.action == "start":
            done = await self._access.run_as(
                update,
                "prompt_start",
                lambda s: caught(lambda: self._prompts.start(s, data.target)),
            )
            if done is not None:
                await query.answer()
                language = spoken_by(done[0])
                await self._checks.show_start(context.bot, query.from_user.id, done[1], language)
                self._checks.started(context.application, done[1])
            return
        snoozed = await self._access.run_as(
            update,
            "prompt_snooze",
            lambda s: caught(lambda: self._prompts.snooze(s, data.target, data.version)),
        )
        if snoozed is None:
            return
        result, language = snoozed[1], spoken_by(snoozed[0])
        if isinstance(result, RefusedError):
            await query.answer(words.refusal(result, language), show_alert=True)
            return
        assert isinstance(result, Snoozed)
        until = result.until.astimezone(self._zone).strftime("%H:%M")
        await query.answer(gettext(language, "Snoozed: reminder at {until}.").format(until=until))
