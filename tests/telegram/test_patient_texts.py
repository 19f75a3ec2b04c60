"""The patients area's words in both languages (the walk over the fake server is
tests/e2e/test_chinese_plans.py): English, the source, reads exactly as it always has; Chinese
says the same, with the typed examples and labels left as typed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.board import BoardInfo
from bot.services.errors import RefusedError
from bot.services.localtime import TimeRefusal
from bot.services.patient_refusals import PatientRefusal
from bot.services.patient_views import GradeView, PatientView
from bot.telegram import patient_board, patient_texts
from bot.telegram.i18n import CHINESE, ENGLISH
from bot.telegram.patients import ascii_commas, parse_admit
from bot.telegram.words import refusal
from storage.models import PatientStatus, WeightBand

BERLIN = ZoneInfo("Europe/Berlin")
GRADED = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def patient(
    label: str = "Bed 4 AB", *, age: int = 68, flags: tuple[str, ...] = ("TP53 mutation",)
) -> PatientView:
    return PatientView(
        id=1,
        ward_id=1,
        ward_code="H7",
        label=label,
        date_of_birth=dt.date(1958, 3, 2),
        age_years=age,
        weight_band=WeightBand.AT_LEAST_45KG,
        risk_flags=flags,
        use_capd=False,
        status=PatientStatus.ACTIVE,
        admitted_at=GRADED,
        discharged_at=None,
        last_grade=GradeView(
            tool="ice",
            ice_score=7,
            capd_score=None,
            icans_grade=1,
            complete=False,
            graded_at=GRADED,
        ),
        board=BoardInfo(
            protocol="rr",
            cycle=1,
            day=3,
            cycle_days=28,
            dose="9 mcg/day",
            next_due=DUE,
            overdue_minutes=0,
            cadence="watch",
            cadence_hours=12,
            crs_grade=1,
            temperature_c=38.4,
            crs_at=GRADED,
        ),
    )


def test_the_board_entry_in_english_reads_as_before() -> None:
    assert patient_board.patient_entry(patient(), BERLIN) == (
        "• Bed 4 AB: 68 y, 45 kg or more, ICE, HIGH RISK (age 65 or more, TP53 mutation)\n"
        "  last check 24 Nov 2026 08:00: ICE 7/10, ICANS grade 1, incomplete\n"
        "  cycle 1 (rr), day 3 of 28: 9 mcg/day\n"
        "  next check 24 Nov 13:00 (ward watch, every 12 h)\n"
        "  CRS grade 1, 38.4 °C (24 Nov 08:00)"
    )


def test_the_board_entry_in_chinese() -> None:
    assert patient_board.patient_entry(patient("床5"), BERLIN, CHINESE) == (
        "• 床5：68 岁，45 kg 或以上，ICE，高危（年龄 65 岁或以上，TP53 mutation）\n"
        "  上次评估 2026年11月24日 08:00：ICE 7/10，ICANS 1 级，不完整\n"
        "  第 1 周期（rr），第 3/28 天：9 mcg/day\n"
        "  下次评估 11月24日 13:00（病房观察，每 12 小时）\n"
        "  CRS 1 级，38.4 °C（11月24日 08:00）"
    )


def test_an_overdue_check_on_hold_and_the_ward_heading() -> None:
    view = patient(age=40, flags=())
    held = BoardInfo(protocol="mrd", cycle=2, day=None, held=True, next_due=DUE, overdue_minutes=25)
    blocks = patient_board.patient_blocks([view], BERLIN, CHINESE)
    assert blocks[0] == "H7 病区：1 位在院患者"
    assert "非高危" in blocks[1]
    assert patient_board.board_lines(held, BERLIN, CHINESE) == [
        "第 2 周期（mrd），未开始：输注暂停中",
        "已超时：评估 11月24日 13:00 到期（25 分钟）",
    ]
    assert patient_board.board_lines(held, BERLIN) == [
        "cycle 2 (mrd), not started: ON HOLD",
        "OVERDUE: check due 24 Nov 13:00 (25 min)",
    ]


def test_admitted_in_both_languages() -> None:
    english = patient_board.admitted_text(patient())
    assert english == (
        "Admitted Bed 4 AB to ward H7.\nAge 68, weight 45 kg or more.\n"
        "Risk flags: TP53 mutation.\nRisk: HIGH RISK (age 65 or more, TP53 mutation).\n"
        "Screening tool: ICE.\n\nNext: the baseline neuro check, before the first dose."
    )
    chinese = patient_board.admitted_text(patient("床5", age=30, flags=()), CHINESE)
    assert chinese.startswith(
        "已将 床5 收入 H7 病区。\n年龄 30 岁，体重 45 kg 或以上。\n风险标记：无。"
    )
    assert chinese.endswith("下一步：首剂前的基线神经评估。")


def test_usage_keeps_the_typed_example_in_every_language() -> None:
    example = "/admit Bed 4 AB, 1958-03-02, 45+, TP53 mutation"
    assert patient_texts.admit_usage().startswith("To admit a patient, send:\n/admit <label>")
    assert f"Example: {example}\n" in patient_texts.admit_usage()
    chinese = patient_texts.admit_usage(CHINESE)
    assert chinese.startswith("收治患者，请发送：\n/admit <标签>, <出生日期>, <体重分组>")
    assert f"示例：{example}\n" in chinese and "'use CAPD' 或 'developmental delay'" in chinese
    assert patient_texts.admit_refused("出生日期 2030-01-01 在未来。", CHINESE) == (
        f"出生日期 2030-01-01 在未来。\n\n未保存任何内容。示例：{example}"
    )


def test_discharge_words_in_both_languages() -> None:
    at = patient_texts.local_time(GRADED, BERLIN, CHINESE)
    assert at == "2026年11月24日 08:00"
    assert patient_texts.discharged("床5", "H7", at, alert_open=True, language=CHINESE) == (
        "床5 已于 2026年11月24日 08:00 从 H7 病区出院。\n\n"
        "床5 仍有未处理的警报：将持续呼叫值班医生，直到有人确认。"
    )
    assert patient_texts.discharged("Bed 4", "H7", "24 Nov 2026 08:00") == (
        "Bed 4 was discharged from ward H7 at 24 Nov 2026 08:00."
    )
    assert patient_texts.discharge_confirm("床5", "H7", CHINESE) == (
        "为 床5 办理 H7 病区出院？对该患者的监测将结束。"
    )
    assert patient_texts.check_cancelled_by_discharge("床5", CHINESE) == (
        "床5 的评估已取消：患者已出院。未记录任何内容。"
    )
    assert patient_texts.no_patients(("H7", "H8")) == "No active patients on ward H7, H8."
    assert patient_texts.no_patients(("H7", "H8"), CHINESE) == "H7，H8 病区没有在院患者。"


@pytest.mark.parametrize(
    ("code", "facts", "english", "chinese"),
    [
        (
            PatientRefusal.UNKNOWN,
            {},
            "No such patient on your wards. /patients lists them.",
            "您的病区没有该患者。/patients 列出您的患者。",
        ),
        (
            PatientRefusal.AMBIGUOUS,
            {"label": "床5", "wards": ("H7", "H8"), "command": "plan"},
            "床5 is on wards H7 and H8: put the ward code first, e.g. /plan H7, 床5",
            "H7 和 H8 病区都有 床5：请先写病区代码，例如 /plan H7, 床5",
        ),
        (
            PatientRefusal.DATE_FUTURE,
            {"dob": dt.date(2030, 1, 1)},
            "The date of birth 2030-01-01 is in the future.",
            "出生日期 2030-01-01 在未来。",
        ),
        (
            PatientRefusal.WEIGHT_BAND,
            {"text": "50kg"},
            "'50kg' is not a weight band: write 45+ or <45.",
            "'50kg' 不是体重分组：请写 45+ 或 <45。",
        ),
        (
            PatientRefusal.NOT_ALLOWED,
            {"action": "admit"},
            "Your role may not admit patients.",
            "您的角色不能收治患者。",
        ),
        (
            TimeRefusal.WRONG_OFFSET,
            {
                "shown": "2026-10-25 02:30",
                "zone": "Europe/Berlin",
                "real": ("+01:00", "+02:00"),
                "given": "+05:00",
            },
            "At 2026-10-25 02:30 Europe/Berlin is at UTC+01:00 or +02:00, not +05:00: check the "
            "time, or leave the offset out.",
            "2026-10-25 02:30 时 Europe/Berlin 时区为 UTC+01:00 或 +02:00，"
            "而不是 +05:00：请核对时间，或不写时差。",
        ),
        (
            TimeRefusal.NOT_A_TIME,
            {"value": "tomorrow 9"},
            "'tomorrow 9' is not a time: write YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (hospital "
            "time), or now.",
            "'tomorrow 9' 不是时间：请写作 YYYY-MM-DD HH:MM 或 DD.MM.YYYY HH:MM"
            "（医院当地时间），或 now。",
        ),
    ],
)
def test_refusals_in_both_languages(
    code: PatientRefusal | TimeRefusal, facts: dict[str, object], english: str, chinese: str
) -> None:
    refused = RefusedError(code, **facts)
    assert refusal(refused) == english
    assert refusal(refused, ENGLISH) == english
    assert refusal(refused, CHINESE) == chinese


def test_a_chinese_keyboards_commas_separate_fields() -> None:
    request = parse_admit("H7，床5，1958-03-02，45+，TP53 突变")
    assert request is not None
    assert (request.ward_code, request.label, request.weight_band) == ("H7", "床5", "45+")
    assert request.risk_flags == ("TP53 突变",)
    assert ascii_commas("H7，床5") == "H7,床5"
