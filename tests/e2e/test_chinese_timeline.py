"""/timeline, /history and the charts in Simplified Chinese end to end (issue 17): a Chinese
nurse's check raises an alert for a Chinese physician, whose page brings a chart drawn in
Chinese; he acknowledges it and reads the patient's trail and history in Chinese, the chart
with a Chinese caption and Chinese axes, legends and dates in a font that draws them. The
nurse's refusals and usage lines are Chinese too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from matplotlib.figure import Figure
from sqlmodel import select

from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.telegram import chart_fonts, charts
from bot.telegram.picker import choose_text
from storage.db import Database
from storage.models import Duty, Role, Staff
from tests.e2e.test_check import start, tap
from tests.e2e.test_chinese import GRADE_1_IN_CHINESE
from tests.support import factories
from tests.support.clock import FakeClock
from tests.telegram.test_chart_words import cjk, words

pytestmark = pytest.mark.usefixtures("neurocheck")

NURSE, PHYSICIAN = 531, 731
CHECK = [tap for tap in GRADE_1_IN_CHINESE if tap not in ("37.0 °C", "无支持、未吸氧、未给药")]
"""ICE 8/10, awake (ICANS grade 1); a check asked for by /check asks no CRS questions."""


@pytest.fixture
def ward(db: Database, clock: FakeClock) -> None:
    """H7: Bed 4 checked normal four hours ago; nurse Li and Dr Pim (on call) read Chinese."""
    ward_id = factories.ward(db)
    nurse = factories.staff(db, NURSE, "Li", Role.NURSE, [ward_id])
    physician = factories.staff(db, PHYSICIAN, "Dr Pim", Role.PHYSICIAN, [ward_id])
    factories.duty(db, ward_id, physician, Duty.PRIMARY, clock() - dt.timedelta(hours=1))
    patient = factories.patient(db, ward_id, "Bed 4")
    factories.normal_check(db, patient, nurse, clock() - dt.timedelta(hours=4))
    with db.session() as session:
        for person in session.exec(select(Staff)).all():
            person.language = "zh_Hans"
            session.add(person)


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Figure]]:
    """Every chart drawn, with the language it was drawn in."""
    drawn: list[tuple[str, Figure]] = []
    original = charts.history_figure

    def keep(*args: Any, **kwargs: Any) -> Figure:
        figure = original(*args, **kwargs)
        drawn.append((kwargs["language"], figure))
        return figure

    monkeypatch.setattr(charts, "history_figure", keep)
    return drawn


def assert_drawn_in_chinese(figure: Figure) -> None:
    """The chart's own words are Chinese, in a CJK font; English where none is installed."""
    said = words(figure)
    if chart_fonts.for_text("分级").missing:  # no CJK font on this machine: English, no boxes
        assert "ICANS grade" in said and not any(cjk(text) for text in said)
        return
    assert {"ICE 评分（0-10）", "ICANS 分级", "分级"} <= set(said), set(said)
    assert any(text.endswith("日") for text in said), "dates as Chinese writes them"
    for text, shown in said.items():
        if cjk(text):
            assert any("CJK" in family for family in shown.get_fontfamily()), text


async def lines_of(user: SimUser) -> list[str]:
    return ((await user.next_message()).text or "").splitlines()


async def test_the_trail_the_history_and_the_charts_in_chinese(
    tg: FakeTelegram, ward: None, figures: list[tuple[str, Figure]]
) -> None:
    nurse, physician = tg.user(NURSE), tg.user(PHYSICIAN)
    await tap(nurse, await start(nurse, "Bed 4"), *CHECK)

    alert = await physician.next_message()
    assert (alert.text or "").startswith("🟠 高危：Bed 4（病区 H7）"), alert.text
    chart = await physician.next_message()
    assert chart.photo and chart.caption == "Bed 4：ICE 评分与 ICANS 分级，已标注输注事件"
    [(language, figure)] = figures
    assert language == "zh_Hans"
    assert_drawn_in_chinese(figure)
    await physician.press(alert, "确认")

    await physician.send("/timeline Bed 4")
    heading, *trail = await lines_of(physician)
    assert heading == "Bed 4（病区 H7）的时间线，最新在前："
    assert all(line.startswith("11月24日 09:") for line in trail), trail
    said = [line.split(" · ", 1)[1] for line in trail]
    assert said[-1] == "Li 开始评估"
    assert "Li 提交评估：ICANS 1 级（ICE 8），紧急程度为高（分级升高）" in said
    assert "警报 #1 已发出：紧急程度为高（分级升高），评估后" in said
    assert "警报 #1 已呼叫 Dr Pim（第 1 步，一线）" in said
    assert "警报 #1 已由 Dr Pim 确认" in said

    await physician.send("/history Bed 4")
    summary = await lines_of(physician)
    assert summary[:2] == [
        "Bed 4：最近分级 1 级；迄今最重 1 级。",
        "作为事件报告的癫痫发作：0 次；记录到癫痫发作的评估：0 次。",
    ]
    assert summary[3:] == [
        "11月24日 09:00 · ICE 8 · 1 级 · Li",
        "11月24日 05:00 · ICE 10 · 0 级 · Li",
    ]
    chart = await physician.next_message()
    assert chart.photo and chart.protect_content
    assert chart.caption == "Bed 4：ICE 评分与 ICANS 分级，近 14 天"
    language, figure = figures[-1]
    assert language == "zh_Hans" and len(figures) == 2
    assert_drawn_in_chinese(figure)


async def test_usage_and_refusals_in_chinese(tg: FakeTelegram, ward: None) -> None:
    nurse = tg.user(NURSE)
    await nurse.send("/timeline")
    assert (await nurse.next_message()).text == choose_text("timeline", "zh_Hans")
    await nurse.send("/timeline Bed 7")
    assert (await nurse.next_message()).text == (
        "您的病区没有该患者（在院，或 30 天内出院）。/patients 列出在院患者。"
    )
    await nurse.send("/history Bed 7")
    assert (await nurse.next_message()).text == "您的病区没有该患者。/patients 列出您的患者。"
