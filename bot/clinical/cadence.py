"""When the next neuro check is due: the check cadence, in order of precedence.

Pure: the caller passes the protocol, the plan's events, the past checks (each already
judged abnormal or not against the patient's baseline, `bot.clinical.compare`), the ward's
settings and `now`; `next_due` returns the one check due next (or None), which the
scheduling service stores as a row. Nothing here reads a clock, so a schedule can be
replayed exactly. The rules, with their defaults (every number is a ward setting):

1. Baseline: an ICE (or CAPD) before the first dose of each cycle, due
   `baseline_lead_hours` (2) before it.
2. Abnormal: once a check is worse than the patient's baseline, every `abnormal_hours` (1)
   until `normal_checks_to_relax` (2) consecutive checks are back at baseline.
3. Recovery tail: after such an episode ends, every `recovery_hours` (4) for
   `recovery_tail_hours` (24), whatever the plan is doing.
4. Intensive: every `routine_hours` (8; `high_risk_hours`, 4, for a high-risk patient) in
   the protocol's hospital days and `watch_hours_after_change` (48) after a step-up or a
   restart.
5. Ward watch: every `ward_watch_hours` (12) from the first dose while the plan runs or is
   held, and for `ward_watch_tail_hours` (48) after the infusion stops or the cycle ends.
   Checks end only with discharge (applied by the scheduling service) or the end of that
   tail. A hold never stops the checks.

`bot.clinical.windows` computes the spans of rules 3-5; rules 1 and 2 pre-empt them.

Choices where the rules are silent (each the safer reading):

1. Baseline lookback: a baseline counts for this cycle when it was done at most
   `baseline_valid_hours` (24) before the first dose, or at any time after it.
2. A missing baseline comes before routine checks: until it is done no routine check is
   offered. It is not required once the cycle has ended or been stopped.
3. Baseline due time: never before the plan was entered (`planned_at`; without it `now`
   stands in) nor before the latest check.
4. First dose: the planned `starts_at` or the earliest recorded start, whichever is earlier;
   every start (planned and recorded) opens the protocol's windows.
5. The protocol's own step-up days open a watch even when no step-up was recorded (a
   forgotten entry must not remove monitoring).
6. The interval counts from the latest check of any kind. When the latest check is older
   than one interval, the check is due when the window opens.
7. Windows are half-open: a check that would fall at or after a window's end is not due
   within it (a later window may still ask for it).
8. The abnormal rule applies inside and outside windows, before the start and after a stop:
   it never expires with time; only checks back at baseline end it.
9. "Back at baseline" needs a complete check that is not abnormal. An incomplete check that
   shows nothing abnormal neither starts the abnormal rule nor counts towards ending it, and
   it breaks a run of normal checks.
10. A hold opens a window of one intensive interval: one check when the infusion is held.
11. After a stop or end of cycle there are no intensive checks until a later start or
    restart; the ward watch goes on for its tail. A check that fell due before the stop and
    was not done is still owed.
12. Overdue: a due time already in the past is returned as it is (never moved to `now`), so
    the scheduler can mark the check late and escalate; only the baseline floor (choice 3)
    moves a due time.
13. Where several cadences apply, the earliest due time wins (the most frequent cadence).

Time: every datetime must be timezone-aware (naive ones are rejected with ValueError) and all
arithmetic is done in UTC, so an interval is elapsed time: a daylight-saving change never
makes an 8-hour interval 7 or 9 hours. Only `cycle_day` uses the hospital's zone, because the
label's "day 1" is a calendar day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from bot.clinical.protocols import FIRST_DAY, CadenceSettings, Protocol
from bot.clinical.windows import (
    ENDINGS,
    RESUMPTIONS,
    WATCHED_CHANGES,
    DueKind,
    PlanEvent,
    PlanEventKind,
    Window,
    ended,
    first_dose,
    plan_windows,
    recovery_window,
    stamp,
    utc,
)

__all__ = [
    "ENDINGS",
    "RESUMPTIONS",
    "WATCHED_CHANGES",
    "DueCheck",
    "DueKind",
    "Episode",
    "PastCheck",
    "PlanEvent",
    "PlanEventKind",
    "cycle_day",
    "episode",
    "next_due",
]

# When two checks fall due at the same moment, the more specific one is asked for.
_PRIORITY: Final = tuple(DueKind)


@dataclass(frozen=True, slots=True)
class PastCheck:
    """A graded check: `abnormal` is worse than the baseline (None: incomplete, not known).

    `at` is converted to UTC on construction.
    """

    at: dt.datetime
    abnormal: bool | None
    is_baseline: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", utc(self.at, "PastCheck.at"))


@dataclass(frozen=True, slots=True)
class DueCheck:
    """The next check: when (UTC), which kind, at what interval, and a reason for the log.

    `hours` is the interval of the cadence that set it (None for the baseline), so that staff
    can be told "ward watch, every 12 h".
    """

    at: dt.datetime
    kind: DueKind
    reason: str
    hours: int | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    """The latest abnormal episode: open, or when it ended (None: there was none)."""

    open: bool
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    normal_so_far: int = 0


def cycle_day(starts_at: dt.datetime, at: dt.datetime, zone: dt.tzinfo) -> int:
    """The label's cycle day of `at`: day 1 is the calendar day of the start in `zone`.

    Calendar days, not elapsed 24-hour days: a 25-hour night at the end of daylight saving
    is still one day. Days before the start are 0, -1, ... `zone` is the hospital's zone
    (a `zoneinfo.ZoneInfo`); it is passed in because this package reads no configuration.
    """
    start_date = utc(starts_at, "starts_at").astimezone(zone).date()
    return (utc(at, "at").astimezone(zone).date() - start_date).days + FIRST_DAY


def episode(checks: Sequence[PastCheck], normal_checks_to_relax: int) -> Episode:
    """The latest abnormal episode in `checks` (sorted by time) and whether it is still open.

    An episode starts at an abnormal check and ends at the check that completes a run of
    `normal_checks_to_relax` consecutive checks back at baseline after the last abnormal one.
    """
    opened: dt.datetime | None = None
    last = Episode(open=False)
    run = 0
    for check in checks:
        if check.abnormal is True:
            opened, run = opened or check.at, 0
        elif opened is not None:
            run = run + 1 if check.abnormal is False else 0
            if run >= normal_checks_to_relax:
                last, opened, run = Episode(False, opened, check.at), None, 0
    if opened is not None:
        return Episode(open=True, started_at=opened, normal_so_far=run)
    return last


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
    start = utc(starts_at, "starts_at")
    current = utc(now, "now")
    floor = current if planned_at is None else utc(planned_at, "planned_at")
    plan_events = sorted(events, key=lambda event: event.at)
    past = sorted(checks, key=lambda check: check.at)
    protocol.rule_for(cycle_number)  # rejects a cycle number the protocol does not cover
    dose = first_dose(start, plan_events)
    state = episode(past, settings.normal_checks_to_relax)
    owed = [
        due
        for due in (
            _baseline_due(cycle_number, dose, plan_events, past, settings, floor),
            _abnormal_due(state, past, settings),
        )
        if due is not None
    ]
    if owed:  # a missing baseline and an open episode pre-empt the windows (choices 2, 8)
        return min(owed, key=lambda due: (due.at, _PRIORITY.index(due.kind)))
    windows = plan_windows(protocol, cycle_number, start, plan_events, settings, high_risk)
    if state.ended_at is not None:
        windows.append(recovery_window(state.ended_at, settings))
    return _window_due(windows, past[-1] if past else None, high_risk)


def _baseline_due(
    cycle_number: int,
    dose: dt.datetime,
    events: Sequence[PlanEvent],
    checks: Sequence[PastCheck],
    settings: CadenceSettings,
    floor: dt.datetime,
) -> DueCheck | None:
    """The baseline while none counts for this cycle (choices 1-3)."""
    if ended(events):
        return None
    valid_from = dose - dt.timedelta(hours=settings.baseline_valid_hours)
    if any(check.is_baseline and check.at >= valid_from for check in checks):
        return None
    due = dose - dt.timedelta(hours=settings.baseline_lead_hours)
    latest = checks[-1].at if checks else due
    return DueCheck(
        at=max(due, floor, latest),
        kind=DueKind.BASELINE,
        reason=f"baseline before the first dose of cycle {cycle_number}",
    )


def _abnormal_due(
    state: Episode, checks: Sequence[PastCheck], settings: CadenceSettings
) -> DueCheck | None:
    """Every `abnormal_hours` while the latest episode is open."""
    if not state.open or state.started_at is None:
        return None
    needed = settings.normal_checks_to_relax
    return DueCheck(
        at=checks[-1].at + dt.timedelta(hours=settings.abnormal_hours),
        kind=DueKind.ABNORMAL,
        reason=(
            f"abnormal since {stamp(state.started_at)}: every {settings.abnormal_hours} h "
            f"until {needed} consecutive checks are back at baseline "
            f"({state.normal_so_far} so far)"
        ),
        hours=settings.abnormal_hours,
    )


def _window_due(
    windows: Sequence[Window], last: PastCheck | None, high_risk: bool
) -> DueCheck | None:
    """The earliest moment, one interval after the last check, that lies in a window."""
    best: tuple[dt.datetime, int, Window] | None = None
    for window in windows:
        earliest = None if last is None else last.at + dt.timedelta(hours=window.hours)
        at = window.start if earliest is None else max(earliest, window.start)
        rank = _PRIORITY.index(window.kind)
        if at < window.end and (best is None or (at, rank) < best[:2]):
            best = (at, rank, window)
    if best is None:
        return None
    at, _, window = best
    risk = " (high risk)" if high_risk and window.kind is DueKind.INTENSIVE else ""
    return DueCheck(
        at=at,
        kind=window.kind,
        reason=f"every {window.hours} h{risk} during {window.label}",
        hours=window.hours,
    )
