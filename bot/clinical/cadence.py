"""When the next neuro check is due (ICANS-GRADING.md section 10, "Check cadence").

Pure: the caller passes the protocol, the plan's events, the past checks, the ward's settings
and `now`; `next_due` returns the one check that is due next (or None), which the scheduling
service stores as a row. Nothing here reads a clock, so a schedule can be replayed exactly.

The rules of section 10, as applied here:

- Baseline: a baseline ICE (or CAPD) before the first dose of each cycle, due
  `baseline_lead_hours` before it.
- Monitoring windows: the protocol's hospital days of this cycle, counted in elapsed 24-hour
  days from the start; and `watch_hours_after_change` after every dose step-up or restart.
- Inside a window a check is due every `routine_hours`, or `high_risk_hours` for a high-risk
  patient (`bot.clinical.risk`).
- Once a check is abnormal: every `abnormal_hours` until `normal_checks_to_relax`
  consecutive checks are back at baseline, then the routine cadence again.
- A hold of the infusion never stops the checks.

Choices where section 10 is silent (each the safer reading):

1. Baseline lookback: a baseline check counts for this cycle when it was done at most
   `baseline_valid_hours` (default 24) before the first dose, or at any time after it. A
   baseline from an earlier cycle (at least 14 treatment-free days before) never counts.
2. A missing baseline comes before routine checks: until it is done, no routine check is
   offered (the baseline, once done, is the check the routine cadence counts from). It is
   not required once the cycle has ended or been stopped.
3. Baseline due time: `baseline_lead_hours` before the first dose, but never before the plan
   was entered (`planned_at`; without it, `now` stands in, as the product brief asked) nor
   before the latest check. See `next_due` for why `planned_at` should be passed.
4. First dose and windows: the first dose is the planned `starts_at` or the earliest recorded
   "start" event, whichever is earlier. Every start (planned and recorded) opens the
   protocol's windows; when a delayed start was recorded, the union of both is watched.
5. The protocol's own step-up days open a watch window even when no step-up event was
   recorded (a forgotten entry must not remove monitoring), in addition to any recorded
   step-up.
6. The interval counts from the latest check of any kind, including one done just before a
   window opened: the first check of the hospital window is `routine_hours` after the
   baseline, not a second check minutes after it. When the latest check is older than one
   interval, the check is due when the window opens.
7. Windows are half-open: a check that would fall at or after the window's end is not due.
8. The abnormal rule applies inside and outside windows, before the start and after a stop
   or the end of the cycle: an abnormal patient keeps hourly checks until back at baseline.
   It never expires with time; only checks back at baseline end it.
9. "Back at baseline" needs a complete check that is not abnormal. An incomplete check that
   shows nothing abnormal (`abnormal()` returns None) neither starts the hourly rule nor
   counts towards ending it, and it breaks a run of normal checks.
10. A hold opens a short window of one interval at the hold: one check when the infusion is
    held (a hold usually follows an adverse event, and ICANS often follows CRS, section 8),
    which also gives the restart a recent reference. Inside a window this changes nothing,
    since the interval is the same (at most it adds one check at the window's very end). The
    restart opens its own 48-hour watch.
11. After a "stop" or "end_cycle" there are no routine checks (windows are cut there) until a
    later "start" or "restart", which resumes them; the abnormal rule still applies. A routine
    check that fell due before the stop and was not done is still owed (stopping the drug
    does not undo a missed check, and the stop may itself follow toxicity).
12. Overdue: a due time already in the past is returned as it is (never moved to `now`), so
    the scheduler can mark the check late and escalate; the only exception is the baseline
    floor in choice 3.

Time: every datetime must be timezone-aware (naive ones are rejected with ValueError) and all
arithmetic is done in UTC, so an interval is elapsed time: a daylight-saving change never
makes an 8-hour interval 7 or 9 hours. Only `cycle_day` uses the hospital's zone, because the
label's "day 1" is a calendar day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from bot.clinical.protocols import FIRST_DAY, HOURS_PER_DAY, CadenceSettings, Protocol
from bot.clinical.vocabulary import Tool

FIRST_ABNORMAL_GRADE: Final = 1
"""ICANS grade 1 or more is abnormal (section 10)."""


class PlanEventKind(enum.StrEnum):
    """What happened to the infusion; the values are those stored on plan events."""

    START = "start"
    STEP_UP = "step_up"
    HOLD = "hold"
    RESTART = "restart"
    STOP = "stop"
    END_CYCLE = "end_cycle"


class DueKind(enum.StrEnum):
    """Why a check is due: the values are those stored on scheduled checks."""

    BASELINE = "baseline"
    ROUTINE = "routine"
    ABNORMAL = "abnormal"


WATCHED_CHANGES: Final = frozenset({PlanEventKind.STEP_UP, PlanEventKind.RESTART})
ENDINGS: Final = frozenset({PlanEventKind.STOP, PlanEventKind.END_CYCLE})
RESUMPTIONS: Final = frozenset({PlanEventKind.START, PlanEventKind.RESTART})

# When two checks fall due at the same moment, the more specific one is asked for.
_PRIORITY: Final = (DueKind.BASELINE, DueKind.ABNORMAL, DueKind.ROUTINE)


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    """`value` in UTC; a naive datetime is refused, since its instant is unknown."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value.isoformat()}")
    return value.astimezone(dt.UTC)


