"""The monitoring windows of a cycle: when checks are owed, and at which interval.

Pure, used by `bot.clinical.cadence`. A window is a half-open span of time with the interval
of checks inside it and the cadence it belongs to. Three cadences come from windows (the
abnormal episode and the baseline come from the checks themselves):

- recovery tail: `recovery_hours` for `recovery_tail_hours` after an abnormal episode ends,
  whatever the plan is doing;
- intensive: `routine_hours` (`high_risk_hours` for a high-risk patient) during the
  protocol's hospital days, `watch_hours_after_change` after each step-up (planned or
  recorded) and restart, and one interval at each hold;
- ward watch: `ward_watch_hours` from the first dose while the plan runs or is held, and
  `ward_watch_tail_hours` after the infusion stops or the cycle ends. It never expires by
  itself: only a recorded stop or end of cycle (and then its tail) ends it, and discharge,
  which the scheduling service applies. The label's planned cycle length is not an end,
  because a hold of up to 7 days extends the same cycle; the board shows "day 30 of 28" so
  that staff record the end.

Where windows overlap, the check falls at the earliest moment any window allows, so the most
frequent applicable cadence wins (the safer reading of section 10's order of precedence).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.clinical.protocols import FIRST_DAY, HOURS_PER_DAY, CadenceSettings, Protocol

FOREVER: Final = dt.datetime.max.replace(tzinfo=dt.UTC)


class PlanEventKind(enum.StrEnum):
    """What happened to the infusion; the values are those stored on plan events."""

    START = "start"
    STEP_UP = "step_up"
    HOLD = "hold"
    RESTART = "restart"
    STOP = "stop"
    END_CYCLE = "end_cycle"


WATCHED_CHANGES: Final = frozenset({PlanEventKind.STEP_UP, PlanEventKind.RESTART})
ENDINGS: Final = frozenset({PlanEventKind.STOP, PlanEventKind.END_CYCLE})
RESUMPTIONS: Final = frozenset({PlanEventKind.START, PlanEventKind.RESTART})


class DueKind(enum.StrEnum):
    """Why a check is due: the values are those stored on scheduled checks."""

    BASELINE = "baseline"
    ABNORMAL = "abnormal"
    RECOVERY = "recovery"
    INTENSIVE = "routine"  # stored as "routine" since the first release
    WARD_WATCH = "watch"


@dataclass(frozen=True, slots=True)
class PlanEvent:
    """An infusion event of this cycle's plan; `kind` is a `PlanEventKind` value.

    `at` is converted to UTC on construction; `kind` to `PlanEventKind`.
    """

    kind: str
    at: dt.datetime

    def __post_init__(self) -> None:
        if self.kind not in set(PlanEventKind):
            allowed = ", ".join(PlanEventKind)
            raise ValueError(f"unknown plan event {self.kind!r} (known: {allowed})")
        object.__setattr__(self, "kind", PlanEventKind(self.kind))
        object.__setattr__(self, "at", utc(self.at, "PlanEvent.at"))


@dataclass(frozen=True, slots=True)
class Window:
    """A span [start, end) with a check every `hours`; `label` says what opened it."""

    start: dt.datetime
    end: dt.datetime
    hours: int
    kind: DueKind
    label: str


def utc(value: dt.datetime, what: str) -> dt.datetime:
    """`value` in UTC; a naive datetime is refused, since its instant is unknown."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value.isoformat()}")
    return value.astimezone(dt.UTC)


def stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def first_dose(starts_at: dt.datetime, events: Sequence[PlanEvent]) -> dt.datetime:
    """The planned start, or an earlier recorded start."""
    recorded = [event.at for event in events if event.kind is PlanEventKind.START]
    return min([starts_at, *recorded])


def ended(events: Sequence[PlanEvent]) -> bool:
    """True when the latest stop or end of cycle is not followed by a start or restart."""
    state = [event.kind for event in events if event.kind in ENDINGS | RESUMPTIONS]
    return bool(state) and state[-1] in ENDINGS


def intensive_hours(settings: CadenceSettings, high_risk: bool) -> int:
    return settings.high_risk_hours if high_risk else settings.routine_hours


def plan_windows(
    protocol: Protocol,
    cycle_number: int,
    starts_at: dt.datetime,
    events: Sequence[PlanEvent],
    settings: CadenceSettings,
    high_risk: bool,
) -> list[Window]:
    """The intensive windows, cut where the infusion was stopped, and the ward watch."""
    opened = [
        *_protocol_windows(protocol, cycle_number, starts_at, events, settings, high_risk),
        *_event_windows(events, settings, high_risk),
    ]
    stopped = _stopped_periods(events)
    intensive = [piece for window in opened for piece in _cut(window, stopped)]
    return [*intensive, *_ward_watch(starts_at, events, settings, cycle_number)]


