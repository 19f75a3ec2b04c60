"""ICE score and ICE-domain bands (bot/clinical/README.md section 1)."""

from __future__ import annotations

import pytest

from bot.clinical import IceAnswers, IceItem, ItemAnswer, ice_domain_grade, ice_score
from tests.clinical.builders import ice_not_assessable, ice_scoring


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        pytest.param(10, 0, id="ICE 10 (no impairment) -> grade 0"),
        pytest.param(9, 1, id="ICE 9 -> grade 1"),
        pytest.param(8, 1, id="ICE 8 -> grade 1"),
        pytest.param(7, 1, id="ICE 7 -> grade 1"),
        pytest.param(6, 2, id="ICE 6 -> grade 2"),
        pytest.param(5, 2, id="ICE 5 -> grade 2"),
        pytest.param(4, 2, id="ICE 4 -> grade 2"),
        pytest.param(3, 2, id="ICE 3 -> grade 2"),
        pytest.param(2, 3, id="ICE 2 -> grade 3"),
        pytest.param(1, 3, id="ICE 1 -> grade 3"),
        pytest.param(0, 3, id="ICE 0 in an awake patient -> grade 3, never 4"),
    ],
)
def test_ice_band(score: int, grade: int) -> None:
    assert ice_domain_grade(score) == grade


@pytest.mark.parametrize("score", [-1, 11])
def test_ice_band_rejects_impossible_scores(score: int) -> None:
    with pytest.raises(ValueError, match="ICE score"):
        ice_domain_grade(score)


@pytest.mark.parametrize("points", range(11))
def test_each_correct_item_is_one_point(points: int) -> None:
    assert ice_score(ice_scoring(points)) == points


@pytest.mark.parametrize(
    "wrong_item", [pytest.param(item, id=f"only {item} wrong -> 9") for item in IceItem]
)
def test_every_item_is_worth_exactly_one_point(wrong_item: IceItem) -> None:
    answers = dict.fromkeys(IceItem, ItemAnswer.CORRECT)
    answers[wrong_item] = ItemAnswer.WRONG
    assert ice_score(IceAnswers.from_mapping(answers)) == 9


@pytest.mark.parametrize(
    "item",
    [pytest.param(item, id=f"{item} not assessable -> no ICE score") for item in IceItem],
)
def test_a_not_assessable_item_never_scores(item: IceItem) -> None:
    # Not 9 (counted wrong would invent a deficit), not 10 (counted right would hide one).
    assert ice_score(ice_not_assessable(item)) is None
    assert ice_score(ice_not_assessable(item, others=ItemAnswer.WRONG)) is None


def test_naming_needs_exactly_three_answers() -> None:
    with pytest.raises(ValueError, match="naming"):
        IceAnswers(
            year=ItemAnswer.CORRECT,
            month=ItemAnswer.CORRECT,
            city=ItemAnswer.CORRECT,
            hospital=ItemAnswer.CORRECT,
            naming=(ItemAnswer.CORRECT,) * 4,  # type: ignore[arg-type]
            command=ItemAnswer.CORRECT,
            writing=ItemAnswer.CORRECT,
            attention=ItemAnswer.CORRECT,
        )


def test_answers_must_be_vocabulary_values() -> None:
    with pytest.raises(TypeError):
        IceAnswers.from_mapping(dict.fromkeys(IceItem, "correct"))  # type: ignore[arg-type]


def test_missing_item_is_rejected() -> None:
    answers = dict.fromkeys(IceItem, ItemAnswer.CORRECT)
    del answers[IceItem.ATTENTION]
    with pytest.raises(ValueError, match="attention"):
        IceAnswers.from_mapping(answers)


def test_mapping_round_trip_keeps_item_names() -> None:
    answers = ice_scoring(4)
    assert IceAnswers.from_mapping(answers.as_mapping()) == answers
    assert list(answers.as_mapping()) == list(IceItem)
