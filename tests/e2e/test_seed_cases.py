"""The two patients of the case report Neurocheck grew from, end to end.

Ma et al., "Safety Analysis of Blinatumomab Consolidation Therapy in Two Cases of Acute B-Cell
Lymphoblastic Leukemia ... Complicated with ICANS", Front. Oncol. (2026). Invented ward
labels; ages, risk and the course of ICANS are the report's.

1. A 69-year-old with TP53 and DNMT3A mutations (high risk) on a relapsed/refractory cycle:
   checked every 4 hours; a new tremor reaches the physician although the grade is 0; grade 1,
   then grade 2 (ICE 5, wakes to voice) paged as high; hourly checks; the physician continues
   the infusion and gives levetiracetam; recovery, the recovery tail, back to routine.
2. A 29-year-old on consolidation: normal checks on days 1-3 inside the label's hospital
   window, then the ward watch still prompting on day 4; a seizure on day 4 paged critical at
   once; an unarousable grade 4 check; ICU transfer and discontinuation recorded; checks go on
   while the patient is admitted, and a missed one pages as critical.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from tests.e2e.seed_story import (
    NORMAL,
    UNAROUSABLE,
    Ward,
    check_taps,
    ice,
    seed_ward,
)
from tests.support import factories
from tests.support.clock import FakeClock

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def ward(tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock) -> Ward:
    return seed_ward(tg, neurocheck, db, clock)[0]


def admit(
    ward: Ward, label: str, born: dt.date, protocol: str, flags: tuple[str, ...]
) -> dt.datetime:
    """Admitted now; the first dose of cycle 1 in two hours (the baseline is due now)."""
    patient = factories.patient(ward.db, ward.ward_id, label, born, risk_flags=flags)
    start = ward.clock.now + 2 * HOUR
    factories.plan(ward.db, patient, start, created_at=ward.clock.now, protocol=protocol)
    return start


async def test_case_1_high_risk_tremor_then_grade_2_recovers_on_levetiracetam(
    ward: Ward,
) -> None:
    start = admit(ward, "Bed 2", dt.date(1957, 6, 1), "rr", ("TP53 mutation", "DNMT3A mutation"))
    await ward.bot.rescheduler_sweep()
    baseline = await ward.prompted_check("Bed 2", NORMAL)
    assert baseline.kind == "baseline"
    ward.clock.now = start
    assert "Recorded for Bed 2" in await ward.plan_event("Bed 2", "Start now")

    # High risk (69, TP53): every 4 hours. A new tremor is reported at grade 0.
    routine = await ward.prompted_check("Bed 2", check_taps(motor=("Tremor",)))
    assert (routine.kind, routine.cadence_hours) == ("routine", 4)
    assert routine.due_at == baseline.due_at + 4 * HOUR
    tremor = await ward.alert("🟡 Neuro check alert: Bed 2")
    assert "new tremor" in (tremor.text or "") and "ICANS grade 0" in (tremor.text or "")
    await ward.acknowledge(tremor)

    # Four hours on: ICE 8 with the tremor, grade 1 (a rise): high, then hourly checks.
    await ward.prompted_check("Bed 2", check_taps(cognition=ice(3, 3, True, False, True)))
    await ward.acknowledge(await ward.alert("🟠 HIGH: Bed 2"))
    assert (ward.open_check().kind, ward.open_check().cadence_hours) == ("abnormal", 1)

    # An hour later: ICE 5 and wakes to voice, grade 2 (up one): high again.
    grade_2 = await ward.prompted_check(
        "Bed 2", check_taps("Wakes to voice", ice(2, 2, True, False, False))
    )
    assert grade_2.kind == "abnormal"
    alert = await ward.alert("🟠 HIGH: Bed 2")
    assert "ICE: 5/10" in (alert.text or "") and "ICANS grade 2" in (alert.text or "")
    done = await ward.acknowledge(alert, "Continue", "Levetiracetam")
    assert "Decision: Continue" in (done.text or "") and "Levetiracetam" in (done.text or "")

    # Recovery: grade 1, then two checks back at baseline end the episode.
    for taps in (check_taps(cognition=ice(3, 3, True, True, True)), NORMAL, NORMAL):
        assert (await ward.prompted_check("Bed 2", taps)).kind == "abnormal"
    ended = ward.clock.now
    assert (ward.open_check().kind, ward.open_check().cadence_hours) == ("recovery", 4)
    board = await ward.board()
    assert "(recovery tail, every 4 h)" in board

    # The recovery tail: every 4 hours for 24 hours, then the routine cadence again.
    tail = [(await ward.prompted_check("Bed 2", NORMAL)).due_at for _ in range(5)]
    assert tail == [ended + 4 * HOUR * n for n in range(1, 6)]
    after = ward.open_check()
    assert (after.kind, after.cadence_hours) == ("routine", 4)
    assert after.due_at == ended + 24 * HOUR and after.due_at < start + 9 * 24 * HOUR

    assert ward.grades() == [
        (10, 0, True),
        (10, 0, True),
        (8, 1, True),
        (5, 2, True),
        (9, 1, True),
        *[(10, 0, True)] * 7,
    ]
    assert ward.escalations()[:3] == [
        ("normal", "check"),
        ("high", "check"),
        ("high", "check"),
    ]
    assert ward.decisions() == ["continue", "levetiracetam"]
    kinds = [kind for _, kind in ward.prompts]
    assert kinds == ["baseline", "routine", "routine", *["abnormal"] * 4, *["recovery"] * 5]


async def test_case_2_consolidation_day_4_seizure_and_grade_4_are_caught(
    ward: Ward,
) -> None:
    start = admit(ward, "Bed 5", dt.date(1997, 6, 1), "mrd", ())
    await ward.bot.rescheduler_sweep()
    await ward.prompted_check("Bed 5", NORMAL)
    ward.clock.now = start
    assert "Recorded for Bed 5" in await ward.plan_event("Bed 5", "Start now")

    # Days 1-3, the label's hospital window for consolidation: normal checks every 8 hours.
    while ward.open_check().kind == "routine":
        row = await ward.prompted_check("Bed 5", NORMAL)
        assert row.cadence_hours == 8 and row.due_at < start + 72 * HOUR
    assert len(ward.prompts) == 1 + 9

    # Day 4: the window has ended but the patient is on the ward: the ward watch prompts.
    watch = ward.open_check()
    assert (watch.kind, watch.cadence_hours) == ("watch", 12)
    assert watch.due_at >= start + 72 * HOUR
    board = await ward.board()
    assert "day 4 of 28" in board and "(ward watch, every 12 h)" in board
    await ward.prompted_check("Bed 5", NORMAL)
    assert ward.prompts[-1][1] == "watch"

    # A seizure on day 4, reported between checks: critical at once, hourly checks after it.
    ward.clock.now += 3 * HOUR
    await ward.event("Bed 5", "Seizure over 5 minutes")
    seizure = await ward.alert("🔴 CRITICAL: Bed 5")
    assert "seizure" in (seizure.text or "").lower()
    assert "Baseline (24 Nov 09:00): grade 0, ICE 10/10" in (seizure.text or "")
    next_check = ward.open_check()
    assert (next_check.kind, next_check.due_at) == ("abnormal", ward.clock.now + HOUR)
    await ward.acknowledge(seizure)

    # The hourly check finds the patient unarousable: grade 4, critical.
    await ward.prompted_check("Bed 5", UNAROUSABLE)
    grade_4 = await ward.alert("🔴 CRITICAL: Bed 5")
    assert "ICANS grade 4" in (grade_4.text or "")
    await ward.acknowledge(grade_4, "ICU transfer", "Discontinue")
    assert "Recorded for Bed 5" in await ward.plan_event("Bed 5", "Stop infusion")

    # Discontinued but still admitted: the checks go on, hourly while grade 4.
    after_stop = ward.open_check()
    assert after_stop.kind == "abnormal"
    # Nobody starts it: an hour later the physician is paged, as urgent as the patient.
    await ward.tick_at(after_stop.due_at)
    await ward.tick_at(after_stop.due_at + 61 * dt.timedelta(minutes=1))
    missed = await ward.alert("🔴 CRITICAL: Bed 5")
    assert "scheduled check not started for an hour" in (missed.text or "")
    assert "Last check (" in (missed.text or "") and "): grade 4, ICE 0/10" in (missed.text or "")

    assert ward.grades()[-2:] == [(None, 4, False), (0, 4, True)]
    assert ward.escalations() == [
        ("critical", "event"),
        ("critical", "check"),
        ("critical", "missed_check"),
    ]
    assert ward.decisions() == ["icu", "discontinue"]
