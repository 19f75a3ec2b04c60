"""What changed between checks: the facts the escalation rules and the check cadence need.

Pure: takes the patient's baseline result, previous result and new result (any of the first
two may be None) and returns a `Change`. It decides nothing about urgency; see
`bot.clinical.triggers`.

Choices where bot/clinical/README.md is silent (each the safer reading):

- Reference: the previous check, or the baseline when there is no previous check (the first
  check after the baseline is compared with the baseline).
- Incomplete results carry a lower bound ("at least N"; "not gradable" counts as 0). A rise
  is computed from lower bounds, so a rise from an incomplete previous check may be only
  possible, not certain - it is reported as a rise (over-escalating is safer). A fall is
  reported only when the new result is complete: a fall to an "at least" grade is not
  established, so the delta is None ("not comparable").
- For the CAPD, a higher score is worse; "ICE lower than previous" and "ICE below baseline"
  therefore mean "CAPD higher" for a CAPD patient. Scores from different tools (a child who
  turned 12) are never compared.
- Scores are compared as measured, whatever a physician attributed: attribution changes the
  grade, not the score the nurse obtained.
- Seizure and haemorrhage are taken as recorded, even if attributed elsewhere: both are
  emergencies on their own track (and every seizure counts towards the label's seizure limit).
- Abnormal means worse than this patient's baseline (section 10): an ICANS grade above the
  baseline's, an ICE (CAPD) score worse than the baseline's, or (the safer reading, since one
  overall grade can hide a new deficit behind an old one) any single domain graded above the
  same domain at baseline. A baseline deficit (an ICE of 9 from a language barrier) is
  therefore not abnormal by itself, and a check equal to it is back at baseline. Without a
  baseline the reference is grade 0 in every domain.
- "Back at baseline" requires a complete check that is not abnormal.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clinical.icans import IcansResult
from bot.clinical.vocabulary import Flag, Seizure, Tool


@dataclass(frozen=True, slots=True)
class Change:
    """The new check compared with the previous check (or the baseline) and the baseline.

    `grade` is the new ICANS grade (a lower bound when `incomplete`). `grade_delta` is new
    minus reference, positive for a rise; None when there is no reference or a fall cannot be
    established. `score_worse`: the ICE is lower (CAPD higher) than at the reference check,
    whatever the grades did; `bot.clinical.triggers` decides when that matters.
    """

    grade: int | None
    incomplete: bool
    has_reference: bool
    grade_delta: int | None
    score_worse: bool
    new_tremor: bool
    new_myoclonus: bool
    hemorrhage: bool
    seizure: bool
    below_baseline: bool
    abnormal: bool
    at_baseline: bool

    @property
    def known_grade(self) -> int:
        """The new grade or its lower bound, 0 when not gradable."""
        return 0 if self.grade is None else self.grade

    @property
    def rose(self) -> bool:
        return self.grade_delta is not None and self.grade_delta > 0

    @property
    def fell(self) -> bool:
        return self.grade_delta is not None and self.grade_delta < 0


def _grade_delta(reference: IcansResult | None, new: IcansResult) -> int | None:
    """New grade minus reference grade, from lower bounds; None when not comparable."""
    if reference is None:
        return None
    delta = new.known_grade - reference.known_grade
    if delta < 0 and not new.complete:
        return None
    return delta


def score_worse(new: IcansResult, reference: IcansResult | None) -> bool:
    """True when the new ICE is lower (or the new CAPD higher) than the reference's."""
    if reference is None or new.tool is not reference.tool:
        return False
    new_score, old_score = new.score(), reference.score()
    if new_score is None or old_score is None:
        return False
    if new.tool is Tool.ICE:
        return new_score < old_score
    return new_score > old_score


def _newly_flagged(flag: Flag, new: IcansResult, reference: IcansResult | None) -> bool:
    """Present now and absent in the reference; present with no reference counts as new."""
    return flag in new.flags and (reference is None or flag not in reference.flags)


def worse_than_baseline(new: IcansResult, baseline: IcansResult | None) -> bool | None:
    """Whether a check is abnormal: True, False (back at baseline) or None (not known).

    True when the grade (a lower bound for an incomplete check), any domain's grade or the
    score is worse than at the baseline (module docstring). None for an incomplete check that
    shows nothing worse: it is not evidence of being back at baseline.
    """
    base_grade = 0 if baseline is None else baseline.known_grade
    if new.known_grade > base_grade or score_worse(new, baseline):
        return True
    for domain, grade in new.domain_grades.items():
        before = None if baseline is None else baseline.domain_grades.get(domain)
        if grade is not None and grade > (before or 0):
            return True
    if not new.complete or new.icans_grade is None:
        return None
    return False


def compare(
    baseline: IcansResult | None,
    previous: IcansResult | None,
    new: IcansResult,
) -> Change:
    """Compare a new result with the previous check and the baseline (see module docstring)."""
    reference = previous if previous is not None else baseline
    below_baseline = score_worse(new, baseline)
    abnormal = worse_than_baseline(new, baseline) is True
    return Change(
        grade=new.icans_grade,
        incomplete=not new.complete,
        has_reference=reference is not None,
        grade_delta=_grade_delta(reference, new),
        score_worse=score_worse(new, reference),
        new_tremor=_newly_flagged(Flag.TREMOR, new, reference),
        new_myoclonus=_newly_flagged(Flag.MYOCLONUS, new, reference),
        hemorrhage=new.recorded_hemorrhage,
        seizure=new.recorded_seizure is not Seizure.NONE,
        below_baseline=below_baseline,
        abnormal=abnormal,
        at_baseline=new.complete and not abnormal,
    )
