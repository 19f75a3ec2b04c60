"""ICE score (Immune effector Cell-associated Encephalopathy), patients aged 12 and over.

Ten one-point items. The nurse judges each answer; this module only counts. An item that
could not be assessed makes the score unknown: counting it as wrong would invent a deficit
and counting it as correct would hide one (bot/clinical/README.md section 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from bot.clinical.vocabulary import IceItem, ItemAnswer

ICE_MAX_SCORE: Final = 10
NAMING_ITEMS: Final = 3


@dataclass(frozen=True, slots=True)
class IceAnswers:
    """The nurse's judgement of each ICE item.

    `naming` holds the three objects in the order shown. `command` is one point for the task
    as a whole, not one per command given.
    """

    year: ItemAnswer
    month: ItemAnswer
    city: ItemAnswer
    hospital: ItemAnswer
    naming: tuple[ItemAnswer, ItemAnswer, ItemAnswer]
    command: ItemAnswer
    writing: ItemAnswer
    attention: ItemAnswer

    def __post_init__(self) -> None:
        # The type says three, but tuples built at run time (from storage, say) are not
        # checked by mypy; a fourth naming answer would silently allow a score of 11.
        if len(self.naming) != NAMING_ITEMS:
            raise ValueError(f"naming needs exactly {NAMING_ITEMS} answers")
        for item, answer in self.as_mapping().items():
            if not isinstance(answer, ItemAnswer):
                raise TypeError(f"{item}: expected an ItemAnswer, got {answer!r}")

    @classmethod
    def from_mapping(cls, answers: Mapping[IceItem, ItemAnswer]) -> IceAnswers:
        """Build from one answer per `IceItem`, the shape the conversation collects."""
        missing = [item for item in IceItem if item not in answers]
        if missing:
            raise ValueError(f"missing ICE items: {', '.join(missing)}")
        return cls(
            year=answers[IceItem.YEAR],
            month=answers[IceItem.MONTH],
            city=answers[IceItem.CITY],
            hospital=answers[IceItem.HOSPITAL],
            naming=(
                answers[IceItem.NAMING_1],
                answers[IceItem.NAMING_2],
                answers[IceItem.NAMING_3],
            ),
            command=answers[IceItem.COMMAND],
            writing=answers[IceItem.WRITING],
            attention=answers[IceItem.ATTENTION],
        )

    @classmethod
    def uniform(cls, answer: ItemAnswer) -> IceAnswers:
        """Every item given the same answer (a convenience for tests and baselines)."""
        return cls.from_mapping(dict.fromkeys(IceItem, answer))

    def as_mapping(self) -> dict[IceItem, ItemAnswer]:
        """One answer per `IceItem`, in the order asked (the shape storage keeps)."""
        return {
            IceItem.YEAR: self.year,
            IceItem.MONTH: self.month,
            IceItem.CITY: self.city,
            IceItem.HOSPITAL: self.hospital,
            IceItem.NAMING_1: self.naming[0],
            IceItem.NAMING_2: self.naming[1],
            IceItem.NAMING_3: self.naming[2],
            IceItem.COMMAND: self.command,
            IceItem.WRITING: self.writing,
            IceItem.ATTENTION: self.attention,
        }

    @property
    def fully_assessed(self) -> bool:
        """True when no item was answered "not assessable"."""
        return ItemAnswer.NOT_ASSESSABLE not in self.as_mapping().values()


def ice_score(answers: IceAnswers) -> int | None:
    """Points scored, 0-10; None when any item could not be assessed.

    None rather than a partial count, because a partial count would read as a real ICE.
    """
    if not answers.fully_assessed:
        return None
    return sum(answer is ItemAnswer.CORRECT for answer in answers.as_mapping().values())


def ice_domain_grade(score: int) -> int:
    """ICANS grade of the ICE domain for an AWAKE patient.

    An ICE of 0 here is grade 3, not 4: grade 4 is reserved for a patient who is unarousable
    and so could not do the ICE at all, which the caller decides (see `bot.clinical.icans`).
    """
    if not 0 <= score <= ICE_MAX_SCORE:
        raise ValueError(f"ICE score must be 0-{ICE_MAX_SCORE}, got {score}")
    if score == ICE_MAX_SCORE:
        return 0
    if score >= 7:
        return 1
    if score >= 3:
        return 2
    return 3
