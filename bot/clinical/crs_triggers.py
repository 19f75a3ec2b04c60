"""CRS escalation reasons for a check that recorded CRS (bot/clinical/README.md section 11).

They join the ICANS reasons of the same check in one alert (`join`): one patient, one chain.

| urgency | reason |
|---|---|
| critical | CRS grade 3 or 4 |
| high | any rise in CRS grade since the last check that recorded one |
| normal | the cycle's first fever (38.0 C or more); organ support without fever or treatment |

Choices where the rules are silent (each the safer reading, or the one that keeps the rules
apart):

- With no earlier CRS grade, the reference is grade 0: a first CRS grade of 2 is a rise.
- A rise to grade 1 that is the cycle's first fever is reported as `first_fever` only (the
  two describe the same change, and the rules make the first fever normal); a fever that
  returns later in the cycle, a rise to grade 1 by treatment, and every rise to 2 or more are
  `crs_rose`.
- Hypotension or hypoxia with neither fever nor treatment is grade 0 by ASTCT ("not CRS"),
  flagged `no_fever_untreated` by the engine; the physician is told at normal urgency, since
  a patient on a vasopressor is a physician's matter whatever the cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.clinical.crs import FEVER_THRESHOLD_C, CrsResult
from bot.clinical.triggers import TriggerReason, Triggers, from_reasons
from bot.clinical.vocabulary import Flag

CRITICAL_CRS_GRADE: Final = 3


@dataclass(frozen=True, slots=True)
class CrsChange:
    """A new CRS grade with what it is compared with.

    `previous_grade`: the last CRS grade recorded before this check (None: never).
    `fever_earlier_in_cycle`: any earlier check of this cycle recorded 38.0 C or more.
    """

    result: CrsResult
    temperature_c: float
    previous_grade: int | None
    fever_earlier_in_cycle: bool


def crs_reasons(change: CrsChange) -> tuple[TriggerReason, ...]:
    """The CRS reasons that apply, in no particular order (`join` sorts them)."""
    grade = change.result.crs_grade
    reasons: list[TriggerReason] = []
    if grade >= CRITICAL_CRS_GRADE:
        reasons.append(TriggerReason.CRS_3_OR_4)
    first_fever = change.temperature_c >= FEVER_THRESHOLD_C and not change.fever_earlier_in_cycle
    if first_fever:
        reasons.append(TriggerReason.FIRST_FEVER)
    rose = grade > (change.previous_grade or 0)
    if rose and not (grade == 1 and first_fever):
        reasons.append(TriggerReason.CRS_ROSE)
    if Flag.NO_FEVER_UNTREATED in change.result.flags:
        reasons.append(TriggerReason.ORGAN_SUPPORT_WITHOUT_FEVER)
    return tuple(reasons)


def join(icans: Triggers, change: CrsChange | None) -> Triggers:
    """The ICANS triggers with the CRS reasons added; unchanged when CRS was not recorded."""
    if change is None:
        return icans
    return from_reasons([*icans.reasons, *crs_reasons(change)])
