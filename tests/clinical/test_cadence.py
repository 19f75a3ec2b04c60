"""When the next neuro check is due: every cadence rule and its boundaries.

Times in the tables are hours from the planned first dose (START); every case gives `now`.
RR cycle 1 (relapsed/refractory): hospital days 1-9 = hours 0-216, step-up on day 8 = hour 168.
MRD cycle 1 (consolidation, the seed case's second patient): hospital days 1-3 = hours 0-72.
Defaults: intensive 8 h (high risk 4 h), abnormal 1 h until 2 checks back at baseline, recovery
tail 4 h for 24 h, ward watch 12 h with a 48 h tail after a stop or the end of the cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.clinical.cadence import (
    DueCheck,
    DueKind,
    PastCheck,
    PlanEvent,
    PlanEventKind,
    cycle_day,
    episode,
    next_due,
)
from bot.clinical.protocol_file import parse_protocol
from bot.clinical.protocols import CadenceSettings
from bot.protocols import load_protocols
from storage.models import CheckKind, InfusionEventKind

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT = CadenceSettings()

# A protocol whose step-up (day 8) falls after its hospital days (1-3), to see the planned
# step-up watched on its own.
STEPPED = """\
code = "stepped"
name = "Step-up outside the hospital stay"
indication = "Testing"
cycle_days = 28
treatment_free_days = 14

