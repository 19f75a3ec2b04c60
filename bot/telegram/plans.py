"""``/plan``: a patient's infusion plan, a new cycle, and the infusion's events by button.

A button press goes through at most three edits of the same message, each carrying the plan's
version (its event count) so that a stale or doubled press changes nothing::

    plan view --"Hold now"--> reason? --"CRS"--> confirm? --"Confirm"--> recorded
              --"Step up now" (or any other)---> confirm? --"Confirm"--> recorded
                                  "Cancel" at any step --> the plan view again

Callback data: ``pl:<plan id>:<version>:<action>`` with action ``k.<kind>`` (chosen),
``r.<reason>`` (hold reason chosen), ``y.<kind>`` or ``y.hold.<reason>`` (confirmed), ``n``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.services.errors import RefusalCode, RefusedError
from bot.services.localtime import TimeInputError
from bot.services.patient_refusals import FIELD_REFUSALS, PatientRefusal, PlanRefusal
from bot.services.plans import (
    RECORD_ROLES,
    PatientPlan,
    PlanService,
    PlanView,
    StalePlanError,
)
from bot.services.staff import StaffView
from bot.telegram import texts
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.patients import command_arguments, local_time
from bot.telegram.picker import PatientPicker
from bot.telegram.words import refusal
from bot.telegram.words.plans import HOLD_REASONS, reason_words
from storage.models import InfusionEventKind, PlanStatus

log = logging.getLogger(__name__)

PLAN_KIND = "pl"
CHOOSE, REASON, CONFIRM, CANCEL = "k", "r", "y", "n"
MAX_EVENT_LINES = 40
_NOT_YOURS: frozenset[RefusalCode] = frozenset(
    {PatientRefusal.UNKNOWN, PlanRefusal.NOT_ALLOWED, PlanRefusal.NOT_ENROLLED}
)
"""Refusals of a button that is not (or no longer) the presser's: a pop-up, no edit."""


@dataclass(frozen=True)
class NewPlan:
    protocol: str
    cycle: str
    start: str


@dataclass(frozen=True)
class PlanRequest:
    """``/plan [ward,] <label> [new <protocol> <cycle> <start>]``."""

    ward_code: str | None
    label: str
    new: NewPlan | None


def parse_plan(text: str) -> PlanRequest | None:
    """Split the arguments; None when they do not have the shape of a request."""
    ward_code: str | None = None
    head, comma, rest = text.partition(",")
    if comma:
        if len(head.split()) != 1:
            return None
        ward_code, text = head.strip(), rest
    words = text.split()
    keyword = next((i for i, w in enumerate(words) if i > 0 and w.lower() == "new"), None)
    if keyword is None:
        return PlanRequest(ward_code, " ".join(words), None) if words else None
    arguments = words[keyword + 1 :]
    if len(arguments) < 3:
        return None
    new = NewPlan(arguments[0], arguments[1], " ".join(arguments[2:]))
    return PlanRequest(ward_code, " ".join(words[:keyword]), new)


def event_line(kind: InfusionEventKind, reason: str | None) -> str:
    words = texts.EVENT_WORDS[kind.value]
    return f"{words} ({reason})" if reason else words


def plan_text(view: PlanView, zone: ZoneInfo) -> str:
    """The plan as the chat and the command line show it."""
    status = view.status.value
    if view.status is PlanStatus.HELD and view.held_since is not None:
        status += f" since {local_time(view.held_since, zone)}"
    lines = [
        f"{view.patient_label}, ward {view.ward_code}: infusion plan",
        f"Protocol: {texts.protocol_name(view.protocol)}, cycle {view.cycle_number}",
        f"Start: {local_time(view.starts_at, zone)}",
    ]
    if view.cycle_day is not None:
        lines.append(f"Cycle day: {view.cycle_day}")
    lines.append(f"Status: {status}")
    if view.next_check_at is not None:
        why = texts.cadence(view.cadence, view.cadence_hours)
        lines.append(f"Next check: {local_time(view.next_check_at, zone)} ({why})")
    if view.status is PlanStatus.PLANNED:
        lines.append("Record the start when the infusion begins.")
    if view.events:
        lines += ["", "Events:"]
        shown = view.events[-MAX_EVENT_LINES:]
        if len(shown) < len(view.events):
            lines.append(f"({len(view.events) - len(shown)} earlier events not shown)")
        for event in shown:
            by = f" · {event.recorded_by}" if event.recorded_by else " · server"
            what = event_line(event.kind, reason_words(event.reason))
            lines.append(f"• {local_time(event.at, zone)} {what}{by}")
    else:
        lines += ["", "No events yet."]
    return "\n".join(lines)