def recovery_window(ended_at: dt.datetime, settings: CadenceSettings) -> Window:
    """The recovery tail after an abnormal episode ended at `ended_at`."""
    end = ended_at + dt.timedelta(hours=settings.recovery_tail_hours)
    label = f"the {settings.recovery_tail_hours} h after an abnormal episode"
    return Window(ended_at, end, settings.recovery_hours, DueKind.RECOVERY, label)


def _protocol_windows(
    protocol: Protocol,
    cycle_number: int,
    starts_at: dt.datetime,
    events: Sequence[PlanEvent],
    settings: CadenceSettings,
    high_risk: bool,
) -> list[Window]:
    """Hospital days and planned step-ups, from the planned and every recorded start."""
    recorded = {event.at for event in events if event.kind is PlanEventKind.START}
    hospital_days = protocol.rule_for(cycle_number).hospital_days
    watch = dt.timedelta(hours=settings.watch_hours_after_change)
    hours = intensive_hours(settings, high_risk)
    windows = []
    for anchor in sorted({starts_at} | recorded):
        if hospital_days:
            end = anchor + dt.timedelta(hours=hospital_days * HOURS_PER_DAY)
            label = f"hospital days 1-{hospital_days} of cycle {cycle_number}"
            windows.append(Window(anchor, end, hours, DueKind.INTENSIVE, label))
        for day in protocol.step_up_days(cycle_number):
            step = anchor + dt.timedelta(hours=(day - FIRST_DAY) * HOURS_PER_DAY)
            label = f"{settings.watch_hours_after_change} h after the planned step-up on day {day}"
            windows.append(Window(step, step + watch, hours, DueKind.INTENSIVE, label))
    return windows


def _event_windows(
    events: Sequence[PlanEvent], settings: CadenceSettings, high_risk: bool
) -> list[Window]:
    """A watch after each step-up and restart; one interval after each hold."""
    watch = dt.timedelta(hours=settings.watch_hours_after_change)
    hours = intensive_hours(settings, high_risk)
    windows = []
    for event in events:
        what = event.kind.replace("_", "-")
        if event.kind in WATCHED_CHANGES:
            label = f"{settings.watch_hours_after_change} h after the {what} at {stamp(event.at)}"
            windows.append(Window(event.at, event.at + watch, hours, DueKind.INTENSIVE, label))
        elif event.kind is PlanEventKind.HOLD:
            label = f"the hold at {stamp(event.at)}"
            end = event.at + dt.timedelta(hours=hours)
            windows.append(Window(event.at, end, hours, DueKind.INTENSIVE, label))
    return windows


def _ward_watch(
    starts_at: dt.datetime,
    events: Sequence[PlanEvent],
    settings: CadenceSettings,
    cycle_number: int,
) -> list[Window]:
    """From the first dose on, less each stopped period after its tail.

    A stop before the first dose has no tail: the patient never had the drug.
    """
    start = first_dose(starts_at, events)
    tail = dt.timedelta(hours=settings.ward_watch_tail_hours)
    label = f"the ward watch of cycle {cycle_number}"
    watch = Window(start, FOREVER, settings.ward_watch_hours, DueKind.WARD_WATCH, label)
    stopped = _stopped_periods(events)
    periods = [(low + tail if low >= start else low, high) for low, high in stopped]
    return _cut(watch, [(low, high) for low, high in periods if low < high])


def _stopped_periods(events: Sequence[PlanEvent]) -> list[tuple[dt.datetime, dt.datetime]]:
    """From each stop or end of cycle to the next start or restart (or for ever)."""
    periods = []
    stopped_at: dt.datetime | None = None
    for event in events:
        if event.kind in ENDINGS and stopped_at is None:
            stopped_at = event.at
        elif event.kind in RESUMPTIONS and stopped_at is not None:
            periods.append((stopped_at, event.at))
            stopped_at = None
    if stopped_at is not None:
        periods.append((stopped_at, FOREVER))
    return periods


def _cut(window: Window, periods: Sequence[tuple[dt.datetime, dt.datetime]]) -> list[Window]:
    """The parts of `window` outside every period."""
    pieces = [window]
    for low, high in periods:
        remaining = []
        for piece in pieces:
            if high <= piece.start or low >= piece.end:
                remaining.append(piece)
                continue
            if piece.start < low:
                remaining.append(dataclasses.replace(piece, end=low))
            if high < piece.end:
                remaining.append(dataclasses.replace(piece, start=high))
        pieces = remaining
    return pieces
