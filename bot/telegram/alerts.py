"""Alerts to physicians: what a press does, and how the outbox draws each alert message
(words and buttons in bot.telegram.alert_texts). The chart goes with the first copy to each
person.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot import metrics
from bot.services import check_followup, escalations
from bot.services.alerts import Acknowledged, AlertService, AlertView, may_acknowledge
from bot.services.errors import RefusedError
from bot.services.outbox import OutboxItem
from bot.services.staff import StaffView
from bot.telegram import callbacks, texts, words
from bot.telegram.access import Access
from bot.telegram.alert_texts import (
    alerts_text,
    answer_text,
    attribution_keyboard,
    exhausted_text,
    follow_up_text,
    followup_text,
    keyboard,
    nurse_text,
    render_alert,
)
from bot.telegram.charts import render_history_chart
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.language import spoken_by
from bot.telegram.prompts import Outgoing, Renderer
from storage.models import EscalationStatus

log = logging.getLogger(__name__)
Kick = Callable[[Application], None]  # type: ignore[type-arg]
CAPTION = N_("{label}: ICE and ICANS grade, infusion events marked")


class AlertHandlers:
    def __init__(self, access: Access, alerts: AlertService, zone: ZoneInfo, kick: Kick) -> None:
        self._access = access
        self._alerts = alerts
        self._zone = zone
        self._kick = kick  # send the queued edits and messages now, not at the next tick

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("alerts", self.list_open))
        app.add_handler(CallbackQueryHandler(self.press, pattern=r"^al:"))

    async def list_open(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        done = await self._access.run_as(update, "alerts", self._alerts.open_alerts)
        if done is None or update.effective_message is None:
            return
        staff, views = done
        language = spoken_by(staff)
        await update.effective_message.reply_text(
            alerts_text(views, self._zone, language), protect_content=True
        )
        for view in views:
            buttons = may_acknowledge(staff.role, view.status)
            sent = await update.effective_message.reply_text(
                render_alert(view, self._zone, language=language),
                reply_markup=keyboard(view, decide=False, language=language) if buttons else None,
                protect_content=True,
            )
            await asyncio.to_thread(
                self._alerts.remember_copy,
                view.escalation_id,
                sent.chat_id,
                sent.message_id,
                staff.id,
            )

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        data = callbacks.parse(query.data)
        if data is None:
            staff = await self._access.staff_or_refuse(update, "alert_button")
            if staff is not None:
                invalid = gettext(spoken_by(staff), texts.BUTTON_NOT_VALID)
                await query.answer(invalid, show_alert=True)
            return
        action, target = data.action, data.target
        if action in ("attr", "back"):
            await self._menu(update, target, attribution=action == "attr")
            return
        try:
            done = await self._access.run_as(
                update, "alert_button", lambda staff: self._act(staff, target, action)
            )
        except RefusedError as refused:
            language = await self._access.language(update)
            await query.answer(words.refusal(refused, language), show_alert=True)
            return
        if done is None:
            return
        language, result = spoken_by(done[0]), done[1]
        if result is None:
            await query.answer(gettext(language, texts.BUTTON_NOT_VALID), show_alert=True)
            return
        if isinstance(result, Acknowledged) and result.first:
            view = result.view
            metrics.acknowledged(view.urgency.value, view.created_at, view.acknowledged_at)
        await query.answer(answer_text(result, action, language))
        self._kick(context.application)

    def _act(self, staff: StaffView, target: int, action: str) -> Acknowledged | AlertView | None:
        if action in ("ack", "coming"):
            return self._alerts.acknowledge(staff, target, action)
        if action.startswith("d-"):
            return self._alerts.decide(staff, target, action[2:])
        if action.startswith("a-"):
            return self._alerts.attribute(staff, target, action[2:])
        return None  # a button this version does not have

    async def _menu(self, update: Update, target: int, *, attribution: bool) -> None:
        """Swap the decision buttons for the list of findings (or back); nothing is stored."""
        query = update.callback_query
        assert query is not None
        staff = await self._access.staff_or_refuse(update, "alert_button")
        if staff is None:
            return
        language = spoken_by(staff)
        view = await asyncio.to_thread(self._alerts.view, target)
        if view is None:
            await query.answer(gettext(language, texts.BUTTON_NOT_VALID), show_alert=True)
            return
        markup: InlineKeyboardMarkup | None
        if attribution:
            markup = attribution_keyboard(view, language)
        else:
            markup = keyboard(view, decide=True, language=language)
        await query.answer()
        await query.edit_message_reply_markup(markup)


def renderers(alerts: AlertService, zone: ZoneInfo) -> dict[str, Renderer]:
    """How the outbox words each alert message, from the alert's state when it is sent."""

    async def current(item: OutboxItem) -> AlertView | None:
        return await asyncio.to_thread(alerts.view, int(item.payload["escalation_id"]))

    async def page(item: OutboxItem) -> Outgoing | None:
        view = await current(item)
        if (
            view is None
            or view.status is EscalationStatus.ACKNOWLEDGED
            or view.closed_reason
            in (
                "superseded",
                "check_recorded",
            )
        ):
            return None  # taken care of before this page left: nothing to ask any more
        repeat, language = bool(item.payload.get("repeat")), item.language or ENGLISH
        text = render_alert(view, zone, repeat=repeat, language=language)
        return Outgoing(text, keyboard(view, decide=False, language=language))

    async def chart(item: OutboxItem) -> Outgoing | None:
        """The chart after a first page (its own row), drawn now in a worker thread. A chart
        that cannot be drawn is given up (the row says so): the page, which matters, is out."""
        escalation_id = int(item.payload["escalation_id"])
        try:
            language = item.language or ENGLISH
            png = await asyncio.to_thread(chart_png, alerts, escalation_id, zone, language)
        except Exception:
            log.exception("chart for alert %s could not be drawn", escalation_id)
            return None
        if png is None:
            return None  # the alert has gone: nothing to draw
        label, drawn = png
        return Outgoing(
            "",
            photo=lambda: drawn,
            caption=gettext(language, CAPTION).format(label=label),
            reply_to=int(item.payload["reply_to"]),
        )

    async def edit(item: OutboxItem) -> Outgoing | None:
        view = await current(item)
        if view is None:
            return None
        decide, language = bool(item.payload.get("decide")), item.language or ENGLISH
        return Outgoing(
            render_alert(view, zone, language=language),
            keyboard(view, decide=decide, language=language),
            edit_message_id=int(item.payload["message_id"]),
        )

    async def followup(item: OutboxItem) -> Outgoing | None:
        view = await current(item)
        if view is None or view.check is None:
            return None
        text = followup_text(view, zone, item.language or ENGLISH)
        return Outgoing(text, None, edit_message_id=int(item.payload["message_id"]))

    async def ack_nurse(item: OutboxItem) -> Outgoing | None:
        view = await current(item)
        return None if view is None else Outgoing(nurse_text(view, zone, item.language or ENGLISH))

    def simple(words: Callable[[AlertView, ZoneInfo, str], str], buttons: bool = False) -> Renderer:
        async def render(item: OutboxItem) -> Outgoing | None:
            view = await current(item)
            if view is None:
                return None
            language = item.language or ENGLISH
            markup = keyboard(view, decide=False, language=language) if buttons else None
            return Outgoing(words(view, zone, language), markup)

        return render

    return {
        "alert": page,
        escalations.CHART_PURPOSE: chart,
        "alert_edit": edit,
        "alert_exhausted": simple(exhausted_text, buttons=True),
        "alert_follow_up": simple(follow_up_text),
        "alert_ack_nurse": ack_nurse,
        check_followup.PURPOSE: followup,
    }


def chart_png(
    alerts: AlertService, escalation_id: int, zone: ZoneInfo, language: str = ENGLISH
) -> tuple[str, bytes] | None:
    """The patient's label and chart in its reader's language, drawn in a worker thread when
    the chart is sent; None when the alert has gone."""
    chart = alerts.chart(escalation_id)
    if chart is None:
        return None
    png = render_history_chart(
        chart.points,
        chart.events,
        label=chart.label,
        zone=zone,
        labs=chart.labs,
        language=language,
    )
    return chart.label, png
