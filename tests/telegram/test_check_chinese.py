"""The check's words in Simplified Chinese, step by step (the walk over the fake server is
tests/e2e/test_chinese.py): the questions tell the nurse what to ask, every button is
translated, and English, the source, reads as it always has."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.clinical import Tool, check_flow
from bot.services.check_results import CheckNotice, CheckView, Notice
from bot.telegram import abandoned, check_views, prompts
from bot.telegram.i18n import CHINESE, ENGLISH
from bot.telegram.words import checks as check_words
from storage.models import AssessmentStatus

ZONE = ZoneInfo("Asia/Shanghai")


def view(step: str, tool: Tool = Tool.ICE, **answers: object) -> CheckView:
    return CheckView(
        assessment_id=7,
        version=3,
        step=step,
        tool=tool,
        label="床5",
        status=AssessmentStatus.IN_PROGRESS,
        holder_name="李护士",
        answers=answers,
        is_baseline=False,
        note=None,
        has_photo=False,
        chat_id=None,
        message_id=None,
    )


def buttons(rendered: check_views.Rendered) -> list[str]:
    markup = rendered[1]
    assert markup is not None
    return [button.text for row in markup.inline_keyboard for button in row]


def test_the_orientation_question_says_what_to_ask() -> None:
    text, _ = rendered = check_views.render(view(check_flow.ORIENTATION), ZONE, CHINESE)
    assert text.startswith("神经评估 · 床5 · ICE · 李护士\n\n定向力：依次问患者：“现在是哪一年？”")
    assert "“这是哪家医院？”" in text
    assert buttons(rendered)[:4] == ["✓ 全部正确", "年份 ✓", "年份 ✗", "年份 n/a"]
    assert buttons(rendered)[-3:] == ["完成", "◀ 返回", "✖ 取消"]


def test_the_tasks_follow_the_chinese_ice() -> None:
    text, _ = check_views.render(view(check_flow.TASKS), ZONE, CHINESE)
    assert "执行指令：例如“请伸出两根手指”" in text
    assert "书写：请患者写一个标准句子" in text
    assert "注意力：请患者从100倒数，每次减10" in text


def test_the_capd_asks_in_chinese_with_its_answers() -> None:
    first = check_flow.CAPD_STEPS[0]
    rendered = check_views.render(view(first, Tool.CAPD), ZONE, CHINESE)
    assert "CAPD 1/8（本班次内）：孩子是否与照护者有眼神交流？" in rendered[0]
    assert "CAPD（儿童）" in rendered[0]
    assert buttons(rendered)[:6] == ["从不", "很少", "有时", "经常", "总是", "CAPD 无法评估"]


def test_english_is_the_source_word_for_word() -> None:
    first = check_flow.CAPD_STEPS[0]
    rendered = check_views.render(view(first, Tool.CAPD), ZONE, ENGLISH)
    assert rendered[0].endswith(
        "CAPD 1/8 (over this shift): Does the child make eye contact with the caregiver?"
    )
    assert buttons(rendered)[:5] == ["Never", "Rarely", "Sometimes", "Often", "Always"]
    assert check_views.render(view(first, Tool.CAPD), ZONE) == rendered


def test_cancel_asks_first_in_chinese() -> None:
    text, markup = check_views.confirm_cancel(view(check_flow.NAMING), CHINESE)
    assert text.endswith("取消本次评估？所填内容都不会记录，已计划的评估仍待完成。")
    assert markup is not None
    assert [row[0].text for row in markup.inline_keyboard] == ["是，取消评估", "不，继续评估"]


def test_notices_name_the_items_as_the_buttons_do() -> None:
    shown = Notice(CheckNotice.ANSWER_EVERY_ITEM, items=("month", "city"))
    assert check_words.notice(shown, CHINESE) == "请先回答每一项（月份，城市）。"
    assert check_words.notice(shown) == "Answer every item first (month, city)."
    typed = Notice(CheckNotice.TEMPERATURE_OUT_OF_RANGE, typed="45")
    assert check_words.notice(typed, CHINESE) == (
        "'45' 超出 34.0-43.0 °C：请输入体温（°C），34.0 至 43.0（例如 38.4）。"
    )


@pytest.mark.parametrize(
    ("level", "chinese"),
    [
        (0, "床5 的神经评估于 09:00 到期。"),
        (1, "提醒：床5 的神经评估已于 09:00 到期（20 分钟前）。"),
        (2, "护士长：床5 的神经评估 09:00 到期，尚未开始（已 20 分钟）。"),
        (3, "神经评估漏做：床5，09:00 到期，20 分钟后仍未开始。"),
    ],
)
def test_each_prompt_of_the_ladder_in_chinese(level: int, chinese: str) -> None:
    due = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    payload = {
        "label": "床5",
        "level": level,
        "due_at": due.isoformat(),
        "minutes_overdue": 20,
        "check_id": 4,
    }
    text, markup = prompts.render_prompt(payload, ZONE, CHINESE)
    assert text == chinese
    assert markup.inline_keyboard[0][0].text == "开始评估"


def test_a_check_closed_for_silence_is_told_in_chinese() -> None:
    assert abandoned.notice_text("床5", 30, CHINESE) == (
        "床5 的评估已 30 分钟无人作答，已关闭，未记录任何内容。可用 /check 床5 重新开始。"
    )
    assert abandoned.notice_text("Bed 4", 30).startswith("The check on Bed 4 had no answer")