[[cycle]]
numbers = "others"
hospital_days = 3
dose = [
    { from_day = 1, mcg_per_day = 9, mcg_per_m2_per_day = 5 },
    { from_day = 8, mcg_per_day = 28, mcg_per_m2_per_day = 15 },
]
"""
PROTOCOLS = {**load_protocols(), "stepped": parse_protocol(STEPPED, "stepped.toml")}

B = DueKind.BASELINE
R = DueKind.INTENSIVE
A = DueKind.ABNORMAL
V = DueKind.RECOVERY
W = DueKind.WARD_WATCH


def at(hours: float) -> dt.datetime:
    return START + dt.timedelta(hours=hours)


def baseline(hours: float = -2) -> PastCheck:
    return PastCheck(at(hours), abnormal=False, is_baseline=True)


def ok(hours: float) -> PastCheck:
    """A complete check back at baseline."""
    return PastCheck(at(hours), abnormal=False, is_baseline=False)


def bad(hours: float) -> PastCheck:
    """An abnormal check."""
    return PastCheck(at(hours), abnormal=True, is_baseline=False)


def unsure(hours: float) -> PastCheck:
    """An incomplete check that showed nothing abnormal."""
    return PastCheck(at(hours), abnormal=None, is_baseline=False)


def event(kind: str, hours: float) -> PlanEvent:
    return PlanEvent(kind, at(hours))


@dataclass(frozen=True)
class Case:
    now: float
    checks: tuple[PastCheck, ...] = ()
    events: tuple[PlanEvent, ...] = ()
    high_risk: bool = False
    protocol: str = "rr"
    cycle: int = 1
    settings: CadenceSettings = DEFAULT

    def due(self) -> DueCheck | None:
        return next_due(
            protocol=PROTOCOLS[self.protocol],
            cycle_number=self.cycle,
            starts_at=START,
            events=self.events,
            checks=self.checks,
            high_risk=self.high_risk,
            settings=self.settings,
            now=at(self.now),
        )


Expected = tuple[float, DueKind] | None


def assert_due(case: Case, expected: Expected) -> None:
    due = case.due()
    if expected is None:
        assert due is None, due
        return
    assert due is not None
    assert (due.at, due.kind) == (at(expected[0]), expected[1]), due.reason


BASELINE_ROWS = [
    pytest.param(Case(now=-10), (-2, B), id="no baseline: due 2 h before the first dose"),
    pytest.param(Case(now=-1), (-1, B), id="plan entered within the lead time: due now"),
    pytest.param(Case(now=3), (3, B), id="still no baseline after the start: due now"),
    pytest.param(
        Case(now=-1, checks=(baseline(-20),)), (0, R), id="baseline 20 h before still counts"
    ),
    pytest.param(
        Case(now=-5, checks=(baseline(-30),)), (-2, B), id="baseline 30 h before does not count"
    ),
    pytest.param(
        Case(now=-3, checks=(PastCheck(at(-400), False, True),)),
        (-2, B),
        id="last cycle's baseline does not count",
    ),
    pytest.param(Case(now=-2.5, checks=(ok(-3),)), (-2, B), id="a routine check is not a baseline"),
    pytest.param(
        Case(now=-2, checks=(baseline(),)), (6, R), id="first window check 8 h after baseline"
    ),
    pytest.param(Case(now=1, checks=(baseline(0.5),)), (8.5, R), id="baseline done late counts"),
    pytest.param(
        Case(now=-10, events=(event("start", -5),)),
        (-7, B),
        id="earlier recorded start moves the baseline",
    ),
    pytest.param(
        Case(now=-3, checks=(baseline(),), cycle=3),
        (10, W),
        id="rr cycle 3: no hospital days, the ward watch from the first dose",
    ),
    pytest.param(Case(now=-10, cycle=3), (-2, B), id="rr cycle 3: baseline still due"),
    pytest.param(
        Case(now=-4, events=(event("stop", -5),)), None, id="stopped before the first dose"
    ),
]

WINDOW_ROWS = [
    pytest.param(Case(now=14, checks=(baseline(), ok(6), ok(14))), (22, R), id="rr c1: every 8 h"),
    pytest.param(
        Case(now=2, checks=(baseline(), ok(2)), high_risk=True), (6, R), id="high risk: 4 h"
    ),
    pytest.param(
        Case(now=17, checks=(baseline(), ok(6), ok(17))),
        (25, R),
        id="late check: the next counts from when it was done",
    ),
    pytest.param(
        Case(now=20, checks=(baseline(), ok(6))), (14, R), id="overdue: returned as it is"
    ),
    pytest.param(
        Case(now=207, checks=(baseline(), ok(207))), (215, R), id="last check inside day 9"
    ),
    pytest.param(
        Case(now=210, checks=(baseline(), ok(210))),
        (222, W),
        id="next would fall after day 9: the ward watch, 12 h after the last check",
    ),
    pytest.param(
        Case(now=300, checks=(baseline(), ok(300))), (312, W), id="after the window: ward watch"
    ),
    pytest.param(Case(now=600, checks=(baseline(), ok(600))), (612, W), id="ward watch on day 26"),
    pytest.param(
        Case(now=700, checks=(baseline(), ok(700))),
        (712, W),
        id="past day 28 with no end recorded: the ward watch goes on",
    ),
    pytest.param(
        Case(now=60, checks=(baseline(), ok(60)), protocol="mrd"), (68, R), id="mrd c1: day 3"
    ),
    pytest.param(
        Case(now=66, checks=(baseline(), ok(66)), protocol="mrd"),
        (78, W),
        id="mrd c1: window is 3 days, then the ward watch",
    ),
    pytest.param(
        Case(now=78, checks=(baseline(), ok(66), ok(78)), protocol="mrd"),
        (90, W),
        id="mrd c1 day 4 (the seed case's grade 4): still checked every 12 h",
    ),
    pytest.param(
        Case(now=71, checks=(baseline(), ok(64)), protocol="mrd"),
        (76, W),
        id="mrd c1: an 8 h check would fall at the window's end: 12 h after the last check",
    ),
    pytest.param(
        Case(now=70, checks=(baseline(), ok(63)), protocol="mrd"),
        (71, R),
        id="mrd c1: an intensive check 1 h before the window ends",
    ),
    pytest.param(
        Case(now=66, checks=(baseline(), ok(66)), protocol="mrd", high_risk=True),
        (70, R),
        id="mrd c1 high risk: every 4 h in the window",
    ),
    pytest.param(
        Case(now=70, checks=(baseline(), ok(70)), protocol="mrd", high_risk=True),
        (82, W),
        id="mrd c1 high risk: ward watch after the window",
    ),
    pytest.param(Case(now=39, checks=(baseline(), ok(39)), cycle=2), (47, R), id="rr c2: day 2"),
    pytest.param(
        Case(now=40, checks=(baseline(), ok(40)), cycle=2),
        (52, W),
        id="rr c2: window is 2 days, then the ward watch",
    ),
]

CHANGE_ROWS = [
    pytest.param(
        Case(now=210, checks=(baseline(), ok(210)), events=(event("step_up", 180),)),
        (218, R),
        id="step-up on day 8 (hour 180): watched past day 9",
    ),
    pytest.param(
        Case(now=221, checks=(baseline(), ok(219)), events=(event("step_up", 180),)),
        (227, R),
        id="step-up: last check of the 48 h",
    ),
    pytest.param(
        Case(now=222, checks=(baseline(), ok(222)), events=(event("step_up", 180),)),
        (234, W),
        id="step-up: intensive watch ends 48 h after it, the ward watch goes on",
    ),
    pytest.param(
        Case(now=100, checks=(baseline(), ok(100)), protocol="stepped"),
        (112, W),
        id="between the hospital days and the planned step-up: ward watch",
    ),
    pytest.param(
        Case(now=160, checks=(baseline(), ok(160)), protocol="stepped"),
        (168, R),
        id="planned step-up watched though not recorded: from day 8",
    ),
    pytest.param(
        Case(now=170, checks=(baseline(), ok(170)), protocol="stepped"),
        (178, R),
        id="planned step-up: every 8 h in its 48 h",
    ),
    pytest.param(
        Case(now=212, checks=(baseline(), ok(212)), protocol="stepped"),
        (224, W),
        id="planned step-up: 48 h after day 8 starts, then the ward watch",
    ),
    pytest.param(
        Case(
            now=250,
            checks=(baseline(), ok(208), ok(230), ok(242)),
            events=(event("hold", 230), event("restart", 250)),
        ),
        (250, R),
        id="restart after a hold: check at the restart",
    ),
    pytest.param(
        Case(
            now=289,
            checks=(baseline(), ok(230), ok(250), ok(289)),
            events=(event("hold", 230), event("restart", 250)),
        ),
        (297, R),
        id="restart: every 8 h for 48 h",
    ),
    pytest.param(
        Case(
            now=290,
            checks=(baseline(), ok(230), ok(250), ok(290)),
            events=(event("hold", 230), event("restart", 250)),
        ),
        (302, W),
        id="restart: intensive watch ends 48 h after it",
    ),
    pytest.param(
        Case(now=14, checks=(baseline(), ok(6), ok(14)), events=(event("hold", 10),)),
        (22, R),
        id="hold inside the window keeps the cadence",
    ),
    pytest.param(
        Case(now=30, checks=(baseline(), ok(6), ok(14)), events=(event("hold", 10),)),
        (22, R),
        id="hold never stops the checks",
    ),
    pytest.param(
        Case(now=230, checks=(baseline(), ok(220)), events=(event("hold", 230),)),
        (230, R),
        id="hold outside a window: one check at the hold",
    ),
    pytest.param(
        Case(now=230, checks=(baseline(), ok(208), ok(230)), events=(event("hold", 230),)),
        (242, W),
        id="hold outside a window: only one check, then the ward watch",
    ),
    pytest.param(
        Case(now=400, checks=(baseline(), ok(230), ok(400)), events=(event("hold", 230),)),
        (412, W),
        id="a long hold never stops the ward watch",
    ),
    pytest.param(
        Case(now=226, checks=(baseline(), ok(226)), events=(event("start", 24),)),
        (234, R),
        id="start recorded a day late: the window runs from it too",
    ),
]

ABNORMAL_ROWS = [
    pytest.param(Case(now=6, checks=(baseline(), bad(6))), (7, A), id="abnormal: hourly"),
    pytest.param(
        Case(now=7, checks=(baseline(), bad(6), ok(7))), (8, A), id="one normal: still hourly"
    ),
    pytest.param(
        Case(now=8, checks=(baseline(), bad(6), ok(7), ok(8))),
        (12, V),
        id="two consecutive normal: the recovery tail, every 4 h",
    ),
    pytest.param(
        Case(now=28, checks=(baseline(), bad(6), ok(7), ok(8), ok(12), ok(20), ok(28))),
        (36, R),
        id="recovery tail ends 24 h after the episode: every 8 h again",
    ),
    pytest.param(
        Case(now=27, checks=(baseline(), bad(6), ok(7), ok(8), ok(27))),
        (31, V),
        id="recovery tail: the last check before its end",
    ),
    pytest.param(
        Case(now=300, checks=(baseline(), bad(290), ok(291), ok(292), ok(300))),
        (304, V),
        id="recovery tail outside a window: every 4 h",
    ),
    pytest.param(
        Case(now=312, checks=(baseline(), bad(290), ok(291), ok(292), ok(312))),
        (324, W),
        id="recovery tail over: back to the ward watch",
    ),
    pytest.param(
        Case(now=8, checks=(baseline(), bad(6), ok(7), ok(8)), high_risk=True),
        (12, V),
        id="high risk: recovery and intensive both 4 h, said as recovery",
    ),
    pytest.param(
        Case(now=8, checks=(baseline(), bad(6), ok(7), bad(8), ok(9))),
        (10, A),
        id="normal, abnormal, normal: counts from the latest abnormal",
    ),
    pytest.param(
        Case(now=9, checks=(baseline(), bad(6), ok(7), unsure(8), ok(9))),
        (10, A),
        id="an incomplete check breaks the run of normal checks",
    ),
    pytest.param(
        Case(now=8, checks=(baseline(), bad(6), unsure(7), unsure(8))),
        (9, A),
        id="incomplete checks never end hourly checks",
    ),
    pytest.param(
        Case(now=6, checks=(baseline(), unsure(6))),
        (14, R),
        id="an incomplete check alone does not start hourly checks",
    ),
    pytest.param(
        Case(now=6, checks=(baseline(), bad(6)), high_risk=True), (7, A), id="high risk: hourly"
    ),
    pytest.param(
        Case(now=10, checks=(baseline(), bad(6))), (7, A), id="abnormal overdue: as it is"
    ),
    pytest.param(
        Case(now=300, checks=(baseline(), bad(300))), (301, A), id="outside a window: hourly"
    ),
    pytest.param(
        Case(now=302, checks=(baseline(), bad(300), ok(301), ok(302))),
        (306, V),
        id="back at baseline outside a window: the recovery tail",
    ),
    pytest.param(
        Case(now=-30, checks=(bad(-40),)),
        (-39, A),
        id="abnormal before the cycle: hourly, baseline later",
    ),
    pytest.param(
        Case(now=-3, checks=(bad(-40), ok(-39), ok(-3))),
        (-2, B),
        id="back at baseline before the cycle: the baseline is next",
    ),
]

END_ROWS = [
    pytest.param(
        Case(now=20, checks=(baseline(), ok(14)), events=(event("stop", 20),)),
        (26, W),
        id="stop: no intensive checks, the ward watch goes on",
    ),
    pytest.param(
        Case(now=55, checks=(baseline(), ok(55)), events=(event("stop", 20),)),
        (67, W),
        id="stop: the last ward watch check before the 48 h tail ends",
    ),
    pytest.param(
        Case(now=56, checks=(baseline(), ok(56)), events=(event("stop", 20),)),
        None,
        id="stop: the ward watch ends 48 h after it",
    ),
    pytest.param(
        Case(now=700, checks=(baseline(), ok(700)), events=(event("end_cycle", 672),)),
        (712, W),
        id="end of cycle: the ward watch for 48 h more",
    ),
    pytest.param(
        Case(now=710, checks=(baseline(), ok(710)), events=(event("end_cycle", 672),)),
        None,
        id="end of cycle: checks end with its 48 h tail",
    ),
    pytest.param(
        Case(
            now=102,
            checks=(baseline(), ok(14), bad(100), ok(101), ok(102)),
            events=(event("stop", 20),),
        ),
        (106, V),
        id="after the tail: an episode still gets its recovery tail",
    ),
    pytest.param(
        Case(
            now=122,
            checks=(baseline(), ok(14), bad(100), ok(101), ok(102), ok(122)),
            events=(event("stop", 20),),
        ),
        None,
        id="after the tail and the recovery tail: no more checks",
    ),
    pytest.param(
        Case(now=21, checks=(baseline(), ok(14), bad(21)), events=(event("stop", 20),)),
        (22, A),
        id="stop: the abnormal rule still applies",
    ),
    pytest.param(
        Case(now=681, checks=(baseline(), bad(680)), events=(event("end_cycle", 672),)),
        (681, A),
        id="end of cycle: abnormal still hourly",
    ),
    pytest.param(
        Case(now=16, checks=(baseline(), ok(14)), events=(event("end_cycle", 15),)),
        (26, W),
        id="end of cycle inside the window: no intensive checks, the ward watch",
    ),
    pytest.param(
        Case(
            now=100,
            checks=(baseline(), ok(14), ok(62)),
            events=(event("stop", 20), event("restart", 100)),
        ),
        (100, R),
        id="restart after a stop resumes the checks",
    ),
    pytest.param(
        Case(now=25, checks=(ok(14),), events=(event("stop", 20),)),
        (26, W),
        id="stopped: no baseline asked for, the ward watch goes on",
    ),
    pytest.param(
        Case(now=25, checks=(baseline(), ok(6)), events=(event("stop", 20),)),
        (14, R),
        id="a check owed before the stop is still owed",
    ),
]


@pytest.mark.parametrize(("case", "expected"), BASELINE_ROWS)
def test_baseline(case: Case, expected: Expected) -> None:
    assert_due(case, expected)


@pytest.mark.parametrize(("case", "expected"), WINDOW_ROWS)
def test_hospital_window(case: Case, expected: Expected) -> None:
    assert_due(case, expected)


@pytest.mark.parametrize(("case", "expected"), CHANGE_ROWS)
def test_step_up_restart_and_hold(case: Case, expected: Expected) -> None:
    assert_due(case, expected)


@pytest.mark.parametrize(("case", "expected"), ABNORMAL_ROWS)
def test_abnormal_rule(case: Case, expected: Expected) -> None:
    assert_due(case, expected)


@pytest.mark.parametrize(("case", "expected"), END_ROWS)
def test_stop_and_end_of_cycle(case: Case, expected: Expected) -> None:
    assert_due(case, expected)


def test_planned_at_keeps_a_missing_baseline_late() -> None:
    """With the plan's entry time, a recomputation after downtime does not hide lateness."""
    due = next_due(
        protocol=PROTOCOLS["rr"],
        cycle_number=1,
        starts_at=START,
        events=(),
        checks=(),
        high_risk=False,
        settings=DEFAULT,
        now=at(3),
        planned_at=at(-24),
    )
    assert due is not None and (due.at, due.kind) == (at(-2), B)


