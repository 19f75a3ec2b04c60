"""Readable builders for clinical test cases (not a test module itself)."""

from __future__ import annotations

from bot.clinical import (
    Assessment,
    CapdAnswer,
    CapdAnswers,
    CapdQuestion,
    Consciousness,
    Domain,
    IcansResult,
    IceAnswers,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    Seizure,
    Tool,
    grade_icans,
)
from bot.clinical.capd import REVERSED_QUESTIONS

ITEMS_IN_ORDER = list(IceItem)


def ice_scoring(score: int) -> IceAnswers:
    """ICE answers worth exactly `score` points: the first `score` items correct."""
    return IceAnswers.from_mapping(
        {
            item: ItemAnswer.CORRECT if index < score else ItemAnswer.WRONG
            for index, item in enumerate(ITEMS_IN_ORDER)
        }
    )


def ice_not_assessable(item: IceItem, *, others: ItemAnswer = ItemAnswer.CORRECT) -> IceAnswers:
    """All items answered `others` except one that could not be assessed."""
    answers = dict.fromkeys(IceItem, others)
    answers[item] = ItemAnswer.NOT_ASSESSABLE
    return IceAnswers.from_mapping(answers)


def capd_healthy() -> CapdAnswers:
    """A child with no delirium behaviour: CAPD 0."""
    return CapdAnswers(
        items=tuple(
            CapdAnswer.ALWAYS if question in REVERSED_QUESTIONS else CapdAnswer.NEVER
            for question in CapdQuestion
        )
    )


def capd_scoring(score: int) -> CapdAnswers:
    """CAPD answers worth exactly `score` points (0-32), filling questions in order."""
    points_to_forward = list(CapdAnswer)  # NEVER=0 ... ALWAYS=4 when scored forward
    items: list[CapdAnswer] = []
    remaining = score
    for question in CapdQuestion:
        points = min(4, remaining)
        remaining -= points
        if question in REVERSED_QUESTIONS:
            items.append(points_to_forward[4 - points])
        else:
            items.append(points_to_forward[points])
    assert remaining == 0
    return CapdAnswers(items=tuple(items))


def adult(
    *,
    ice: IceAnswers | None = None,
    ice_points: int = 10,
    consciousness: Consciousness = Consciousness.ALERT,
    seizure: Seizure = Seizure.NONE,
    motor: frozenset[MotorFinding] = frozenset(),
    icp: frozenset[IcpFinding] = frozenset(),
    attributed: frozenset[Domain] = frozenset(),
) -> Assessment:
    """An ICE assessment; by default alert, ICE 10, no findings."""
    return Assessment(
        tool=Tool.ICE,
        consciousness=consciousness,
        ice=ice if ice is not None else ice_scoring(ice_points),
        seizure=seizure,
        motor=motor,
        icp=icp,
        attributed_elsewhere=attributed,
    )


def child(
    *,
    capd: CapdAnswers | None = None,
    capd_points: int = 0,
    consciousness: Consciousness = Consciousness.ALERT,
    seizure: Seizure = Seizure.NONE,
    motor: frozenset[MotorFinding] = frozenset(),
    icp: frozenset[IcpFinding] = frozenset(),
    attributed: frozenset[Domain] = frozenset(),
) -> Assessment:
    """A CAPD assessment; by default alert, CAPD 0, no findings."""
    return Assessment(
        tool=Tool.CAPD,
        consciousness=consciousness,
        capd=capd if capd is not None else capd_scoring(capd_points),
        seizure=seizure,
        motor=motor,
        icp=icp,
        attributed_elsewhere=attributed,
    )


def graded(assessment: Assessment) -> IcansResult:
    return grade_icans(assessment)
