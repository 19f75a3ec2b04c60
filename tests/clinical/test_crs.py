"""ASTCT CRS grade (bot/clinical/README.md section 8)."""

from __future__ import annotations

import pytest

from bot.clinical import CrsInput, Flag, Hypotension, Oxygen, grade_crs

H = Hypotension
O = Oxygen  # noqa: E741 - keeps the table rows on one line

ROWS = [
    # Fever present
    pytest.param(CrsInput(38.0), 1, False, id="fever 38.0 exactly, nothing else -> 1"),
    pytest.param(CrsInput(39.5), 1, False, id="fever alone -> 1"),
    pytest.param(CrsInput(38.5, hypotension=H.FLUIDS_ONLY), 2, False, id="fever + fluids -> 2"),
    pytest.param(CrsInput(38.5, oxygen=O.LOW_FLOW), 2, False, id="fever + low-flow O2 -> 2"),
    pytest.param(
        CrsInput(38.5, hypotension=H.ONE_VASOPRESSOR), 3, False, id="fever + one vasopressor -> 3"
    ),
    pytest.param(CrsInput(38.5, oxygen=O.HIGH_FLOW), 3, False, id="fever + high-flow O2 -> 3"),
    pytest.param(
        CrsInput(38.5, hypotension=H.MULTIPLE_VASOPRESSORS),
        4,
        False,
        id="fever + several vasopressors -> 4",
    ),
    pytest.param(
        CrsInput(38.5, oxygen=O.POSITIVE_PRESSURE),
        4,
        False,
        id="fever + CPAP/BiPAP/intubation -> 4",
    ),
    pytest.param(
        CrsInput(38.5, hypotension=H.FLUIDS_ONLY, oxygen=O.HIGH_FLOW),
        3,
        False,
        id="fever + fluids + high-flow -> 3 (the more severe row)",
    ),
    pytest.param(
        CrsInput(38.5, hypotension=H.MULTIPLE_VASOPRESSORS, oxygen=O.LOW_FLOW),
        4,
        False,
        id="fever + several vasopressors + low-flow -> 4",
    ),
    pytest.param(
        CrsInput(38.5, oxygen=O.COMFORT), 1, False, id="fever + comfort O2 (normal sat) -> 1"
    ),
    # No fever
    pytest.param(CrsInput(37.9), 0, False, id="37.9 C, nothing else -> 0"),
    pytest.param(
        CrsInput(37.0, oxygen=O.COMFORT), 0, False, id="no fever + comfort O2 -> 0, no flag"
    ),
    pytest.param(
        CrsInput(37.0, hypotension=H.FLUIDS_ONLY),
        0,
        True,
        id="no fever, untreated, hypotension -> 0 not CRS by ASTCT (flag)",
    ),
    pytest.param(
        CrsInput(37.9, oxygen=O.POSITIVE_PRESSURE),
        0,
        True,
        id="no fever, untreated, intubated -> 0 not CRS by ASTCT (flag)",
    ),
    # Fever already treated: fever no longer required
    pytest.param(
        CrsInput(37.0, fever_treated=True, hypotension=H.ONE_VASOPRESSOR),
        3,
        False,
        id="treated, afebrile, one vasopressor -> 3",
    ),
    pytest.param(
        CrsInput(36.8, fever_treated=True, oxygen=O.LOW_FLOW),
        2,
        False,
        id="treated, afebrile, low-flow -> 2",
    ),
    pytest.param(
        CrsInput(36.8, fever_treated=True, oxygen=O.POSITIVE_PRESSURE),
        4,
        False,
        id="treated, afebrile, positive pressure -> 4",
    ),
    pytest.param(
        CrsInput(36.8, fever_treated=True),
        1,
        False,
        id="treated, afebrile, nothing else -> 1 (fever may be masked; safer reading)",
    ),
    pytest.param(
        CrsInput(39.0, fever_treated=True, hypotension=H.FLUIDS_ONLY),
        2,
        False,
        id="treated and still febrile, fluids -> 2",
    ),
]


@pytest.mark.parametrize(("observations", "grade", "not_crs_flag"), ROWS)
def test_crs_grade(observations: CrsInput, grade: int, not_crs_flag: bool) -> None:
    result = grade_crs(observations)
    assert result.crs_grade == grade
    assert (Flag.NO_FEVER_UNTREATED in result.flags) is not_crs_flag


def test_vasopressin_with_one_vasopressor_is_one_vasopressor() -> None:
    # The caller records vasopressin + norepinephrine as ONE_VASOPRESSOR, which is grade 3.
    assert grade_crs(CrsInput(38.5, hypotension=H.ONE_VASOPRESSOR)).crs_grade == 3


@pytest.mark.parametrize("temperature", [float("nan"), float("inf")])
def test_temperature_must_be_finite(temperature: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        CrsInput(temperature)