def test_planned_at_after_the_lead_time_is_the_due_time() -> None:
    due = next_due(
        protocol=PROTOCOLS["rr"],
        cycle_number=1,
        starts_at=START,
        events=(),
        checks=(),
        high_risk=False,
        settings=DEFAULT,
        now=at(3),
        planned_at=at(-1),
    )
    assert due is not None and (due.at, due.kind) == (at(-1), B)


def test_ward_settings_change_the_cadence() -> None:
    settings = DEFAULT.with_overrides({"routine_hours": 6, "watch_hours_after_change": 24})
    due = next_due(
        protocol=PROTOCOLS["rr"],
        cycle_number=1,
        starts_at=START,
        events=(event("step_up", 200),),
        checks=(baseline(), ok(215)),
        high_risk=False,
        settings=settings,
        now=at(215),
    )
    assert due is not None and due.at == at(221)
    assert due.reason == "every 6 h during 24 h after the step-up at 2026-03-10 16:00 UTC"


def test_reasons_say_why() -> None:
    cases = {
        "baseline before the first dose of cycle 1": Case(now=-10),
        "every 4 h (high risk) during hospital days 1-9 of cycle 1": Case(
            now=0, checks=(baseline(),), high_risk=True
        ),
        "abnormal since 2026-03-02 14:00 UTC: every 1 h until 2 consecutive checks are "
        "back at baseline (1 so far)": Case(now=7, checks=(baseline(), bad(6), ok(7))),
        "every 4 h during the 24 h after an abnormal episode": Case(
            now=8, checks=(baseline(), bad(6), ok(7), ok(8))
        ),
        "every 12 h during the ward watch of cycle 1": Case(now=300, checks=(baseline(), ok(300))),
    }
    for reason, case in cases.items():
        due = case.due()
        assert due is not None and due.reason == reason


