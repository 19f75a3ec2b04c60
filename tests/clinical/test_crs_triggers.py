"""CRS escalation reasons (bot/clinical/README.md section 11), table by table."""

from __future__ import annotations

import pytest

from bot.clinical import (
    CrsInput,
    Hypotension,
    Oxygen,
    TriggerReason,
    Triggers,
    Urgency,
    grade_crs,
)
from bot.clinical.crs_triggers import CrsChange, crs_reasons, join

R = TriggerReason
H = Hypotension
O2 = Oxygen


def change(
    temperature: float,
    hypotension: H = H.NONE,
    oxygen: O2 = O2.NONE,
    *,
    treated: bool = False,
    previous: int | None = None,
    fever_before: bool = False,
) -> CrsChange:
    observations = CrsInput(temperature, treated, hypotension, oxygen)
    return CrsChange(grade_crs(observations), temperature, previous, fever_before)


CASES = [
    # (what, change, reasons, urgency)
    ("afebrile, nothing", change(37.0), (), Urgency.NONE),
    ("first fever: normal, not also a rise", change(38.0), (R.FIRST_FEVER,), Urgency.NORMAL),
    (
        "a fever that returns later in the cycle is a rise",
        change(38.2, previous=0, fever_before=True),
        (R.CRS_ROSE,),
        Urgency.HIGH,
    ),
    ("fever persisting at grade 1", change(38.4, previous=1, fever_before=True), (), Urgency.NONE),
    (
        "first fever with fluids: grade 2, a rise",
        change(38.5, H.FLUIDS_ONLY),
        (R.FIRST_FEVER, R.CRS_ROSE),
        Urgency.HIGH,
    ),
    (
        "fever and one vasopressor: grade 3",
        change(38.5, H.ONE_VASOPRESSOR, previous=1, fever_before=True),
        (R.CRS_3_OR_4, R.CRS_ROSE),
        Urgency.CRITICAL,
    ),
    (
        "grade 3 persisting is critical at every check",
        change(38.5, H.ONE_VASOPRESSOR, previous=3, fever_before=True),
        (R.CRS_3_OR_4,),
        Urgency.CRITICAL,
    ),
    (
        "positive pressure: grade 4",
        change(39.0, oxygen=O2.POSITIVE_PRESSURE, previous=2, fever_before=True),
        (R.CRS_3_OR_4, R.CRS_ROSE),
        Urgency.CRITICAL,
    ),
    (
        "treated and afebrile with fluids: grade 2 by the engine's rule",
        change(37.0, H.FLUIDS_ONLY, treated=True, previous=1, fever_before=True),
        (R.CRS_ROSE,),
        Urgency.HIGH,
    ),
    (
        "treated, afebrile, no support: grade 1 (no fever, no first-fever reason)",
        change(36.8, treated=True, previous=0),
        (R.CRS_ROSE,),
        Urgency.HIGH,
    ),
    ("a fall in CRS grade", change(37.0, previous=2, fever_before=True), (), Urgency.NONE),
    (
        "vasopressor without fever or treatment: not CRS, told to the physician",
        change(37.0, H.ONE_VASOPRESSOR),
        (R.ORGAN_SUPPORT_WITHOUT_FEVER,),
        Urgency.NORMAL,
    ),
]


@pytest.mark.parametrize(("what", "crs", "reasons", "urgency"), CASES, ids=[c[0] for c in CASES])
def test_crs_reasons(
    what: str, crs: CrsChange, reasons: tuple[TriggerReason, ...], urgency: Urgency
) -> None:
    assert set(crs_reasons(crs)) == set(reasons), what
    assert join(Triggers(Urgency.NONE, ()), crs).urgency is urgency


def test_crs_joins_the_icans_reasons_in_one_alert_most_urgent_first() -> None:
    icans = Triggers(Urgency.HIGH, (R.GRADE_ROSE,))
    joined = join(icans, change(38.6, H.ONE_VASOPRESSOR))
    assert joined.urgency is Urgency.CRITICAL
    assert joined.reasons == (R.CRS_3_OR_4, R.GRADE_ROSE, R.CRS_ROSE, R.FIRST_FEVER)


def test_without_crs_the_icans_triggers_are_unchanged() -> None:
    icans = Triggers(Urgency.NORMAL, (R.NEW_TREMOR,))
    assert join(icans, None) is icans
