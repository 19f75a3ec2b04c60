"""A baseline deficit is this patient's normal: compared with, shown, never kept hourly."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from tests.e2e.seed_story import Ward, check_taps, ice, seed_ward
from tests.support import factories
from tests.support.clock import FakeClock

# A language barrier: the patient cannot name the hospital. ICE 9, grade 1, at baseline.
ICE_9 = check_taps(cognition=ice(3, 3, True, True, True))
ICE_8 = check_taps(cognition=ice(2, 3, True, True, True))


@pytest.fixture
def ward(tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock) -> Ward:
    ward, ward_id = seed_ward(tg, neurocheck, db, clock)
    patient = factories.patient(db, ward_id, "Bed 7", dt.date(1980, 1, 1))
    factories.plan(db, patient, clock.now + dt.timedelta(hours=2), created_at=clock.now)
    return ward


async def baseline_with_a_deficit(ward: Ward) -> None:
    """The baseline itself is grade 1 with nothing to compare it with: the physician hears of
    it (high) before the first dose, and acknowledges."""
    await ward.bot.rescheduler_sweep()
    await ward.prompted_check("Bed 7", ICE_9)
    alert = await ward.alert("🟠 HIGH: Bed 7")
    assert "abnormal, no earlier check to compare" in (alert.text or "")
    await ward.acknowledge(alert)


async def test_an_ice_of_9_at_baseline_keeps_the_routine_cadence(ward: Ward) -> None:
    await baseline_with_a_deficit(ward)
    first = ward.open_check()
    assert (first.kind, first.cadence_hours) == ("routine", 8)
    await ward.prompted_check("Bed 7", ICE_9)  # the same deficit: not abnormal
    summary = ward.nurse.messages[-1].text or ""
    assert "vs baseline (24 Nov 09:00): was grade 1, score 9: same grade" in summary
    assert (ward.open_check().kind, ward.open_check().cadence_hours) == ("routine", 8)


async def test_worse_than_the_deficit_is_abnormal_and_the_alert_shows_the_baseline(
    ward: Ward,
) -> None:
    await baseline_with_a_deficit(ward)
    await ward.prompted_check("Bed 7", ICE_8)  # ICE 8 < baseline 9, still grade 1
    assert (ward.open_check().kind, ward.open_check().cadence_hours) == ("abnormal", 1)
    alert = await ward.alert("🟡 Neuro check alert: Bed 7")
    assert "vs baseline (24 Nov 09:00): was grade 1, score 9" in (alert.text or "")
    # Two checks back at the baseline's ICE of 9 end the episode: not two of ICE 10.
    await ward.prompted_check("Bed 7", ICE_9)
    await ward.prompted_check("Bed 7", ICE_9)
    assert (ward.open_check().kind, ward.open_check().cadence_hours) == ("recovery", 4)