@pytest.mark.parametrize(
    ("case", "hours"),
    [
        pytest.param(Case(now=-10), None, id="baseline: no interval"),
        pytest.param(Case(now=6, checks=(baseline(), bad(6))), 1, id="abnormal"),
        pytest.param(Case(now=8, checks=(baseline(), bad(6), ok(7), ok(8))), 4, id="recovery"),
        pytest.param(Case(now=0, checks=(baseline(),), high_risk=True), 4, id="intensive, high"),
        pytest.param(Case(now=300, checks=(baseline(), ok(300))), 12, id="ward watch"),
    ],
)
def test_the_interval_is_said_with_the_check(case: Case, hours: int | None) -> None:
    due = case.due()
    assert due is not None and due.hours == hours


SETTINGS_ROWS = [
    pytest.param(
        Case(
            now=300,
            checks=(baseline(), ok(300)),
            settings=DEFAULT.with_overrides({"ward_watch_hours": 10}),
        ),
        (310, W),
        id="ward_watch_hours=10",
    ),
    pytest.param(
        Case(
            now=56,
            checks=(baseline(), ok(56)),
            events=(event("stop", 20),),
            settings=DEFAULT.with_overrides({"ward_watch_tail_hours": 72}),
        ),
        (68, W),
        id="ward_watch_tail_hours=72",
    ),
    pytest.param(
        Case(
            now=8,
            checks=(baseline(), bad(6), ok(7), ok(8)),
            settings=DEFAULT.with_overrides({"recovery_hours": 2}),
        ),
        (10, V),
        id="recovery_hours=2",
    ),
    pytest.param(
        Case(
            now=20,
            checks=(baseline(), bad(6), ok(7), ok(8), ok(12), ok(16), ok(20)),
            settings=DEFAULT.with_overrides({"recovery_tail_hours": 12}),
        ),
        (28, R),
        id="recovery_tail_hours=12",
    ),
]