def _stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


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
        object.__setattr__(self, "at", _utc(self.at, "PlanEvent.at"))


@dataclass(frozen=True, slots=True)
class PastCheck:
    """A graded check: `abnormal` as returned by `abnormal()` (None: incomplete, not abnormal).

    `at` is converted to UTC on construction.
    """

    at: dt.datetime
    abnormal: bool | None
    is_baseline: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", _utc(self.at, "PastCheck.at"))


@dataclass(frozen=True, slots=True)
class DueCheck:
    """The next check: when (UTC), which kind, and a one-line reason for staff and the log."""

    at: dt.datetime
    kind: DueKind
    reason: str


@dataclass(frozen=True, slots=True)
class _Window:
    """A monitoring window [start, end) and what opened it."""

    start: dt.datetime
    end: dt.datetime
    label: str


def abnormal(
    grade: int | None,
    complete: bool,
    score: int | None,
    baseline_score: int | None,
    *,
    tool: Tool = Tool.ICE,
) -> bool | None:
    """Whether a check is abnormal for the cadence: True, False (back at baseline) or None.

    True: ICANS grade 1 or more (for an incomplete check, a known lower bound of 1 or more),
    or a score worse than the patient's baseline score (an ICE below it; for the CAPD, where
    a higher score is worse, above it). None: an incomplete check that shows nothing
    abnormal; it is not evidence of being back at baseline (choice 9 in the module notes).
    Pass `tool` for a CAPD patient; ICE is the default.
    """
    if grade is not None and grade >= FIRST_ABNORMAL_GRADE:
        return True
    if score is not None and baseline_score is not None:
        worse = score > baseline_score if tool == Tool.CAPD else score < baseline_score
        if worse:
            return True
    if not complete or grade is None:
        return None
    return False


def cycle_day(starts_at: dt.datetime, at: dt.datetime, zone: dt.tzinfo) -> int:
    """The label's cycle day of `at`: day 1 is the calendar day of the start in `zone`.

    Calendar days, not elapsed 24-hour days: a 25-hour night at the end of daylight saving
    is still one day. Days before the start are 0, -1, ... `zone` is the hospital's zone
    (a `zoneinfo.ZoneInfo`); it is passed in because this package reads no configuration.
    """
    start_date = _utc(starts_at, "starts_at").astimezone(zone).date()
    return (_utc(at, "at").astimezone(zone).date() - start_date).days + FIRST_DAY


