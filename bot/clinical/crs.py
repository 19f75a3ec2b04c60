"""Cytokine release syndrome, ASTCT 2019 grade (bot/clinical/README.md section 8).

The grade is the more severe of the hypotension and hypoxia rows, given fever (38.0 C or
more). Once antipyretic or anti-cytokine therapy has been given, fever is no longer required.
Without fever and without such therapy it is not CRS by this definition: grade 0 with the flag
`no_fever_untreated` when there is hypotension or hypoxia, leaving the judgement to the
physician.
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from bot.clinical.ruleset import RULESET_VERSION
from bot.clinical.vocabulary import Flag, Hypotension, Oxygen

FEVER_THRESHOLD_C: Final = 38.0

HYPOTENSION_GRADES: Final[Mapping[Hypotension, int]] = types.MappingProxyType(
    {
        Hypotension.NONE: 0,
        Hypotension.FLUIDS_ONLY: 2,
        Hypotension.ONE_VASOPRESSOR: 3,
        Hypotension.MULTIPLE_VASOPRESSORS: 4,
    }
)

# Comfort oxygen with normal saturation is not hypoxia, hence 0.
OXYGEN_GRADES: Final[Mapping[Oxygen, int]] = types.MappingProxyType(
    {
        Oxygen.NONE: 0,
        Oxygen.COMFORT: 0,
        Oxygen.LOW_FLOW: 2,
        Oxygen.HIGH_FLOW: 3,
        Oxygen.POSITIVE_PRESSURE: 4,
    }
)


@dataclass(frozen=True, slots=True)
class CrsInput:
    """Observations for one CRS grade.

    `fever_treated`: antipyretic or anti-cytokine therapy (tocilizumab, steroids) already
    given. `hypotension`: vasopressin with one other vasopressor is ONE_VASOPRESSOR.
    """

    temperature_c: float
    fever_treated: bool = False
    hypotension: Hypotension = Hypotension.NONE
    oxygen: Oxygen = Oxygen.NONE

    def __post_init__(self) -> None:
        if not math.isfinite(self.temperature_c):
            raise ValueError(f"temperature must be a finite number, got {self.temperature_c}")
        if not isinstance(self.hypotension, Hypotension):
            raise TypeError(f"hypotension: expected Hypotension, got {self.hypotension!r}")
        if not isinstance(self.oxygen, Oxygen):
            raise TypeError(f"oxygen: expected Oxygen, got {self.oxygen!r}")

    @property
    def fever(self) -> bool:
        """38.0 C or more."""
        return self.temperature_c >= FEVER_THRESHOLD_C


@dataclass(frozen=True, slots=True)
class CrsResult:
    """CRS grade 0-4 and the flags that must reach a physician."""

    crs_grade: int
    flags: frozenset[Flag]
    ruleset: str = RULESET_VERSION


def organ_support_grade(hypotension: Hypotension, oxygen: Oxygen) -> int:
    """The more severe of the hypotension and hypoxia rows (0 when neither is present)."""
    return max(HYPOTENSION_GRADES[hypotension], OXYGEN_GRADES[oxygen])


def grade_crs(observations: CrsInput) -> CrsResult:
    """ASTCT CRS grade.

    Where the reference is silent, the safer reading: after treatment "fever is no longer
    required", so the fever column counts as satisfied and a treated patient without
    hypotension or hypoxia stays grade 1 (fever may be masked by the treatment), rather than
    dropping to 0.
    """
    organ = organ_support_grade(observations.hypotension, observations.oxygen)
    if observations.fever or observations.fever_treated:
        return CrsResult(crs_grade=max(1, organ), flags=frozenset())
    if organ > 0:
        return CrsResult(crs_grade=0, flags=frozenset({Flag.NO_FEVER_UNTREATED}))
    return CrsResult(crs_grade=0, flags=frozenset())