@pytest.mark.parametrize(("case", "expected"), SETTINGS_ROWS)
def test_ward_settings_for_the_new_cadences(case: Case, expected: Expected) -> None:
    assert_due(case, expected)


# --- Daylight saving: intervals are elapsed hours; cycle days are calendar days ---------------


@pytest.mark.parametrize(
    ("last_local", "due_utc", "due_local"),
    [
        pytest.param(
            dt.datetime(2026, 3, 28, 22, 30, tzinfo=BERLIN),
            dt.datetime(2026, 3, 29, 5, 30, tzinfo=dt.UTC),
            "2026-03-29 07:30",
            id="spring forward: 8 elapsed hours read 9 on the wall clock",
        ),
        pytest.param(
            dt.datetime(2026, 10, 24, 22, 30, tzinfo=BERLIN),
            dt.datetime(2026, 10, 25, 4, 30, tzinfo=dt.UTC),
            "2026-10-25 05:30",
            id="fall back: 8 elapsed hours read 7 on the wall clock",
        ),
    ],
)
def test_dst_night_keeps_8_elapsed_hours(
    last_local: dt.datetime, due_utc: dt.datetime, due_local: str
) -> None:
    starts_at = last_local - dt.timedelta(hours=1)  # same zone, both before the change
    due = next_due(
        protocol=PROTOCOLS["rr"],
        cycle_number=1,
        starts_at=starts_at,
        events=(),
        checks=(
            PastCheck(starts_at - dt.timedelta(hours=2), abnormal=False, is_baseline=True),
            PastCheck(last_local, abnormal=False, is_baseline=False),
        ),
        high_risk=False,
        settings=DEFAULT,
        now=last_local,
    )
    assert due is not None
    assert due.at == due_utc
    assert due.at.tzinfo is dt.UTC
    assert due.at - last_local.astimezone(dt.UTC) == dt.timedelta(hours=8)
    assert due.at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") == due_local


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("starts_at", "moment", "day"),
    [
        pytest.param(berlin(2026, 3, 2, 8), berlin(2026, 3, 2, 8), 1, id="the start is day 1"),
        pytest.param(berlin(2026, 3, 2, 8), berlin(2026, 3, 2, 23, 59), 1, id="same evening"),
        pytest.param(berlin(2026, 3, 2, 8), berlin(2026, 3, 3, 0, 0), 2, id="midnight: day 2"),
        pytest.param(berlin(2026, 3, 2, 8), berlin(2026, 3, 9, 7), 8, id="day 8"),
        pytest.param(berlin(2026, 3, 2, 8), berlin(2026, 3, 1, 20), 0, id="day before: 0"),
        pytest.param(
            berlin(2026, 3, 29, 0, 30),
            berlin(2026, 3, 30, 0, 15),
            2,
            id="spring: 22 h 45 min later is already day 2",
        ),
        pytest.param(
            berlin(2026, 3, 28, 23, 30),
            berlin(2026, 3, 29, 23, 30),
            2,
            id="spring: 23 h later, the next calendar day",
        ),
        pytest.param(
            berlin(2026, 10, 25, 0, 30),
            berlin(2026, 10, 25, 23, 45),
            1,
            id="fall: 24 h 15 min later is still day 1",
        ),
        pytest.param(
            berlin(2026, 10, 25, 0, 30),
            berlin(2026, 10, 26, 0, 5),
            2,
            id="fall: after midnight, day 2",
        ),
        pytest.param(
            dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 3, 22, 59, tzinfo=dt.UTC),
            1,
            id="UTC instants read in the hospital's zone (00:30 to 23:59 local)",
        ),
    ],
)
def test_cycle_day_counts_calendar_days_in_the_hospital_zone(
    starts_at: dt.datetime, moment: dt.datetime, day: int
) -> None:
    assert cycle_day(starts_at, moment, BERLIN) == day


