"""Laboratory tests, units and conversion (bot/clinical/README.md section 11)."""

from __future__ import annotations

import pathlib

import pytest

from bot.clinical import labs
from bot.clinical.labs import LabInputError, LabProblem, LabTest, normalise, parse_test, shown
from storage.models import LabTest as StoredLabTest
from tests.test_layers import wording


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected"),
    [
        (LabTest.IL6, "850", None, 850.0),
        (LabTest.IL6, "850", "pg/mL", 850.0),
        (LabTest.IL6, "12,5", "PG/ML", 12.5),
        (LabTest.CRP, "42", "mg/L", 42.0),
        (LabTest.CRP, "4.2", "mg/dL", 42.0),
        (LabTest.FERRITIN, "2300", "ng/mL", 2300.0),
        (LabTest.FERRITIN, "2300", "µg/L", 2300.0),
        (LabTest.FERRITIN, "2300", "ug/l", 2300.0),
        (LabTest.CRP, "0", None, 0.0),
    ],
)
def test_values_are_stored_in_the_canonical_unit(
    test: LabTest, value: str, unit: str | None, expected: float
) -> None:
    assert normalise(test, value, unit).value == expected


@pytest.mark.parametrize(
    ("test", "value", "unit", "problem", "facts"),
    [
        (
            LabTest.IL6,
            "1.2",
            "ng/mL",
            LabProblem.UNIT,
            {"test": "il6", "unit": "ng/mL", "canonical": "pg/mL", "accepted": ("pg/mL",)},
        ),
        (
            LabTest.CRP,
            "12",
            "mmol/L",
            LabProblem.UNIT,
            {"test": "crp", "unit": "mmol/L", "canonical": "mg/L", "accepted": ("mg/L", "mg/dL")},
        ),
        (LabTest.CRP, "high", None, LabProblem.NOT_A_NUMBER, {"text": "high"}),
        (LabTest.CRP, "-3", None, LabProblem.IMPLAUSIBLE, {"text": "-3", "test": "crp"}),
        (LabTest.IL6, "nan", None, LabProblem.IMPLAUSIBLE, {"text": "nan", "test": "il6"}),
        (LabTest.IL6, "5000000", None, LabProblem.IMPLAUSIBLE, {"text": "5000000", "test": "il6"}),
    ],
)
def test_other_units_and_impossible_values_are_refused_with_a_code_and_the_facts(
    test: LabTest, value: str, unit: str | None, problem: LabProblem, facts: dict[str, object]
) -> None:
    with pytest.raises(LabInputError) as refused:
        normalise(test, value, unit)
    assert (refused.value.problem, refused.value.facts) == (problem, facts)


def test_test_names_as_people_write_them() -> None:
    assert [parse_test(t) for t in ("IL-6", "il6", "IL 6", "CRP", "Ferritin")] == [
        LabTest.IL6,
        LabTest.IL6,
        LabTest.IL6,
        LabTest.CRP,
        LabTest.FERRITIN,
    ]
    with pytest.raises(LabInputError) as refused:
        parse_test(" troponin ")
    assert (refused.value.problem, refused.value.facts) == (
        LabProblem.UNKNOWN_TEST,
        {"text": "troponin"},
    )
    assert shown(LabTest.CRP, 42.0) == "CRP 42 mg/L"


def test_the_parser_words_nothing() -> None:
    """Its reasons are codes: the words are bot.telegram.words.labs', in each language."""
    assert wording(pathlib.Path(labs.__file__)) == []


def test_the_stored_test_names_are_the_clinical_ones() -> None:
    assert [t.value for t in StoredLabTest] == [t.value for t in LabTest]
