"""Escalation urgency for a new check (bot/clinical/README.md section 10, "Escalation triggers").

Every applicable reason is listed; the highest urgency wins. Repeated findings (a grade 3
that persists, haemorrhage still on imaging) are critical at every check: de-duplicating
alerts is the escalation service's job, not the grading rules'.

Choices where the text is silent or ambiguous (each the safer reading):

- New tremor or myoclonus is NORMAL. Section 2 calls it "low-urgency information" but section
  10 lists it under Normal; Normal needs an acknowledgement, information does not.
- A first check with neither a previous check nor a baseline cannot "rise"; if its grade is 1
  or more it is HIGH (`abnormal_without_reference`) rather than unescalated.
- A lower ICE (for the CAPD: a higher score) than at the previous check is NORMAL whenever
  the grade did not rise, not only "within the same grade" (see `_subtle`).
- Reasons are made mutually exclusive where one implies the other: a rise of two or more is
  reported as `rose_two_or_more` only, an incomplete check with a known grade of 1 or more as
  `incomplete_with_grade` only.
"""

from __future__ import annotations

import enum
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from bot.clinical.compare import Change, compare
from bot.clinical.icans import IcansResult


class Urgency(enum.StrEnum):
    """How an escalation is delivered, from nothing to critical."""

    NONE = "none"
    INFO = "info"
    NORMAL = "normal"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order NONE < INFO < NORMAL < HIGH < CRITICAL."""
        return list(Urgency).index(self)

    @property
    def needs_acknowledgement(self) -> bool:
        """Information-only messages need no acknowledgement (section 10)."""
        return self.rank >= Urgency.NORMAL.rank


class TriggerReason(enum.StrEnum):
    """Why a check was escalated; each reason has one fixed urgency (`REASON_URGENCY`)."""

    GRADE_3_OR_4 = "grade_3_or_4"
    CRS_3_OR_4 = "crs_3_or_4"
    SEIZURE = "seizure"
    HEMORRHAGE = "hemorrhage"
    ROSE_TWO_OR_MORE = "rose_two_or_more"
    GRADE_ROSE = "grade_rose"
    CRS_ROSE = "crs_rose"
    INCOMPLETE_WITH_GRADE = "incomplete_with_grade"
    ABNORMAL_WITHOUT_REFERENCE = "abnormal_without_reference"
    SCORE_WORSE = "score_worse"
    NEW_TREMOR = "new_tremor"
    NEW_MYOCLONUS = "new_myoclonus"
    FIRST_FEVER = "first_fever"
    ORGAN_SUPPORT_WITHOUT_FEVER = "organ_support_without_fever"
    INCOMPLETE = "incomplete"
    GRADE_FELL = "grade_fell"


REASON_URGENCY: Final[Mapping[TriggerReason, Urgency]] = types.MappingProxyType(
    {
        TriggerReason.GRADE_3_OR_4: Urgency.CRITICAL,
        TriggerReason.CRS_3_OR_4: Urgency.CRITICAL,
        TriggerReason.SEIZURE: Urgency.CRITICAL,
        TriggerReason.HEMORRHAGE: Urgency.CRITICAL,
        TriggerReason.ROSE_TWO_OR_MORE: Urgency.CRITICAL,
        TriggerReason.GRADE_ROSE: Urgency.HIGH,
        TriggerReason.CRS_ROSE: Urgency.HIGH,
        TriggerReason.INCOMPLETE_WITH_GRADE: Urgency.HIGH,
        TriggerReason.ABNORMAL_WITHOUT_REFERENCE: Urgency.HIGH,
        TriggerReason.SCORE_WORSE: Urgency.NORMAL,
        TriggerReason.NEW_TREMOR: Urgency.NORMAL,
        TriggerReason.NEW_MYOCLONUS: Urgency.NORMAL,
        TriggerReason.FIRST_FEVER: Urgency.NORMAL,
        TriggerReason.ORGAN_SUPPORT_WITHOUT_FEVER: Urgency.NORMAL,
        TriggerReason.INCOMPLETE: Urgency.NORMAL,
        TriggerReason.GRADE_FELL: Urgency.INFO,
    }
)


CRITICAL_GRADE: Final = 3
"""An ICANS grade of 3 or more is critical: for a new check and for a missed one."""


@dataclass(frozen=True, slots=True)
class Triggers:
    """The urgency (highest over all reasons) and the reasons, most urgent first."""

    urgency: Urgency
    reasons: tuple[TriggerReason, ...]


def _critical(change: Change) -> list[TriggerReason]:
    reasons = []
    if change.known_grade >= CRITICAL_GRADE:
        reasons.append(TriggerReason.GRADE_3_OR_4)
    if change.seizure:
        reasons.append(TriggerReason.SEIZURE)
    if change.hemorrhage:
        reasons.append(TriggerReason.HEMORRHAGE)
    return reasons


def _grade_movement(change: Change) -> list[TriggerReason]:
    if change.grade_delta is None:
        if not change.has_reference and change.known_grade >= 1:
            return [TriggerReason.ABNORMAL_WITHOUT_REFERENCE]
        return []
    if change.grade_delta >= 2:
        return [TriggerReason.ROSE_TWO_OR_MORE]
    if change.grade_delta == 1:
        return [TriggerReason.GRADE_ROSE]
    if change.grade_delta < 0:
        return [TriggerReason.GRADE_FELL]
    return []


def _completeness(change: Change) -> list[TriggerReason]:
    if not change.incomplete:
        return []
    if change.known_grade >= 1:
        return [TriggerReason.INCOMPLETE_WITH_GRADE]
    return [TriggerReason.INCOMPLETE]


def _subtle(change: Change) -> list[TriggerReason]:
    reasons = []
    # Section 10 says "an ICE lower than the previous one within the same grade". We also
    # report a lower ICE when the grade FELL (another domain improved while cognition got
    # worse): the safer reading. When the grade rose, the rise already escalates higher.
    if change.score_worse and not change.rose:
        reasons.append(TriggerReason.SCORE_WORSE)
    if change.new_tremor:
        reasons.append(TriggerReason.NEW_TREMOR)
    if change.new_myoclonus:
        reasons.append(TriggerReason.NEW_MYOCLONUS)
    return reasons


def classify(change: Change) -> Triggers:
    """Urgency and reasons for one change; NONE with no reasons when nothing applies."""
    found = _critical(change) + _grade_movement(change) + _completeness(change) + _subtle(change)
    return from_reasons(found)


def from_reasons(found: Sequence[TriggerReason]) -> Triggers:
    """The urgency of a set of reasons (the highest), reasons most urgent first."""
    order = list(TriggerReason)
    reasons = tuple(
        sorted(found, key=lambda reason: (-REASON_URGENCY[reason].rank, order.index(reason)))
    )
    if not reasons:
        return Triggers(urgency=Urgency.NONE, reasons=())
    return Triggers(urgency=REASON_URGENCY[reasons[0]], reasons=reasons)


def escalation(
    baseline: IcansResult | None,
    previous: IcansResult | None,
    new: IcansResult,
) -> Triggers:
    """Compare and classify in one call (the usual entry point for the escalation service)."""
    return classify(compare(baseline, previous, new))