# --- Input checks -----------------------------------------------------------------------------

NAIVE = dt.datetime(2026, 3, 2, 8, 0)  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: PastCheck(NAIVE, abnormal=False, is_baseline=False), id="check"),
        pytest.param(lambda: PlanEvent("hold", NAIVE), id="event"),
        pytest.param(lambda: cycle_day(NAIVE, START, BERLIN), id="cycle_day start"),
        pytest.param(lambda: cycle_day(START, NAIVE, BERLIN), id="cycle_day moment"),
        pytest.param(lambda: _next_due_with(starts_at=NAIVE), id="next_due starts_at"),
        pytest.param(lambda: _next_due_with(now=NAIVE), id="next_due now"),
        pytest.param(lambda: _next_due_with(planned_at=NAIVE), id="next_due planned_at"),
    ],
)
def test_naive_datetimes_are_rejected(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="must be timezone-aware"):
        build()


def _next_due_with(
    *,
    starts_at: dt.datetime = START,
    now: dt.datetime = START,
    planned_at: dt.datetime | None = None,
) -> DueCheck | None:
    return next_due(
        protocol=PROTOCOLS["rr"],
        cycle_number=1,
        starts_at=starts_at,
        events=(),
        checks=(),
        high_risk=False,
        settings=DEFAULT,
        now=now,
        planned_at=planned_at,
    )


