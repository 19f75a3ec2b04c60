"""Laboratory tests, units and conversion (bot/clinical/README.md section 11)."""

from __future__ import annotations

import pytest

from bot.clinical.labs import LabInputError, LabTest, normalise, parse_test, shown
from storage.models import LabTest as StoredLabTest


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
    ("test", "value", "unit", "reason"),
    [
        (LabTest.IL6, "1.2", "ng/mL", "IL-6 in 'ng/mL' is not accepted: give it in pg/mL"),
        (LabTest.CRP, "12", "mmol/L", "CRP in 'mmol/L' is not accepted: give it in mg/L"),
        (LabTest.FERRITIN, "300", "pmol/L", "not accepted: give it in ng/mL"),
        (LabTest.CRP, "high", None, "'high' is not a number"),
        (LabTest.CRP, "-3", None, "not a plausible CRP value"),
        (LabTest.IL6, "nan", None, "not a plausible IL-6 value"),
        (LabTest.IL6, "5000000", None, "not a plausible IL-6 value"),
    ],
)
def test_other_units_and_impossible_values_are_refused_with_the_reason(
    test: LabTest, value: str, unit: str | None, reason: str
) -> None:
    with pytest.raises(LabInputError, match=None) as refused:
        normalise(test, value, unit)
    assert reason in str(refused.value)


def test_test_names_as_people_write_them() -> None:
    assert [parse_test(t) for t in ("IL-6", "il6", "IL 6", "CRP", "Ferritin")] == [
        LabTest.IL6,
        LabTest.IL6,
        LabTest.IL6,
        LabTest.CRP,
        LabTest.FERRITIN,
    ]
    with pytest.raises(LabInputError, match="unknown test 'troponin'"):
        parse_test("troponin")
    assert shown(LabTest.CRP, 42.0) == "CRP 42 mg/L"


def test_the_stored_test_names_are_the_clinical_ones() -> None:
    assert [t.value for t in StoredLabTest] == [t.value for t in LabTest]
