"""Which screening tool a patient gets: ICE from the 12th birthday on, CAPD before it.

Age is computed from the date of birth on the day of the assessment (passed in: this package
never reads the clock), so a check done the day before the 12th birthday uses the CAPD even
if it is graded later.
"""

from __future__ import annotations

import datetime
from typing import Final

from bot.clinical.vocabulary import Tool

ICE_MIN_AGE_YEARS: Final = 12
"""The age cut-off: ICE on and after this birthday, CAPD before it."""


def _birthday_in(year: int, date_of_birth: datetime.date) -> datetime.date:
    """The anniversary of `date_of_birth` in `year`.

    A 29 February birthday falls on 28 February in a common year. The reference is silent
    here; we take the earlier date because age-based rules elsewhere (high risk from 65)
    are safer applied a day early than a day late. For the tool cut-off it rarely matters:
    12 is a multiple of 4, so a 12th birthday on 29 February exists in every leap-year cycle
    except around century years such as 2100.
    """
    try:
        return date_of_birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, 2, 28)


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Age in completed years on the date `on`."""
    if on < date_of_birth:
        raise ValueError(f"assessment date {on} is before the date of birth {date_of_birth}")
    years = on.year - date_of_birth.year
    if on < _birthday_in(on.year, date_of_birth):
        years -= 1
    return years


def tool_for_age(age_years: int, *, developmental_delay: bool = False) -> Tool:
    """ICE from `ICE_MIN_AGE_YEARS` on, CAPD before; CAPD at any age with developmental delay.

    The per-patient "developmental delay: use CAPD" override is a clinician's setting for an
    older patient who cannot do the ICE; it never switches a child to the ICE.
    """
    if age_years < 0:
        raise ValueError(f"age must not be negative, got {age_years}")
    if developmental_delay or age_years < ICE_MIN_AGE_YEARS:
        return Tool.CAPD
    return Tool.ICE


def select_tool(
    *,
    on: datetime.date,
    date_of_birth: datetime.date | None = None,
    age_years: int | None = None,
    developmental_delay: bool = False,
    override: Tool | None = None,
) -> Tool:
    """The tool for one assessment: an explicit override wins, otherwise the age rule.

    Prefer `date_of_birth` (exact on the assessment day) over `age_years` (which may be
    stale); one of the two is required unless `override` is given.
    """
    if override is not None:
        return override
    if date_of_birth is not None:
        age_years = age_on(date_of_birth, on)
    if age_years is None:
        raise ValueError("need a date of birth, an age or an explicit tool")
    return tool_for_age(age_years, developmental_delay=developmental_delay)
