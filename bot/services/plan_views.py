"""What the plan service answers with: views of a plan and its events, built from rows, and
the small parsers of what people type for an event (shared by the chat and the command line).

Views carry codes (statuses, event kinds, hold reason codes), never words: the adapters word
them (``bot.telegram.plans``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.clinical import infusion
from bot.clinical.infusion import Ruling
from bot.services.errors import RefusedError
from bot.services.patient_refusals import PlanRefusal
from storage.models import InfusionEvent, InfusionEventKind, InfusionPlan, Patient, PlanStatus

Kind = InfusionEventKind
CURRENT_STATUSES: Final = frozenset(PlanStatus(s.value) for s in infusion.CURRENT)

STEP_REFUSALS: Final[Mapping[Ruling, PlanRefusal]] = {
    Ruling.NOT_NOW: PlanRefusal.NOT_NOW,
    Ruling.STEP_UP_DONE: PlanRefusal.STEP_UP_DONE,
    Ruling.IN_FUTURE: PlanRefusal.EVENT_IN_FUTURE,
    Ruling.BEFORE_LAST: PlanRefusal.EVENT_BEFORE_LAST,
    Ruling.START_TOO_OLD: PlanRefusal.START_TOO_OLD,
    Ruling.REASON_MISSING: PlanRefusal.REASON_MISSING,
    Ruling.NEW_CYCLE_NEEDED: PlanRefusal.NEW_CYCLE_NEEDED,
}


@dataclass(frozen=True)
class PlanEventView:
    kind: InfusionEventKind
    at: dt.datetime
    reason: str | None
    """A hold reason code (``infusion.HOLD_REASONS``) or the short text given."""
    recorded_by: str | None
    """Display name of whoever recorded it; None when recorded on the server (CLI)."""


@dataclass(frozen=True)
class PlanView:
    id: int
    patient_id: int
    patient_label: str
    ward_code: str
    protocol: str
    cycle_number: int
    starts_at: dt.datetime
    status: PlanStatus
    cycle_day: int | None
    """Day of the cycle today in the hospital's zone (day 1 = the start's calendar day);
    None unless the infusion is running or held."""
    events: tuple[PlanEventView, ...]
    next_kinds: tuple[InfusionEventKind, ...]
    """The events that may be recorded next, in the order the buttons show them."""
    next_check_at: dt.datetime | None = None
    cadence: str | None = None
    """Why the next check is due (a `DueKind` value) and at what interval."""
    cadence_hours: int | None = None

    @property
    def version(self) -> int:
        return len(self.events)

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    @property
    def history(self) -> tuple[infusion.Past, ...]:
        """The events as the clinical rules read them."""
        return tuple(infusion.Past(e.kind.value, e.at) for e in self.events)

    @property
    def held_since(self) -> dt.datetime | None:
        return infusion.held_since(self.status.value, self.history)


@dataclass(frozen=True)
class PatientPlan:
    """A patient and their newest plan (None: no plan yet)."""

    patient_id: int
    label: str
    ward_code: str
    plan: PlanView | None


@dataclass(frozen=True)
class PlanCreated:
    plan: PlanView
    ended: PlanView | None
    """The previous plan this one ended, as it is now."""
    already_existed: bool = False
    """The same plan (protocol, cycle, a start within 5 minutes) was already current: a
    doubled request, and nothing changed."""


@dataclass(frozen=True)
class EventRecorded:
    plan: PlanView
    event: PlanEventView


class StalePlanError(RefusedError):
    """The plan changed since the button was drawn; ``plan`` is how it is now (the chat
    shows it again), so it rides on the refusal beside the facts."""

    def __init__(self, plan: PlanView) -> None:
        super().__init__(PlanRefusal.STALE, plan_id=plan.id, version=plan.version)
        self.plan = plan


def next_kinds(status: PlanStatus, events: Sequence[PlanEventView]) -> tuple[Kind, ...]:
    """What may happen next (``bot.clinical.infusion.next_steps``) as stored kinds."""
    history = [infusion.Past(e.kind.value, e.at) for e in events]
    return tuple(Kind(step.value) for step in infusion.next_steps(status.value, history))


def parse_kind(text: str | InfusionEventKind) -> InfusionEventKind:
    """``step_up``, ``step-up`` or ``step up`` alike."""
    if isinstance(text, InfusionEventKind):
        return text
    key = "_".join(text.strip().lower().replace("-", " ").split())
    try:
        return InfusionEventKind(key)
    except ValueError:
        raise RefusedError(
            PlanRefusal.KIND, text=text.strip(), kinds=tuple(k.value for k in InfusionEventKind)
        ) from None


def clean_reason(text: str | None) -> str | None:
    """A hold reason code, or short free text that is never a record number."""
    if text is None or not " ".join(text.split()):
        return None
    reason = " ".join(text.split())
    ruled = infusion.hold_reason(reason)
    if ruled is infusion.Ruling.REASON_LENGTH:
        raise RefusedError(PlanRefusal.REASON_LENGTH, max_reason=infusion.MAX_REASON)
    if ruled is infusion.Ruling.REASON_RECORD_NUMBER:
        raise RefusedError(PlanRefusal.REASON_RECORD_NUMBER, reason=reason)
    return ruled


def build_view(
    plan: InfusionPlan,
    patient: Patient,
    ward_code: str,
    events: Sequence[tuple[InfusionEvent, str | None]],
    *,
    today: dt.date,
    zone: ZoneInfo,
) -> PlanView:
    """The view of a plan from its rows (``today`` in the hospital's zone)."""
    assert plan.id is not None and patient.id is not None
    shown = tuple(
        PlanEventView(kind=e.kind, at=e.at, reason=e.reason, recorded_by=name) for e, name in events
    )
    day: int | None = None
    if plan.status in (PlanStatus.RUNNING, PlanStatus.HELD):
        day = infusion.cycle_day(plan.starts_at.astimezone(zone).date(), today)
    return PlanView(
        id=plan.id,
        patient_id=patient.id,
        patient_label=patient.label,
        ward_code=ward_code,
        protocol=plan.protocol,
        cycle_number=plan.cycle_number,
        starts_at=plan.starts_at,
        status=plan.status,
        cycle_day=day,
        events=shown,
        next_kinds=next_kinds(plan.status, shown),
    )


def step_refusal(ruling: Ruling, before: PlanView, kind: Kind, at: dt.datetime) -> RefusedError:
    """The refusal for a step the rules do not allow, with what its words need (``at`` in
    the hospital's zone, as are the times it gives)."""
    zone = at.tzinfo
    code = STEP_REFUSALS[ruling]
    last = before.events[-1] if before.events else None
    facts: dict[str, Any] = {"label": before.patient_label, "at": at}
    if code is PlanRefusal.NOT_NOW:
        facts |= {
            "status": before.status.value,
            "kind": kind.value,
            "possible": tuple(k.value for k in before.next_kinds),
        }
    elif code is PlanRefusal.EVENT_BEFORE_LAST and last is not None:
        facts |= {"last_kind": last.kind.value, "last_at": last.at.astimezone(zone)}
    elif code is PlanRefusal.START_TOO_OLD:
        facts |= {"days": infusion.MAX_START_PAST.days}
    elif code is PlanRefusal.REASON_MISSING:
        facts = {"reasons": infusion.HOLD_REASONS}
    elif code is PlanRefusal.NEW_CYCLE_NEEDED:
        held_since = before.held_since
        assert held_since is not None
        facts = {
            "label": before.patient_label,
            "protocol": before.protocol,
            "next_cycle": before.cycle_number + 1,
            "held_since": held_since.astimezone(zone),
            "held_days": (at - held_since).days,
        }
    return RefusedError(code, **facts)
