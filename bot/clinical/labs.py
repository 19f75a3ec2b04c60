"""Laboratory values beside the neuro check: IL-6, CRP, ferritin (bot/clinical/README.md
section 11). Pure: names, units and conversion. Shown, never acted on: no threshold here.

Each test has one canonical unit, in which it is stored and shown; a few common other units
are converted exactly (CRP in mg/dL is x10; ferritin in ug/L equals ng/mL). Anything else is
refused with the reason, since a value in an unknown unit read as the canonical one could be
wrong by a factor of ten or a thousand. A reason is a code and its facts (``LabProblem``), worded
in the reader's language by ``bot.telegram.words.labs``.
"""

from __future__ import annotations

import enum
import math
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


class LabTest(enum.StrEnum):
    """The values are those stored in ``lab_result.test``."""

    IL6 = "il6"
    CRP = "crp"
    FERRITIN = "ferritin"


# The tests' short names as the command line, the chart's legend and the audit trail show them;
# the chat names them in the reader's language (bot.telegram.words.labs).
NAMES: Final[Mapping[LabTest, str]] = types.MappingProxyType(
    {LabTest.IL6: "IL-6", LabTest.CRP: "CRP", LabTest.FERRITIN: "ferritin"}
)
CANONICAL_UNIT: Final[Mapping[LabTest, str]] = types.MappingProxyType(
    {LabTest.IL6: "pg/mL", LabTest.CRP: "mg/L", LabTest.FERRITIN: "ng/mL"}
)
# Accepted units ("u" for micro; compared without case) and the factor to the canonical unit.
FACTORS: Final[Mapping[LabTest, Mapping[str, float]]] = types.MappingProxyType(
    {
        LabTest.IL6: {"pg/mL": 1.0},
        LabTest.CRP: {"mg/L": 1.0, "mg/dL": 10.0},
        LabTest.FERRITIN: {"ng/mL": 1.0, "ug/L": 1.0},
    }
)
_ALIASES: Final[Mapping[str, LabTest]] = {
    "il6": LabTest.IL6,
    "il-6": LabTest.IL6,
    "interleukin-6": LabTest.IL6,
    "crp": LabTest.CRP,
    "ferritin": LabTest.FERRITIN,
}
MAX_VALUE: Final = 1_000_000.0  # above any reported IL-6 or ferritin: a typing slip


class LabProblem(enum.StrEnum):
    """Why a test, value or unit cannot be recorded (the facts each carries, as typed)."""

    UNKNOWN_TEST = "unknown_test"
    """Not IL-6, CRP or ferritin (``text``)."""
    NOT_A_NUMBER = "not_a_number"
    """The value is not a number (``text``)."""
    IMPLAUSIBLE = "implausible"
    """Negative, not finite or above ``MAX_VALUE`` (``text``, ``test``)."""
    UNIT = "unit"
    """A unit the test is not accepted in (``test``, ``unit``, ``canonical``, ``accepted``:
    the accepted units, a tuple)."""


class LabInputError(ValueError):
    """A test, value or unit that cannot be recorded: ``problem`` and its ``facts`` (strings
    as typed, ``test`` a ``LabTest`` value); no words."""

    def __init__(self, problem: LabProblem, **facts: str | tuple[str, ...]) -> None:
        super().__init__(f"{problem.value} {facts}")
        self.problem = problem
        self.facts = facts


@dataclass(frozen=True, slots=True)
class LabValue:
    test: LabTest
    value: float  # in the canonical unit
    unit: str  # the canonical unit
    entered_value: str
    entered_unit: str


def parse_test(text: str) -> LabTest:
    """``IL-6``, ``il6``, ``CRP``, ``Ferritin``: the test; LabInputError otherwise."""
    found = _ALIASES.get(text.strip().lower().replace(" ", ""))
    if found is None:
        raise LabInputError(LabProblem.UNKNOWN_TEST, text=text.strip())
    return found


def normalise(test: LabTest, value_text: str, unit_text: str | None = None) -> LabValue:
    """The value in the test's canonical unit. No unit means the canonical one."""
    entered = value_text.strip()
    try:
        value = float(entered.replace(",", "."))
    except ValueError:
        raise LabInputError(LabProblem.NOT_A_NUMBER, text=entered) from None
    if not math.isfinite(value) or value < 0 or value > MAX_VALUE:
        raise LabInputError(LabProblem.IMPLAUSIBLE, text=entered, test=test.value)
    canonical = CANONICAL_UNIT[test]
    unit = (unit_text or canonical).strip()
    key = unit.lower().replace("µ", "u").replace("μ", "u").replace(" ", "")
    factor = next((f for u, f in FACTORS[test].items() if u.lower() == key), None)
    if factor is None:
        accepted = tuple(FACTORS[test])
        raise LabInputError(
            LabProblem.UNIT, test=test.value, unit=unit, canonical=canonical, accepted=accepted
        )
    return LabValue(test, round(value * factor, 3), canonical, entered, unit)


def shown(test: LabTest, value: float) -> str:
    """ "IL-6 850 pg/mL": no trailing zeros, the canonical unit."""
    return f"{NAMES[test]} {value:g} {CANONICAL_UNIT[test]}"