def test_unknown_event_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown plan event 'pause'"):
        PlanEvent("pause", START)


def test_event_kind_is_normalised_and_time_is_utc() -> None:
    held = PlanEvent("hold", berlin(2026, 3, 2, 9))
    assert held.kind is PlanEventKind.HOLD
    assert held.at == START and held.at.tzinfo is dt.UTC


def test_cycle_not_covered_is_rejected() -> None:
    with pytest.raises(ValueError, match="cycle numbers start at 1"):
        Case(now=0, cycle=0).due()


# --- episode() -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checks", "is_open", "started", "ended"),
    [
        pytest.param((baseline(), ok(6)), False, None, None, id="never abnormal"),
        pytest.param((baseline(), bad(6)), True, 6, None, id="open"),
        pytest.param((baseline(), bad(6), ok(7), ok(8)), False, 6, 8, id="ended at the 2nd"),
        pytest.param((bad(6), ok(7), bad(8), ok(9)), True, 6, None, id="one normal: same one"),
        pytest.param((bad(6), ok(7), ok(8), bad(20)), True, 20, None, id="a second episode"),
        pytest.param((bad(6), unsure(7), ok(8), ok(9)), False, 6, 9, id="incomplete breaks"),
    ],
)
def test_episode(
    checks: tuple[PastCheck, ...], is_open: bool, started: float | None, ended: float | None
) -> None:
    state = episode(checks, DEFAULT.normal_checks_to_relax)
    assert state.open is is_open
    assert state.started_at == (None if started is None else at(started))
    assert state.ended_at == (None if ended is None else at(ended))


# --- Properties -------------------------------------------------------------------------------

MINUTES_PER_HOUR = 60
HORIZON_HOURS = 800  # past the end of a 28-day cycle (672 h)
RR_CYCLE_1_END_HOURS = 216

minutes = st.integers(min_value=-48 * MINUTES_PER_HOUR, max_value=HORIZON_HOURS * MINUTES_PER_HOUR)
events = st.builds(
    PlanEvent,
    kind=st.sampled_from([kind.value for kind in PlanEventKind]),
    at=minutes.map(lambda m: at(m / MINUTES_PER_HOUR)),
)
checks = st.builds(
    PastCheck,
    at=minutes.map(lambda m: at(m / MINUTES_PER_HOUR)),
    abnormal=st.sampled_from([True, False, None]),
    is_baseline=st.booleans(),
)


