"""CAPD scoring (questions 1-4 reversed) and CAPD-domain bands (clinical reference section 3)."""

from __future__ import annotations

import pytest

from bot.clinical import (
    CapdAnswer,
    CapdAnswers,
    CapdQuestion,
    capd_domain_grade,
    capd_points,
    capd_score,
)
from tests.clinical.builders import capd_healthy, capd_scoring

ANSWER_POINTS_FORWARD = [
    (CapdAnswer.NEVER, 0),
    (CapdAnswer.RARELY, 1),
    (CapdAnswer.SOMETIMES, 2),
    (CapdAnswer.OFTEN, 3),
    (CapdAnswer.ALWAYS, 4),
]
REVERSED = [
    CapdQuestion.EYE_CONTACT,
    CapdQuestion.PURPOSEFUL_ACTIONS,
    CapdQuestion.AWARE_OF_SURROUNDINGS,
    CapdQuestion.COMMUNICATES_NEEDS,
]
FORWARD = [
    CapdQuestion.RESTLESS,
    CapdQuestion.INCONSOLABLE,
    CapdQuestion.UNDERACTIVE,
    CapdQuestion.SLOW_TO_RESPOND,
]


@pytest.mark.parametrize(
    ("question", "answer", "points"),
    [
        pytest.param(q, a, 4 - p, id=f"Q{REVERSED.index(q) + 1} {q}: {a} = {4 - p} (reversed)")
        for q in REVERSED
        for a, p in ANSWER_POINTS_FORWARD
    ]
    + [
        pytest.param(q, a, p, id=f"Q{FORWARD.index(q) + 5} {q}: {a} = {p}")
        for q in FORWARD
        for a, p in ANSWER_POINTS_FORWARD
    ],
)
def test_points_per_answer(question: CapdQuestion, answer: CapdAnswer, points: int) -> None:
    assert capd_points(question, answer) == points


def test_questions_are_in_published_order() -> None:
    assert list(CapdQuestion) == REVERSED + FORWARD


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        pytest.param(0, 0, id="CAPD 0 -> grade 0"),
        pytest.param(1, 1, id="CAPD 1 -> grade 1"),
        pytest.param(8, 1, id="CAPD 8 -> grade 1"),
        pytest.param(9, 3, id="CAPD 9 -> grade 3 (there is no CAPD grade 2)"),
        pytest.param(32, 3, id="CAPD 32 (maximum) -> grade 3"),
    ],
)
def test_capd_band(score: int, grade: int) -> None:
    assert capd_domain_grade(score) == grade
    assert capd_score(capd_scoring(score)) == score


@pytest.mark.parametrize("score", [-1, 33])
def test_capd_band_rejects_impossible_scores(score: int) -> None:
    with pytest.raises(ValueError, match="CAPD score"):
        capd_domain_grade(score)


def test_healthy_child_scores_zero() -> None:
    # "Always" makes eye contact etc. is healthy; scored forward it would read as 16.
    assert capd_score(capd_healthy()) == 0


def test_all_never_scores_sixteen_from_the_reversed_questions() -> None:
    assert capd_score(CapdAnswers(items=(CapdAnswer.NEVER,) * 8)) == 16


def test_all_always_scores_sixteen_from_the_forward_questions() -> None:
    assert capd_score(CapdAnswers(items=(CapdAnswer.ALWAYS,) * 8)) == 16


def test_worst_child_scores_thirty_two() -> None:
    items = (CapdAnswer.NEVER,) * 4 + (CapdAnswer.ALWAYS,) * 4
    assert capd_score(CapdAnswers(items=items)) == 32


def test_not_assessable_has_no_score() -> None:
    assert capd_score(CapdAnswers.not_assessable()) is None


@pytest.mark.parametrize("count", [0, 7, 9])
def test_capd_needs_exactly_eight_answers(count: int) -> None:
    with pytest.raises(ValueError, match="8"):
        CapdAnswers(items=(CapdAnswer.NEVER,) * count)