def _button(view: PlanView, text: str, action: str) -> InlineKeyboardButton:
    data = Callback(kind=PLAN_KIND, target=view.id, version=view.version, action=action)
    return InlineKeyboardButton(text, callback_data=data.encode())


def plan_keyboard(view: PlanView, staff: StaffView) -> InlineKeyboardMarkup | None:
    """The next valid events, two to a row; none for those who may only look."""
    if staff.role not in RECORD_ROLES or not view.next_kinds:
        return None
    buttons = [
        _button(view, texts.PLAN_BUTTONS[kind.value], f"{CHOOSE}.{kind.value}")
        for kind in view.next_kinds
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _rows(buttons: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[b] for b in buttons])


class PlanHandlers:
    def __init__(
        self,
        access: Access,
        plans: PlanService,
        zone: ZoneInfo,
        picker: PatientPicker | None = None,
    ) -> None:
        self._picker = picker
        self._access = access
        self._plans = plans
        self._zone = zone

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("plan", self.plan))
        app.add_handler(CallbackQueryHandler(self.press, pattern=rf"^{PLAN_KIND}:"))

    # -- /plan ------------------------------------------------------------------------------

    async def plan(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        staff = await self._access.staff_or_refuse(update, "plan")
        message = update.effective_message
        if staff is None or message is None:
            return
        arguments = command_arguments(message)
        if self._picker is not None and not arguments.strip():
            await self._picker.show(message, staff, "plan")
            return
        request = parse_plan(arguments)
        if request is None:
            await message.reply_text(texts.PLAN_USAGE)
            return
        if self._picker is not None and request.ward_code is None:
            # With a ward code the label is meant exactly; without, complete it.
            label = await self._picker.resolve(message, staff, "plan", request.label)
            if label is None:
                return
            request = PlanRequest(None, label, request.new)
        if request.new is None:
            await self._show(message, staff, request)
        else:
            await self._create(message, staff, request, request.new)

    async def plan_for(
        self, message: Message, _context: ContextTypes.DEFAULT_TYPE, staff: StaffView, label: str
    ) -> None:
        """The plan of a patient picked from the list."""
        await self._show(message, staff, PlanRequest(None, label, None))

    async def _show(self, message: Message, staff: StaffView, request: PlanRequest) -> None:
        try:
            shown: PatientPlan = await asyncio.to_thread(
                self._plans.show,
                label=request.label,
                ward_code=request.ward_code,
                actor_staff_id=staff.id,
            )
        except RefusedError as refused:
            await message.reply_text(refusal(refused))
            return
        if shown.plan is None:
            await message.reply_text(texts.no_plan(shown.label, shown.ward_code))
            return
        await message.reply_text(
            plan_text(shown.plan, self._zone),
            protect_content=True,
            reply_markup=plan_keyboard(shown.plan, staff),
        )

    async def _create(
        self, message: Message, staff: StaffView, request: PlanRequest, new: NewPlan
    ) -> None:
        try:
            created = await asyncio.to_thread(
                self._plans.create,
                label=request.label,
                protocol=new.protocol,
                cycle=new.cycle,
                starts_at=new.start,
                ward_code=request.ward_code,
                actor_staff_id=staff.id,
            )
        except TimeInputError as error:
            await message.reply_text(texts.plan_refused(refusal(error)))
            return
        except RefusedError as refused:
            said = refusal(refused)
            field = refused.code in FIELD_REFUSALS
            await message.reply_text(texts.plan_refused(said) if field else said)
            return
        ended = None
        if created.ended is not None:
            old = created.ended
            ended = f"Cycle {old.cycle_number} ({old.protocol}) is now {old.status.value}."
        await message.reply_text(
            texts.plan_created(created.already_existed, ended)
            + "\n\n"
            + plan_text(created.plan, self._zone),
            protect_content=True,
            reply_markup=plan_keyboard(created.plan, staff),
        )

    # -- buttons ----------------------------------------------------------------------------

    async def press(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        staff = await self._access.staff_or_refuse(update, "plan_button")
        if staff is None:
            return
        data = parse(query.data)
        step = _Step.parse(data)
        if data is None or step is None:
            await query.answer(texts.BUTTON_NOT_VALID, show_alert=True)
            return
        if step.stage != CANCEL and staff.role not in RECORD_ROLES:
            await query.answer(texts.PLAN_VIEW_ONLY, show_alert=True)
            return
        if step.stage == CONFIRM:
            await self._confirmed(query, staff, data, step)
            return
        try:
            view = await asyncio.to_thread(self._plans.get, staff.id, data.target)
        except RefusedError as refused:
            await query.answer(refusal(refused), show_alert=True)
            await _drop_keyboard(query)
            return
        if step.stage == CANCEL:
            await query.answer()
            await query.edit_message_text(
                plan_text(view, self._zone), reply_markup=plan_keyboard(view, staff)
            )
            return
        assert step.kind is not None
        if view.version != data.version or step.kind not in view.next_kinds:
            await self._stale(query)
            return
        await query.answer()
        if step.kind is InfusionEventKind.HOLD and step.reason is None:
            reasons = [
                _button(view, words, f"{REASON}.{code}") for code, words in HOLD_REASONS.items()
            ]
            await query.edit_message_text(
                texts.hold_reason_question(view.patient_label),
                reply_markup=_rows([*reasons, _button(view, texts.CANCEL, CANCEL)]),
            )
            return
        confirm = f"{CONFIRM}.{step.kind.value}" + (f".{step.reason}" if step.reason else "")
        await query.edit_message_text(
            texts.plan_confirm(
                step.kind.value,
                view.patient_label,
                view.cycle_number,
                HOLD_REASONS.get(step.reason or ""),
            ),
            reply_markup=InlineKeyboardMarkup(
                [[_button(view, texts.CONFIRM, confirm), _button(view, texts.CANCEL, CANCEL)]]
            ),
        )

    async def _confirmed(
        self, query: CallbackQuery, staff: StaffView, data: Callback, step: _Step
    ) -> None:
        assert step.kind is not None
        try:
            recorded = await asyncio.to_thread(
                self._plans.record,
                staff.id,
                data.target,
                step.kind,
                version=data.version,
                reason=step.reason,
            )
        except StalePlanError:
            await self._stale(query)
            return
        except RefusedError as refused:
            if refused.code in _NOT_YOURS:
                await query.answer(refusal(refused), show_alert=True)
                await _drop_keyboard(query)
                return
            # Longer explanations (a new cycle is needed, ...) replace the question.
            await query.answer(texts.PLAN_NOT_RECORDED)
            await query.edit_message_text(refusal(refused))
            return
        await query.answer()
        event = recorded.event
        await query.edit_message_text(
            texts.plan_recorded(
                recorded.plan.patient_label,
                local_time(event.at, self._zone),
                event_line(event.kind, reason_words(event.reason)),
                recorded.plan.status.value,
            )
        )

    async def _stale(self, query: CallbackQuery) -> None:
        """A doubled or out-of-date press: say so, change nothing, take the buttons away."""
        await query.answer(texts.PLAN_STALE, show_alert=True)
        await _drop_keyboard(query)


@dataclass(frozen=True)
class _Step:
    stage: str
    kind: InfusionEventKind | None
    reason: str | None

    @classmethod
    def parse(cls, data: Callback | None) -> _Step | None:
        """The decoded action, or None for anything this handler never drew."""
        if data is None or data.kind != PLAN_KIND:
            return None
        stage, _, rest = data.action.partition(".")
        if stage == CANCEL and not rest:
            return cls(CANCEL, None, None)
        if stage == REASON:
            return cls(REASON, InfusionEventKind.HOLD, rest) if rest in HOLD_REASONS else None
        if stage not in (CHOOSE, CONFIRM):
            return None
        kind_text, _, reason = rest.partition(".")
        try:
            kind = InfusionEventKind(kind_text)
        except ValueError:
            return None
        if reason and (kind is not InfusionEventKind.HOLD or reason not in HOLD_REASONS):
            return None
        if stage == CONFIRM and kind is InfusionEventKind.HOLD and not reason:
            return None
        return cls(stage, kind, reason or None)


async def _drop_keyboard(query: CallbackQuery) -> None:
    """Remove the buttons of the pressed message, if it still has any."""
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest as error:  # already without buttons (edited by the first press)
            log.debug("keyboard already gone: %s", error)
