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
from bot.telegram import plan_texts as words
from bot.telegram import texts
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.i18n import gettext
from bot.telegram.language import spoken_by
from bot.telegram.patients import ascii_commas, command_arguments, local_time
from bot.telegram.picker import PatientPicker
from bot.telegram.plan_texts import event_line as event_line
from bot.telegram.plan_texts import plan_text as plan_text
from bot.telegram.words import refusal
from bot.telegram.words.plans import HOLD_REASONS, reason_words
from storage.models import InfusionEventKind

log = logging.getLogger(__name__)

PLAN_KIND = "pl"
CHOOSE, REASON, CONFIRM, CANCEL = "k", "r", "y", "n"
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
    head, comma, rest = ascii_commas(text).partition(",")
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


def _button(view: PlanView, text: str, action: str) -> InlineKeyboardButton:
    data = Callback(kind=PLAN_KIND, target=view.id, version=view.version, action=action)
    return InlineKeyboardButton(text, callback_data=data.encode())


def plan_keyboard(view: PlanView, staff: StaffView) -> InlineKeyboardMarkup | None:
    """The next valid events, two to a row, in the reader's language; none for those who may
    only look."""
    if staff.role not in RECORD_ROLES or not view.next_kinds:
        return None
    language = spoken_by(staff)
    buttons = [
        _button(view, gettext(language, words.PLAN_BUTTONS[kind.value]), f"{CHOOSE}.{kind.value}")
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
            await message.reply_text(words.plan_usage(spoken_by(staff)))
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
        language = spoken_by(staff)
        try:
            shown: PatientPlan = await asyncio.to_thread(
                self._plans.show,
                label=request.label,
                ward_code=request.ward_code,
                actor_staff_id=staff.id,
            )
        except RefusedError as refused:
            await message.reply_text(refusal(refused, language))
            return
        if shown.plan is None:
            await message.reply_text(words.no_plan(shown.label, shown.ward_code, language))
            return
        await message.reply_text(
            plan_text(shown.plan, self._zone, language),
            protect_content=True,
            reply_markup=plan_keyboard(shown.plan, staff),
        )

    async def _create(
        self, message: Message, staff: StaffView, request: PlanRequest, new: NewPlan
    ) -> None:
        language = spoken_by(staff)
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
            await message.reply_text(words.plan_refused(refusal(error, language), language))
            return
        except RefusedError as refused:
            said = refusal(refused, language)
            field = refused.code in FIELD_REFUSALS
            await message.reply_text(words.plan_refused(said, language) if field else said)
            return
        ended = None
        if created.ended is not None:
            old = created.ended
            ended = words.cycle_ended(old.cycle_number, old.protocol, old.status.value, language)
        await message.reply_text(
            words.plan_created(created.already_existed, ended, language)
            + "\n\n"
            + plan_text(created.plan, self._zone, language),
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
        language = spoken_by(staff)
        data = parse(query.data)
        step = _Step.parse(data)
        if data is None or step is None:
            await query.answer(gettext(language, texts.BUTTON_NOT_VALID), show_alert=True)
            return
        if step.stage != CANCEL and staff.role not in RECORD_ROLES:
            await query.answer(gettext(language, words.PLAN_VIEW_ONLY), show_alert=True)
            return
        if step.stage == CONFIRM:
            await self._confirmed(query, staff, data, step)
            return
        try:
            view = await asyncio.to_thread(self._plans.get, staff.id, data.target)
        except RefusedError as refused:
            await query.answer(refusal(refused, language), show_alert=True)
            await _drop_keyboard(query)
            return
        if step.stage == CANCEL:
            await query.answer()
            await query.edit_message_text(
                plan_text(view, self._zone, language), reply_markup=plan_keyboard(view, staff)
            )
            return
        assert step.kind is not None
        if view.version != data.version or step.kind not in view.next_kinds:
            await self._stale(query, language)
            return
        await query.answer()
        cancel = _button(view, gettext(language, texts.CANCEL), CANCEL)
        if step.kind is InfusionEventKind.HOLD and step.reason is None:
            reasons = [
                _button(view, gettext(language, said), f"{REASON}.{code}")
                for code, said in HOLD_REASONS.items()
            ]
            await query.edit_message_text(
                words.hold_reason_question(view.patient_label, language),
                reply_markup=_rows([*reasons, cancel]),
            )
            return
        confirm = f"{CONFIRM}.{step.kind.value}" + (f".{step.reason}" if step.reason else "")
        await query.edit_message_text(
            words.plan_confirm(
                step.kind.value,
                view.patient_label,
                view.cycle_number,
                reason_words(step.reason, language),
                language,
            ),
            reply_markup=InlineKeyboardMarkup(
                [[_button(view, gettext(language, words.CONFIRM), confirm), cancel]]
            ),
        )

    async def _confirmed(
        self, query: CallbackQuery, staff: StaffView, data: Callback, step: _Step
    ) -> None:
        assert step.kind is not None
        language = spoken_by(staff)
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
            await self._stale(query, language)
            return
        except RefusedError as refused:
            if refused.code in _NOT_YOURS:
                await query.answer(refusal(refused, language), show_alert=True)
                await _drop_keyboard(query)
                return
            # Longer explanations (a new cycle is needed, ...) replace the question.
            await query.answer(gettext(language, words.PLAN_NOT_RECORDED))
            await query.edit_message_text(refusal(refused, language))
            return
        await query.answer()
        event = recorded.event
        await query.edit_message_text(
            words.plan_recorded(
                recorded.plan.patient_label,
                local_time(event.at, self._zone, language),
                event_line(event.kind, reason_words(event.reason, language), language),
                recorded.plan.status.value,
                language,
            )
        )

    async def _stale(self, query: CallbackQuery, language: str) -> None:
        """A doubled or out-of-date press: say so, change nothing, take the buttons away."""
        await query.answer(gettext(language, words.PLAN_STALE), show_alert=True)
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