@given(
    protocol=st.sampled_from(["rr", "mrd", "stepped"]),
    cycle=st.integers(min_value=1, max_value=4),
    plan_events=st.lists(events, max_size=6),
    past=st.lists(checks, max_size=8),
    high_risk=st.booleans(),
    wait=st.integers(min_value=0, max_value=48 * MINUTES_PER_HOUR),
    planned=st.none() | minutes.map(lambda m: at(m / MINUTES_PER_HOUR)),
)
def test_next_due_is_never_before_the_last_check(
    protocol: str,
    cycle: int,
    plan_events: list[PlanEvent],
    past: list[PastCheck],
    high_risk: bool,
    wait: int,
    planned: dt.datetime | None,
) -> None:
    last = max((check.at for check in past), default=at(-48))
    due = next_due(
        protocol=PROTOCOLS[protocol],
        cycle_number=cycle,
        starts_at=START,
        events=plan_events,
        checks=past,
        high_risk=high_risk,
        settings=DEFAULT,
        now=last + dt.timedelta(minutes=wait),
        planned_at=planned,
    )
    if due is not None and past:
        assert due.at >= last


window_minutes = st.integers(
    min_value=0, max_value=(RR_CYCLE_1_END_HOURS - DEFAULT.routine_hours) * MINUTES_PER_HOUR - 1
)


@given(
    inside=st.lists(
        st.builds(
            PastCheck,
            at=window_minutes.map(lambda m: at(m / MINUTES_PER_HOUR)),
            abnormal=st.sampled_from([True, False, None]),
            is_baseline=st.just(False),
        ),
        max_size=8,
    ),
    changes=st.lists(
        st.builds(
            PlanEvent,
            kind=st.sampled_from(["step_up", "restart", "hold", "start"]),
            at=minutes.map(lambda m: at(m / MINUTES_PER_HOUR)),
        ),
        max_size=4,
    ),
    high_risk=st.booleans(),
)
def test_inside_a_window_the_interval_never_exceeds_routine_hours(
    inside: list[PastCheck], changes: list[PlanEvent], high_risk: bool
) -> None:
    past = [baseline(), *inside]
    last = max(check.at for check in past)
    due = next_due(
        protocol=PROTOCOLS["rr"],
        cycle_number=1,
        starts_at=START,
        events=[change for change in changes if change.at >= START],
        checks=past,
        high_risk=high_risk,
        settings=DEFAULT,
        now=last,
    )
    assert due is not None
    assert last < due.at <= last + dt.timedelta(hours=DEFAULT.routine_hours)


@given(
    after=st.lists(
        st.builds(
            PastCheck,
            at=st.integers(min_value=0, max_value=HORIZON_HOURS * MINUTES_PER_HOUR).map(
                lambda m: at(m / MINUTES_PER_HOUR)
            ),
            abnormal=st.sampled_from([True, False, None]),
            is_baseline=st.just(False),
        ),
        max_size=8,
    ),
    changes=st.lists(
        st.builds(
            PlanEvent,
            kind=st.sampled_from(["step_up", "restart", "hold"]),
            at=minutes.map(lambda m: at(m / MINUTES_PER_HOUR)),
        ),
        max_size=4,
    ),
    protocol=st.sampled_from(["rr", "mrd", "stepped"]),
    cycle=st.integers(min_value=1, max_value=4),
    high_risk=st.booleans(),
)
def test_while_the_plan_runs_or_is_held_checks_never_stop(
    after: list[PastCheck],
    changes: list[PlanEvent],
    protocol: str,
    cycle: int,
    high_risk: bool,
) -> None:
    """No stop and no end of cycle: a check is always due within the ward watch interval."""
    past = [baseline(), *after]
    last = max(check.at for check in past)
    due = next_due(
        protocol=PROTOCOLS[protocol],
        cycle_number=cycle,
        starts_at=START,
        events=[change for change in changes if change.at >= START],
        checks=past,
        high_risk=high_risk,
        settings=DEFAULT,
        now=last,
    )
    assert due is not None
    assert due.at <= max(last, START) + dt.timedelta(hours=DEFAULT.ward_watch_hours)


def test_every_due_kind_can_be_stored() -> None:
    """The scheduling service stores `DueKind` values as `CheckKind`: they must agree."""
    assert {kind.value for kind in DueKind} <= {kind.value for kind in CheckKind}


def test_plan_event_kinds_are_the_stored_ones() -> None:
    """The cadence reads stored infusion events by value: the two enumerations must agree."""
    assert {kind.value for kind in PlanEventKind} == {kind.value for kind in InfusionEventKind}