def next_due(
    *,
    protocol: Protocol,
    cycle_number: int,
    starts_at: dt.datetime,
    events: Iterable[PlanEvent],
    checks: Iterable[PastCheck],
    high_risk: bool,
    settings: CadenceSettings,
    now: dt.datetime,
    planned_at: dt.datetime | None = None,
) -> DueCheck | None:
    """The next check due for this cycle's plan, or None when no check is needed.

    `starts_at` is the planned first dose; `events` are this plan's events; `checks` are the
    patient's graded checks (a lookback of a few days before the start is enough). The result
    may lie in the past: it is then overdue and returned as it is (choice 12).

    `planned_at`, when the plan was entered, keeps a late-entered plan from having a baseline
    overdue before anyone knew of it. Without it `now` is used instead; but then an unstarted
    baseline moves to `now` whenever it is recomputed (a restart sweep after downtime would
    hide that it is late), so callers should pass it.
    """
    start = _utc(starts_at, "starts_at")
    current = _utc(now, "now")
    floor = current if planned_at is None else _utc(planned_at, "planned_at")
    plan_events = sorted(events, key=lambda event: event.at)
    past = sorted(checks, key=lambda check: check.at)
    protocol.rule_for(cycle_number)  # rejects a cycle number the protocol does not cover
    first_dose = _first_dose(start, plan_events)
    baseline = _baseline_due(cycle_number, first_dose, plan_events, past, settings, floor)
    # A missing baseline and the abnormal rule both pre-empt routine checks (choices 2, 8).
    owed = [due for due in (baseline, _abnormal_due(past, settings)) if due is not None]
    if owed:
        return min(owed, key=lambda due: (due.at, _PRIORITY.index(due.kind)))
    windows = _windows(protocol, cycle_number, start, plan_events, settings, high_risk)
    return _routine_due(windows, past[-1] if past else None, settings, high_risk)


def _first_dose(starts_at: dt.datetime, events: Sequence[PlanEvent]) -> dt.datetime:
    """The planned start, or an earlier recorded start (choice 4)."""
    recorded = [event.at for event in events if event.kind is PlanEventKind.START]
    return min([starts_at, *recorded])


def _ended(events: Sequence[PlanEvent]) -> bool:
    """True when the latest stop or end of cycle is not followed by a start or restart."""
    state = [event.kind for event in events if event.kind in ENDINGS | RESUMPTIONS]
    return bool(state) and state[-1] in ENDINGS


def _baseline_due(
    cycle_number: int,
    first_dose: dt.datetime,
    events: Sequence[PlanEvent],
    checks: Sequence[PastCheck],
    settings: CadenceSettings,
    floor: dt.datetime,
) -> DueCheck | None:
    """The baseline while none counts for this cycle (choices 1-3)."""
    if _ended(events):
        return None
    valid_from = first_dose - dt.timedelta(hours=settings.baseline_valid_hours)
    if any(check.is_baseline and check.at >= valid_from for check in checks):
        return None
    due = first_dose - dt.timedelta(hours=settings.baseline_lead_hours)
    latest = checks[-1].at if checks else due
    return DueCheck(
        at=max(due, floor, latest),
        kind=DueKind.BASELINE,
        reason=f"baseline before the first dose of cycle {cycle_number}",
    )


def _abnormal_due(checks: Sequence[PastCheck], settings: CadenceSettings) -> DueCheck | None:
    """Every `abnormal_hours` after an abnormal check until enough consecutive normal ones."""
    flagged = [index for index, check in enumerate(checks) if check.abnormal is True]
    if not flagged:
        return None
    since = checks[flagged[-1] + 1 :]
    needed = settings.normal_checks_to_relax
    if _longest_normal_run(since) >= needed:
        return None
    run = _trailing_normal_run(since)
    return DueCheck(
        at=checks[-1].at + dt.timedelta(hours=settings.abnormal_hours),
        kind=DueKind.ABNORMAL,
        reason=(
            f"abnormal check at {_stamp(checks[flagged[-1]].at)}: every "
            f"{settings.abnormal_hours} h until {needed} consecutive checks are back at "
            f"baseline ({run} so far)"
        ),
    )


def _longest_normal_run(checks: Sequence[PastCheck]) -> int:
    longest = current = 0
    for check in checks:
        current = current + 1 if check.abnormal is False else 0
        longest = max(longest, current)
    return longest


