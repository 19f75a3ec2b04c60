"""The missed-check ladder (README section 10): what happens while a due check is not started.

    PROMPT     at due                    the nurses on duty are asked
    REMIND     at due + remind minutes   they are reminded
    CHARGE     at due + charge minutes   the charge nurse is told
    PHYSICIAN  at due + physician minutes  the physician on call is paged

The minutes are the ward's cadence settings. Pure: the scheduler (bot.services.runner) moves
a scheduled check up the ladder and the Telegram layer words each level.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

from bot.clinical.protocols import CadenceSettings


class Level(IntEnum):
    """A rung of the ladder; stored as ``scheduled_check.reminder_level`` and in payloads."""

    PROMPT = 0
    REMIND = 1
    CHARGE = 2
    PHYSICIAN = 3


PROMPT, REMIND, CHARGE, PHYSICIAN = Level.PROMPT, Level.REMIND, Level.CHARGE, Level.PHYSICIAN


def minutes_after_due(level: int, settings: CadenceSettings) -> int:
    """How long after the due time ``level`` falls due."""
    return {
        PROMPT: 0,
        REMIND: settings.remind_nurse_minutes,
        CHARGE: settings.alert_charge_minutes,
        PHYSICIAN: settings.alert_physician_minutes,
    }[Level(level)]


def level_at(due_at: dt.datetime, settings: CadenceSettings, level: int) -> dt.datetime:
    """When ``level`` falls due; the ladder is measured from the check's due time."""
    return due_at + dt.timedelta(minutes=minutes_after_due(level, settings))


def highest_due(
    level: int, due_at: dt.datetime, settings: CadenceSettings, now: dt.datetime
) -> Level:
    """The highest rung due at ``now``, starting from ``level`` (after downtime several rungs
    fall due at once: the caller acts on the highest, not on each)."""
    target = Level(level)
    while target < PHYSICIAN and level_at(due_at, settings, target + 1) <= now:
        target = Level(target + 1)
    return target
