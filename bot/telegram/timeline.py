"""``/timeline <patient>``: the patient's audit trail in the chat, newest first, a page at a time.

One compact line per audit row ("24 Nov 14:03 · Check submitted by Nurse Ada: ICANS 2 (ICE 6),
urgency high"). Every action has a line: the known ones are worded here, any other is shown
as its action name with its facts as key=value, so that a new kind of row is never hidden.
The patient is named by ward label only, and every page is sent with ``protect_content``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final
from zoneinfo import ZoneInfo

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.clinical.labs import LabTest, shown
from bot.services.staff import StaffView
from bot.services.timeline import STAFF_LIST_KEYS, Timeline, TimelineEntry, TimelineService
from bot.telegram import texts
from bot.telegram.access import Access
from bot.telegram.callbacks import Callback, parse
from bot.telegram.events import finding_label
from bot.telegram.patients import command_arguments, local_time, split_blocks
from bot.telegram.picker import PatientPicker

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
MAX_VALUE: Final = 60  # characters of one fact in a generic line

Facts = Mapping[str, Any]
Wording = Callable[[TimelineEntry, ZoneInfo], str]


# -- small pieces of wording -----------------------------------------------------------------


def when(at: dt.datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%d %b %H:%M")


def _by(entry: TimelineEntry) -> str:
    return f" by {entry.actor}" if entry.actor else ""


def _who(value: Any) -> str:
    """A resolved name, or the id of staff the database does not name."""
    if value is None:
        return "someone"
    return value if isinstance(value, str) else f"staff #{value}"


def _people(value: Any) -> str:
    names = [_who(v) for v in value] if isinstance(value, list) else []
    return ", ".join(names) or "nobody"


def _words(value: Any) -> str:
    """``rose_two_or_more`` -> ``rose two or more``; a list joined with commas."""
    items = value if isinstance(value, list) else [value]
    return ", ".join(str(v).replace("_", " ") for v in items if v is not None)


def _time(value: Any, zone: ZoneInfo) -> str:
    """An ISO time from a row's detail, in local time; as stored if it does not parse."""
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return when(at, zone) if at.tzinfo is not None else str(value)


def grade_text(facts: Facts) -> str:
    """``ICANS 2 (ICE 6)``, ``ICANS at least 3 (incomplete)`` or ``ICANS not gradable``."""
    grade, complete = facts.get("icans_grade"), facts.get("complete", True)
    if grade is None:
        text = "ICANS not gradable (incomplete)"
    elif complete is False:
        text = f"ICANS at least {grade} (incomplete)"
    else:
        text = f"ICANS {grade}"
    scores = [
        f"{tool} {facts[key]}"
        for tool, key in (("ICE", "ice_score"), ("CAPD", "capd_score"))
        if facts.get(key) is not None
    ]
    return f"{text} ({', '.join(scores)})" if scores else text


def urgency_text(facts: Facts) -> str:
    """``urgency high (grade rose)``; empty when nobody needs to be told."""
    urgency = facts.get("urgency")
    if not urgency or urgency == "none":
        return ""
    reasons = _words(facts.get("reasons") or [])
    return f"urgency {urgency}" + (f" ({reasons})" if reasons else "")


