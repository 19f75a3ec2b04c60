"""Laboratory values in each reader's language (issue 17): the refusals of a value (codes from
the parser, worded here), the lab lines of /labs and of an alert, the tests named in Chinese
and typed in either language. English, the source and the command line's, word for word."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.clinical.labs import LabInputError, LabTest, normalise, parse_test
from bot.services.errors import RefusedError
from bot.services.lab_refusals import LabRefusal, refused
from bot.services.labs import LabPoint
from bot.services.labs_csv import LabFileRefusal
from bot.telegram import words
from bot.telegram.i18n import CHINESE, ENGLISH
from bot.telegram.labs import as_typed, labs_lines, typed_test, when
from bot.telegram.words.labs import lab_name, shown

ZONE = ZoneInfo("Asia/Shanghai")
SAMPLED = dt.datetime(2026, 11, 23, 22, 30, tzinfo=dt.UTC)  # 24 Nov 06:30 in Shanghai


def said(test: LabTest, value: str, unit: str | None, language: str) -> str:
    """The parser's refusal as the chat (or, in English, the command line) says it."""
    with pytest.raises(LabInputError) as error:
        normalise(test, value, unit)
    return words.refusal(refused(error.value), language)


@pytest.mark.parametrize(
    ("test", "value", "unit", "english", "chinese"),
    [
        (
            LabTest.IL6,
            "1.2",
            "ng/mL",
            "IL-6 in 'ng/mL' is not accepted: give it in pg/mL (accepted units: pg/mL)",
            "白介素-6 不接受单位 'ng/mL'：请以 pg/mL 填写（可用单位：pg/mL）",
        ),
        (
            LabTest.CRP,
            "12",
            "mmol/L",
            "CRP in 'mmol/L' is not accepted: give it in mg/L (accepted units: mg/L, mg/dL)",
            "C反应蛋白 不接受单位 'mmol/L'：请以 mg/L 填写（可用单位：mg/L，mg/dL）",
        ),
        (LabTest.CRP, "high", None, "'high' is not a number", "'high' 不是数字"),
        (
            LabTest.FERRITIN,
            "-3",
            None,
            "'-3' is not a plausible ferritin value",
            "'-3' 不是合理的铁蛋白数值",
        ),
    ],
)
def test_a_refused_value_in_each_language(
    test: LabTest, value: str, unit: str | None, english: str, chinese: str
) -> None:
    assert said(test, value, unit, ENGLISH) == english
    assert said(test, value, unit, CHINESE) == chinese


def test_an_unknown_test_and_an_empty_value() -> None:
    with pytest.raises(LabInputError) as error:
        parse_test("troponin")
    assert words.refusal(refused(error.value)) == "unknown test 'troponin': IL-6, CRP or ferritin"
    assert words.refusal(RefusedError(LabRefusal.NO_VALUE)) == "type the value, e.g. 850"
    assert words.refusal(RefusedError(LabRefusal.NO_VALUE), CHINESE) == "请输入数值，例如 850"


def test_a_sample_time_in_the_future_names_its_cause_in_the_language() -> None:
    future = RefusedError(LabFileRefusal.FUTURE, text="2026-11-25 06:30")
    refusal = RefusedError(LabRefusal.SAMPLED_AT, cause=future)
    assert words.refusal(refusal) == "sampled_at: '2026-11-25 06:30' is in the future"
    assert words.refusal(refusal, CHINESE) == "采样时间：'2026-11-25 06:30' 晚于当前时间"


def test_the_lab_lines_in_each_language() -> None:
    points = (
        LabPoint(LabTest.IL6, 850.0, SAMPLED),
        LabPoint(LabTest.CRP, 42.0, SAMPLED),
        LabPoint(LabTest.FERRITIN, 2300.0, SAMPLED),
    )
    assert labs_lines(points, ZONE) == [
        "Labs: IL-6 850 pg/mL (24 Nov 06:30) · CRP 42 mg/L (24 Nov 06:30) · "
        "ferritin 2300 ng/mL (24 Nov 06:30)"
    ]
    assert labs_lines(points, ZONE, CHINESE) == [
        "检验：白介素-6 850 pg/mL（11月24日 06:30） · C反应蛋白 42 mg/L（11月24日 06:30） · "
        "铁蛋白 2300 ng/mL（11月24日 06:30）"
    ]
    assert labs_lines((), ZONE, CHINESE) == []
    assert when(SAMPLED, ZONE) == "24 Nov 06:30"


def test_the_tests_named_and_typed_in_either_language() -> None:
    assert [lab_name(t, CHINESE) for t in LabTest] == ["白介素-6", "C反应蛋白", "铁蛋白"]
    assert [lab_name(t) for t in LabTest] == ["IL-6", "CRP", "ferritin"]
    assert shown(LabTest.CRP, 42.0, CHINESE) == "C反应蛋白 42 mg/L"  # the unit as typed
    typed = ("铁蛋白", "c反应蛋白", "白介素-6", "IL-6", "ｃｒｐ")
    assert [typed_test(word) for word in typed] == [
        LabTest.FERRITIN,
        LabTest.CRP,
        LabTest.IL6,
        LabTest.IL6,
        LabTest.CRP,
    ]
    with pytest.raises(LabInputError):
        typed_test("肌钙蛋白")


def test_a_chinese_keyboards_full_width_digits_read_as_typed_otherwise() -> None:
    assert as_typed("８５０　０６：３０") == "850 06:30"
    assert as_typed("4.2 µg/L") == "4.2 µg/L"  # the micro sign stays as typed
