"""CAPD (Cornell Assessment of Pediatric Delirium), children under 12.

Eight questions answered Never..Always over the shift. Questions 1-4 ask about healthy
behaviour (eye contact, purposeful actions, awareness, communication), so their absence is
the deficit: they are scored in reverse. Questions 5-8 ask about delirium behaviour and are
scored forward. Higher is worse, the opposite of the ICE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.clinical.vocabulary import CapdAnswer, CapdQuestion

CAPD_QUESTIONS: Final = 8
CAPD_MAX_SCORE: Final = 32
REVERSED_QUESTIONS: Final = frozenset(
    {
        CapdQuestion.EYE_CONTACT,
        CapdQuestion.PURPOSEFUL_ACTIONS,
        CapdQuestion.AWARE_OF_SURROUNDINGS,
        CapdQuestion.COMMUNICATES_NEEDS,
    }
)

_FORWARD_POINTS: Final = {
    CapdAnswer.NEVER: 0,
    CapdAnswer.RARELY: 1,
    CapdAnswer.SOMETIMES: 2,
    CapdAnswer.OFTEN: 3,
    CapdAnswer.ALWAYS: 4,
}


@dataclass(frozen=True, slots=True)
class CapdAnswers:
    """The eight answers in question order, or `items=None` when the CAPD was not assessable.

    Not assessable is a property of the CAPD as a whole (bot/clinical/README.md section 4): the
    questions describe the shift, so there is no per-question "not assessable".
    """

    items: tuple[CapdAnswer, ...] | None

    def __post_init__(self) -> None:
        if self.items is None:
            return
        if len(self.items) != CAPD_QUESTIONS:
            raise ValueError(f"CAPD needs exactly {CAPD_QUESTIONS} answers")
        for answer in self.items:
            if not isinstance(answer, CapdAnswer):
                raise TypeError(f"expected a CapdAnswer, got {answer!r}")

    @classmethod
    def not_assessable(cls) -> CapdAnswers:
        """The CAPD could not be done (for a reason other than the child being unarousable)."""
        return cls(items=None)

    def by_question(self) -> dict[CapdQuestion, CapdAnswer] | None:
        """Answers keyed by question, or None when not assessable."""
        if self.items is None:
            return None
        return dict(zip(CapdQuestion, self.items, strict=True))


def capd_points(question: CapdQuestion, answer: CapdAnswer) -> int:
    """Points for one answer: Never=4..Always=0 for questions 1-4, Never=0..Always=4 after."""
    points = _FORWARD_POINTS[answer]
    return 4 - points if question in REVERSED_QUESTIONS else points


def capd_score(answers: CapdAnswers) -> int | None:
    """Total 0-32, or None when the CAPD was not assessable."""
    by_question = answers.by_question()
    if by_question is None:
        return None
    return sum(capd_points(question, answer) for question, answer in by_question.items())


def capd_domain_grade(score: int) -> int:
    """ICANS grade of the CAPD domain for a child who is not unarousable.

    0 -> 0; 1-8 -> 1; 9 or more -> 3 (there is no CAPD grade 2). Grade 4 (unarousable) is
    decided by the caller, as for the ICE.
    """
    if not 0 <= score <= CAPD_MAX_SCORE:
        raise ValueError(f"CAPD score must be 0-{CAPD_MAX_SCORE}, got {score}")
    if score == 0:
        return 0
    if score <= 8:
        return 1
    return 3