def _joined(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _alert(facts: Facts) -> str:
    number = facts.get("escalation_id")
    return "Alert" if number is None else f"Alert #{number}"


def _step(facts: Facts) -> str:
    """Steps are stored from 0; people count from 1."""
    index = facts.get("step_index")
    return f"step {index + 1}" if isinstance(index, int) else ""


# -- checks, events, patients and plans ------------------------------------------------------


def _check_started(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    kind = "Baseline check" if entry.facts.get("baseline") else "Check"
    return f"{kind} started{_by(entry)}"


def _check_submitted(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    summary = _joined(grade_text(entry.facts), _crs_text(entry.facts), urgency_text(entry.facts))
    return f"Check submitted{_by(entry)}: {summary}"


def _crs_text(facts: Facts) -> str:
    """``CRS grade 3, 38.5 °C``; empty when the check did not ask."""
    grade = facts.get("crs_grade")
    if grade is None:
        return ""
    temperature = facts.get("temperature_c")
    return f"CRS grade {grade}" + (f", {temperature:.1f} °C" if temperature is not None else "")


def _lab_recorded(entry: TimelineEntry, zone: ZoneInfo) -> str:
    facts = entry.facts
    test = LabTest(str(facts["test"]))
    sampled = when(dt.datetime.fromisoformat(str(facts["sampled_at"])), zone)
    how = "imported" if facts.get("source") == "import" else "recorded"
    return f"Lab {how}{_by(entry)}: {shown(test, float(facts['value']))}, sampled {sampled}"


def _check_taken_over(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    previous = entry.facts.get("from_staff_id")
    return f"Check taken over{_by(entry)}" + (f" from {_who(previous)}" if previous else "")


def _check_cancelled(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    reason = entry.facts.get("reason")
    return f"Check cancelled{_by(entry)}" + (f" ({reason})" if reason else "")


def _check_abandoned(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    idle = entry.facts.get("idle_minutes")
    return "Check abandoned" + (f" after {idle} min without an answer" if idle else "")


def _check_snoozed(entry: TimelineEntry, zone: ZoneInfo) -> str:
    until = entry.facts.get("until")
    return f"Check prompt snoozed{_by(entry)}" + (f" until {_time(until, zone)}" if until else "")


def _ladder(head: str, then: str) -> Wording:
    """A rung of the missed-check ladder; the physician's rung may open an alert instead of
    naming recipients, so both shapes read well."""

    def wording(entry: TimelineEntry, _zone: ZoneInfo) -> str:
        facts = entry.facts
        late = " (late)" if facts.get("late") else ""
        if "recipients" in facts:
            told = f"{then} {_people(facts['recipients'])}"
        else:
            told = then.rstrip(":")
        return _joined(f"{head}{late}{told}", urgency_text(facts))

    return wording


def _event_reported(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    finding = entry.facts.get("finding")
    try:
        what = finding_label(str(finding)).lower()
    except (KeyError, ValueError):
        what = _words(finding)
    # An event has no ICE: its grade is a floor unless the row says otherwise.
    summary = _joined(
        what, grade_text({"complete": False, **entry.facts}), urgency_text(entry.facts)
    )
    return f"Event reported{_by(entry)}: {summary}"


def _admitted(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    via = " (command line)" if entry.facts.get("via") == "cli" else ""
    return f"Admitted{_by(entry)}{via}"


def _discharged(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"Discharged{_by(entry)}"


def _plan_created(entry: TimelineEntry, zone: ZoneInfo) -> str:
    facts = entry.facts
    start = facts.get("starts_at")
    summary = _joined(
        f"{facts.get('protocol', '?')} cycle {facts.get('cycle', '?')}",
        f"start {_time(start, zone)}" if start else "",
        str(facts.get("status") or ""),
    )
    return f"Plan created{_by(entry)}: {summary}"


def _plan_event(entry: TimelineEntry, zone: ZoneInfo) -> str:
    facts = entry.facts
    kind = str(facts.get("kind") or "")
    words = texts.EVENT_WORDS.get(kind, _words(kind))
    reason = f" ({facts['reason']})" if facts.get("reason") else ""
    at = f", at {_time(facts['event_at'], zone)}" if facts.get("event_at") else ""
    return f"Infusion {words}{reason}{_by(entry)}{at}"


def _plan_superseded(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"Planned cycle replaced by a new plan{_by(entry)} (never started)"


# -- escalations --------------------------------------------------------------------------

SOURCES: Final[Mapping[str, str]] = {
    "check": "after a check",
    "event": "after a reported event",
    "missed_check": "for a missed check",
}
CLOSE_REASONS: Final[Mapping[str, str]] = {
    "superseded": "superseded by a newer alert",
    "check_recorded": "a check was recorded",
    "discharged": "the patient was discharged",
    "information": "information only",
}
DECISIONS: Final[Mapping[str, str]] = {
    "continue": "continue the infusion",
    "hold": "hold the infusion",
    "restart": "restart the infusion",
    "discontinue": "discontinue blinatumomab",
    "dexamethasone": "dexamethasone",
    "levetiracetam": "levetiracetam",
    "tocilizumab": "tocilizumab",
    "icu": "ICU",
    "other": "other",
}


def _opened(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts, source = entry.facts, entry.facts.get("source")
    # A missed check is both the source and the reason: say it once.
    reasons = [r for r in facts.get("reasons") or [] if r != source]
    urgency = urgency_text({**facts, "reasons": reasons})
    summary = _joined(urgency, SOURCES.get(str(source), _words(source)) if source else "")
    return f"{_alert(entry.facts)} opened" + (f": {summary}" if summary else "")


def _paged(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    roles = _words(facts.get("roles") or [])
    step = _joined(_step(facts), roles)
    return f"{_alert(facts)} sent to {_people(facts.get('recipients'))}" + (
        f" ({step})" if step else ""
    )


def _nobody(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    roles = _words(facts.get("roles") or []) or "that step"
    step = _step(facts)
    return f"{_alert(facts)}{' ' + step if step else ''}: nobody on call as {roles}"


def _delivered(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"{_alert(entry.facts)} delivered to {_who(entry.facts.get('staff_id'))}"


def _delivery_failed(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    error = entry.facts.get("error")
    who = _who(entry.facts.get("staff_id"))
    return f"{_alert(entry.facts)} NOT delivered to {who}" + (f": {_short(error)}" if error else "")


def _acknowledged(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    by = entry.facts.get("by")
    who = _who(by) if by is not None else (entry.actor or "someone")
    if entry.facts.get("kind") == "coming":
        return f"{_alert(entry.facts)}: {who} is coming"
    return f"{_alert(entry.facts)} acknowledged by {who}"


def _exhausted(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    told = entry.facts.get("told")
    who = f": {_people(told)}" if isinstance(told, list) else ""
    return f"{_alert(entry.facts)}: nobody acknowledged; admins and charge nurses told{who}"


def _closed(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    reason = entry.facts.get("reason")
    why = CLOSE_REASONS.get(str(reason), _words(reason)) if reason else ""
    return f"{_alert(entry.facts)} closed{_by(entry)}" + (f": {why}" if why else "")


def _decision(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    decision = entry.facts.get("decision")
    what = DECISIONS.get(str(decision), _words(decision))
    return f"Decision on {_alert(entry.facts).lower()}{_by(entry)}: {what}"


def _attributed(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    before, after = facts.get("icans_grade_before"), facts.get("icans_grade_after")
    domains = _words(facts.get("domains") or [])
    elsewhere = f" ({domains} attributed to another cause)" if domains else ""
    return f"Grade re-attributed{_by(entry)}: ICANS {before} → {after}{elsewhere}"


def _follow_up(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"{_alert(entry.facts)}: follow-up reminder sent"


CHANNELS: Final[Mapping[str, str]] = {"email": "e-mail", "webhook": "the ward's webhook"}


def _second_channel(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    """Left Telegram: who by which way, and who has no second channel."""
    facts, alert = entry.facts, _alert(entry.facts)
    if facts.get("event") == "acknowledged":
        return f"{alert}: the ward's webhook is told of the acknowledgement"
    why = "nobody acknowledged" if facts.get("event") == "exhausted" else "not acknowledged"
    to = _people(facts.get("recipients"))
    line = f"{alert} {why} for {facts.get('minutes')} min: off Telegram to {to}"
    line += ", and the ward's webhook" if facts.get("webhook") else ", no ward webhook"
    without = facts.get("without")
    return line + (f" ({_people(without)}: no second channel)" if without else "")


def _second_channel_result(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    facts = entry.facts
    way = CHANNELS.get(str(facts.get("channel")), str(facts.get("channel")))
    staff = facts.get("staff_id")
    to = f"{way} of {_who(staff)}" if staff is not None else way
    if entry.action.endswith("_delivered"):
        return f"{_alert(facts)}: delivered by {to}"
    return f"{_alert(facts)}: NOT delivered by {to}: {_short(facts.get('error'))}"


def _second_channel_withdrawn(entry: TimelineEntry, _zone: ZoneInfo) -> str:
    return f"{_alert(entry.facts)}: {entry.facts.get('count')} message(s) off Telegram withdrawn"


WORDINGS: Final[Mapping[str, Wording]] = {
    "check.started": _check_started,
    "check.submitted": _check_submitted,
    "check.taken_over": _check_taken_over,
    "check.cancelled": _check_cancelled,
    "check.abandoned": _check_abandoned,
    "check.snoozed": _check_snoozed,
    "check.ladder.prompt": _ladder("Check prompt", " sent to"),
    "check.ladder.remind": _ladder("Check reminder", " sent to"),
    "check.ladder.charge": _ladder("Check not started", ", charge nurse told:"),
    "check.ladder.physician": _ladder("Check not started", ", escalated to the physician:"),
    "event.reported": _event_reported,
    "lab.recorded": _lab_recorded,
    "patient.admitted": _admitted,
    "patient.discharged": _discharged,
    "plan.created": _plan_created,
    "plan.event": _plan_event,
    "plan.superseded": _plan_superseded,
    "escalation.opened": _opened,
    "escalation.paged": _paged,
    "escalation.nobody": _nobody,
    "escalation.delivered": _delivered,
    "escalation.delivery_failed": _delivery_failed,
    "escalation.acknowledged": _acknowledged,
    "escalation.exhausted": _exhausted,
    "escalation.closed": _closed,
    "escalation.decision": _decision,
    "grade.attributed": _attributed,
    "escalation.follow_up_reminder": _follow_up,
    "escalation.second_channel": _second_channel,
    "escalation.second_channel_delivered": _second_channel_result,
    "escalation.second_channel_failed": _second_channel_result,
    "escalation.second_channel_withdrawn": _second_channel_withdrawn,
}


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def generic(entry: TimelineEntry) -> str:
    """Any action without a wording: its name, who, and its facts as key=value by key."""
    facts = ", ".join(
        f"{key}={_short(_people(value) if key in STAFF_LIST_KEYS else value)}"
        for key, value in sorted(entry.facts.items())  # JSONB keeps no order: sort for both
        if value is not None
    )
    return f"{entry.action}{_by(entry)}" + (f": {facts}" if facts else "")


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
