"""The infusion plan's words in both languages (the walk over the fake server is
tests/e2e/test_chinese_plans.py): the plan view, its buttons, confirmations and refusals.
English, the source, reads exactly as it always has; Chinese keeps the typed syntax."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.errors import RefusedError
from bot.services.patient_refusals import PlanRefusal
from bot.services.plan_views import PlanEventView, PlanView
from bot.services.staff import StaffView
from bot.telegram import plan_texts
from bot.telegram.i18n import CHINESE, ENGLISH
from bot.telegram.plans import parse_plan, plan_keyboard
from bot.telegram.words import refusal
from storage.models import InfusionEventKind, PlanStatus, Role

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
HOLD = dt.datetime(2026, 11, 24, 11, 5, tzinfo=dt.UTC)


def held_plan(label: str = "Bed 4") -> PlanView:
    return PlanView(
        id=3,
        patient_id=1,
        patient_label=label,
        ward_code="H7",
        protocol="rr",
        cycle_number=1,
        starts_at=START,
        status=PlanStatus.HELD,
        cycle_day=1,
        events=(
            PlanEventView(InfusionEventKind.START, START, None, "Nurse Li"),
            PlanEventView(InfusionEventKind.HOLD, HOLD, "crs", None),
        ),
        next_kinds=(InfusionEventKind.RESTART, InfusionEventKind.STOP, InfusionEventKind.END_CYCLE),
        next_check_at=dt.datetime(2026, 11, 24, 15, 0, tzinfo=dt.UTC),
        cadence="routine",
        cadence_hours=4,
    )


def nurse(language: str | None) -> StaffView:
    return StaffView(1, 501, "Nurse Li", Role.NURSE, (1,), language)


def test_the_plan_in_english_reads_as_before() -> None:
    assert plan_texts.plan_text(held_plan(), BERLIN) == (
        "Bed 4, ward H7: infusion plan\n"
        "Protocol: relapsed/refractory (rr), cycle 1\n"
        "Start: 24 Nov 2026 09:00\n"
        "Cycle day: 1\n"
        "Status: held since 24 Nov 2026 12:05\n"
        "Next check: 24 Nov 2026 16:00 (intensive, every 4 h)\n"
        "\n"
        "Events:\n"
        "• 24 Nov 2026 09:00 start · Nurse Li\n"
        "• 24 Nov 2026 12:05 hold (CRS) · server"
    )


def test_the_plan_in_chinese() -> None:
    assert plan_texts.plan_text(held_plan("床5"), BERLIN, CHINESE) == (
        "床5，H7 病区：输注计划\n"
        "方案：复发/难治（rr），第 1 周期\n"
        "开始：2026年11月24日 09:00\n"
        "周期第 1 天\n"
        "状态：自 2026年11月24日 12:05 起暂停\n"
        "下次评估：2026年11月24日 16:00（强化监测，每 4 小时）\n"
        "\n"
        "事件：\n"
        "• 2026年11月24日 09:00 开始输注 · Nurse Li\n"
        "• 2026年11月24日 12:05 暂停输注（CRS） · 服务器"
    )


def test_buttons_in_the_readers_language() -> None:
    chinese = plan_keyboard(held_plan(), nurse(CHINESE))
    english = plan_keyboard(held_plan(), nurse(None))
    assert chinese is not None and english is not None
    assert [[b.text for b in row] for row in chinese.inline_keyboard] == [
        ["立即重新开始输注", "停止输注"],
        ["结束本周期"],
    ]
    assert [[b.text for b in row] for row in english.inline_keyboard] == [
        ["Restart now", "Stop infusion"],
        ["End cycle"],
    ]
    assert [b.callback_data for row in chinese.inline_keyboard for b in row] == [
        b.callback_data for row in english.inline_keyboard for b in row
    ]


def test_confirmations_and_the_record() -> None:
    assert plan_texts.plan_confirm("hold", "床5", 1, "神经毒性", CHINESE) == (
        "现在暂停 床5 的输注？原因：神经毒性。"
    )
    assert plan_texts.plan_confirm("stop", "Bed 4", 1) == (
        "Stop the infusion of Bed 4 for good (discontinue) now? The plan ends."
    )
    assert plan_texts.plan_confirm("stop", "床5", 1, language=CHINESE) == (
        "现在永久停止 床5 的输注（永久停药）？计划随之结束。"
    )
    what = plan_texts.event_line(InfusionEventKind.HOLD, "CRS", CHINESE)
    assert plan_texts.plan_recorded("床5", "11月24日 12:05", what, "held", CHINESE) == (
        "已为 床5 记录（11月24日 12:05）：暂停输注（CRS）。\n"
        "输注当前状态：已暂停。\n"
        "暂停输注期间神经评估照常进行。\n"
        "/plan 床5 查看计划。"
    )
    ended = plan_texts.cycle_ended(1, "rr", "completed")
    assert plan_texts.plan_created(False, ended) == "Plan created. Cycle 1 (rr) is now completed."
    ended = plan_texts.cycle_ended(1, "rr", "completed", CHINESE)
    assert plan_texts.plan_created(False, ended, CHINESE) == (
        "计划已创建。第 1 周期（rr）当前状态：已完成。"
    )


def test_usage_keeps_the_typed_syntax() -> None:
    english = plan_texts.plan_usage()
    assert english.startswith("To see a patient's infusion plan: /plan <label>, e.g. /plan Bed 4")
    assert "Example: /plan Bed 4 new rr 1 2026-11-24 09:00\n" in english
    chinese = plan_texts.plan_usage(CHINESE)
    assert chinese.startswith("查看患者的输注计划：/plan <标签>，例如 /plan Bed 4\n")
    assert "示例：/plan Bed 4 new rr 1 2026-11-24 09:00\n" in chinese
    assert "rr（复发/难治）或 mrd（MRD 阳性/巩固治疗）" in chinese
    assert plan_texts.no_plan("床5", "H7", CHINESE) == (
        "床5（H7 病区）尚无输注计划。用 /plan 床5 new rr|mrd <周期> <开始时间> 创建，"
        "例如 /plan 床5 new rr 1 now"
    )


LAST = dt.datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("code", "facts", "english", "chinese"),
    [
        (
            PlanRefusal.NOT_NOW,
            {
                "label": "床5",
                "at": LAST,
                "status": "held",
                "kind": "step_up",
                "possible": ("restart", "stop", "end_cycle"),
            },
            "The infusion of 床5 is held: step up cannot be recorded now (possible: restart, "
            "stop, end cycle).",
            "床5 的输注状态为已暂停：现在不能记录剂量递增（可记录：重新开始输注，停止输注，"
            "结束本周期）。",
        ),
        (
            PlanRefusal.NEW_CYCLE_NEEDED,
            {
                "label": "床5",
                "protocol": "rr",
                "next_cycle": 2,
                "held_since": LAST,
                "held_days": 8,
            },
            "The infusion of 床5 was held since 24 Nov 2026 08:00 (8 days). An interruption of "
            "more than 7 days starts a new cycle, so no restart was recorded. Start cycle 2 "
            "instead: /plan 床5 new rr 2 <start time>",
            "床5 的输注自 2026年11月24日 08:00 起暂停（8 天）。中断超过 7 天即开始新周期，"
            "因此未记录重新开始输注。请改为开始第 2 周期：/plan 床5 new rr 2 <开始时间>",
        ),
        (
            PlanRefusal.PROTOCOL,
            {"text": "xx", "protocols": ("mrd", "rr")},
            "'xx' is not a protocol: use mrd or rr.",
            "'xx' 不是方案：请用 mrd 或 rr。",
        ),
        (
            PlanRefusal.START_RANGE,
            {"start": LAST, "days": 90, "ahead": True},
            "The start 24 Nov 2026 08:00 is more than 90 days ahead.",
            "开始时间 2026年11月24日 08:00 晚于 90 天后。",
        ),
    ],
)
def test_refusals_in_both_languages(
    code: PlanRefusal, facts: dict[str, object], english: str, chinese: str
) -> None:
    refused = RefusedError(code, **facts)
    assert refusal(refused, ENGLISH) == english
    assert refusal(refused, CHINESE) == chinese


def test_a_chinese_keyboards_comma_after_the_ward() -> None:
    assert parse_plan("H7，床5 new rr 1 now") == parse_plan("H7, 床5 new rr 1 now")
    request = parse_plan("H7，床5")
    assert request is not None and (request.ward_code, request.label) == ("H7", "床5")
