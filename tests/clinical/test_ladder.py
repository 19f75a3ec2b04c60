"""The missed-check ladder: when each rung falls due, and the highest due after downtime."""

from __future__ import annotations

import datetime as dt

from bot.clinical import ladder
from bot.clinical.protocols import CadenceSettings

DUE = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)
SETTINGS = CadenceSettings()


def after(minutes: int) -> dt.datetime:
    return DUE + dt.timedelta(minutes=minutes)


def test_each_rung_falls_due_its_minutes_after_the_due_time() -> None:
    assert ladder.level_at(DUE, SETTINGS, ladder.PROMPT) == DUE
    assert ladder.level_at(DUE, SETTINGS, ladder.REMIND) == after(SETTINGS.remind_nurse_minutes)
    assert ladder.level_at(DUE, SETTINGS, ladder.CHARGE) == after(SETTINGS.alert_charge_minutes)
    assert ladder.level_at(DUE, SETTINGS, ladder.PHYSICIAN) == after(
        SETTINGS.alert_physician_minutes
    )


def test_the_highest_due_rung_is_taken_after_downtime_and_never_beyond_the_physician() -> None:
    assert ladder.highest_due(ladder.PROMPT, DUE, SETTINGS, DUE) is ladder.PROMPT
    just_charge = after(SETTINGS.alert_charge_minutes)
    assert ladder.highest_due(ladder.PROMPT, DUE, SETTINGS, just_charge) is ladder.CHARGE
    assert ladder.highest_due(ladder.REMIND, DUE, SETTINGS, after(600)) is ladder.PHYSICIAN


def test_the_levels_keep_the_numbers_stored_in_the_rows() -> None:
    assert [int(level) for level in ladder.Level] == [0, 1, 2, 3]