def _trailing_normal_run(checks: Sequence[PastCheck]) -> int:
    run = 0
    for check in reversed(checks):
        if check.abnormal is not False:
            break
        run += 1
    return run


def _interval(settings: CadenceSettings, high_risk: bool) -> dt.timedelta:
    return dt.timedelta(hours=settings.high_risk_hours if high_risk else settings.routine_hours)


def _windows(
    protocol: Protocol,
    cycle_number: int,
    starts_at: dt.datetime,
    events: Sequence[PlanEvent],
    settings: CadenceSettings,
    high_risk: bool,
) -> list[_Window]:
    """Every monitoring window of this cycle, cut where the infusion was stopped."""
    opened = [
        *_protocol_windows(protocol, cycle_number, starts_at, events, settings),
        *_event_windows(events, settings, high_risk),
    ]
    stopped = _stopped_periods(events)
    return [piece for window in opened for piece in _cut(window, stopped)]


def _protocol_windows(
    protocol: Protocol,
    cycle_number: int,
    starts_at: dt.datetime,
    events: Sequence[PlanEvent],
    settings: CadenceSettings,
) -> list[_Window]:
    """Hospital days and planned step-ups, from the planned and every recorded start."""
    recorded = {event.at for event in events if event.kind is PlanEventKind.START}
    hospital_days = protocol.rule_for(cycle_number).hospital_days
    watch = dt.timedelta(hours=settings.watch_hours_after_change)
    windows = []
    for anchor in sorted({starts_at} | recorded):
        if hospital_days:
            end = anchor + dt.timedelta(hours=hospital_days * HOURS_PER_DAY)
            label = f"hospital days 1-{hospital_days} of cycle {cycle_number}"
            windows.append(_Window(anchor, end, label))
        for day in protocol.step_up_days(cycle_number):
            step = anchor + dt.timedelta(hours=(day - FIRST_DAY) * HOURS_PER_DAY)
            label = f"{settings.watch_hours_after_change} h after the planned step-up on day {day}"
            windows.append(_Window(step, step + watch, label))
    return windows


def _event_windows(
    events: Sequence[PlanEvent], settings: CadenceSettings, high_risk: bool
) -> list[_Window]:
    """A watch after each step-up and restart; one interval after each hold (choice 10)."""
    watch = dt.timedelta(hours=settings.watch_hours_after_change)
    windows = []
    for event in events:
        what = event.kind.replace("_", "-")
        if event.kind in WATCHED_CHANGES:
            label = f"{settings.watch_hours_after_change} h after the {what} at {_stamp(event.at)}"
            windows.append(_Window(event.at, event.at + watch, label))
        elif event.kind is PlanEventKind.HOLD:
            label = f"the hold at {_stamp(event.at)}"
            windows.append(_Window(event.at, event.at + _interval(settings, high_risk), label))
    return windows


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
        periods.append((stopped_at, dt.datetime.max.replace(tzinfo=dt.UTC)))
    return periods


def _cut(window: _Window, periods: Sequence[tuple[dt.datetime, dt.datetime]]) -> list[_Window]:
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


def _routine_due(
    windows: Sequence[_Window],
    last: PastCheck | None,
    settings: CadenceSettings,
    high_risk: bool,
) -> DueCheck | None:
    """The earliest moment, one interval after the last check, that lies in a window."""
    interval = _interval(settings, high_risk)
    earliest = None if last is None else last.at + interval
    best: tuple[dt.datetime, _Window] | None = None
    for window in windows:
        at = window.start if earliest is None else max(earliest, window.start)
        if at < window.end and (best is None or at < best[0]):
            best = (at, window)
    if best is None:
        return None
    hours = settings.high_risk_hours if high_risk else settings.routine_hours
    risk = " (high risk)" if high_risk else ""
    return DueCheck(
        at=best[0], kind=DueKind.ROUTINE, reason=f"every {hours} h{risk} during {best[1].label}"
    )
