"""The chart speaks its reader's language (issue 17): axis labels, legends, event marks and
the time axis's dates in Chinese for a Chinese reader, each drawn with a font that has its
glyphs; English exactly as before; and English again where no font could draw Chinese."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.clinical.labs import LabTest
from bot.services.labs import LabPoint
from bot.telegram import chart_fonts, chart_words
from bot.telegram.charts import history_figure, render_history_chart
from bot.telegram.i18n import CHINESE, ENGLISH
from tests.telegram.test_chart_fonts import needs_font
from tests.telegram.test_charts import BERLIN, EVENTS, START, png_size, points

LABS = [
    LabPoint(LabTest.IL6, 12.0, START),
    LabPoint(LabTest.FERRITIN, 800.0, START + dt.timedelta(days=1)),
]


def figure(language: str, tool: str = "ice") -> Figure:
    drawn = history_figure(
        points(tool, [10, 9, None, 3, 8]),
        EVENTS[:3],
        label="Bed 4",
        zone=BERLIN,
        labs=LABS,
        language=language,
    )
    drawn.canvas.draw()  # the tick labels are made when drawn
    return drawn


def words(drawn: Figure) -> dict[str, Text]:
    """Every text on the chart but its title, by what it says."""
    found: dict[str, Text] = {}
    for ax in drawn.axes:
        texts = [ax.yaxis.label, ax.xaxis.label, ax.xaxis.get_offset_text(), *ax.texts]
        texts += ax.get_xticklabels()
        legend = ax.get_legend()
        texts += legend.get_texts() if legend is not None else []
        found |= {t.get_text(): t for t in texts if t.get_text().strip()}
    return found


def cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def test_english_charts_read_as_before() -> None:
    said = words(figure(ENGLISH))
    expected = {"ICE (0-10)", "ICANS grade", "Labs (log)", "Time (Europe/Berlin)"}
    expected |= {
        "grade",
        "at least",
        "IL-6 (pg/mL)",
        "ferritin (ng/mL)",
        "start",
        "step-up",
        "hold",
    }
    assert expected <= set(said)
    assert not any(cjk(text) for text in said)
    assert "CAPD (0-32)" in words(figure(ENGLISH, "capd"))


@needs_font
def test_a_chinese_readers_chart_is_in_chinese_with_fonts_that_draw_it() -> None:
    said = words(figure(CHINESE))
    expected = {"ICE 评分（0-10）", "ICANS 分级", "检验（对数坐标）", "时间（Europe/Berlin）"}
    expected |= {
        "分级",
        "至少",
        "白介素-6（pg/mL）",
        "铁蛋白（ng/mL）",
        "开始输注",
        "递增",
        "暂停输注",
    }
    assert expected <= set(said), set(said)
    assert any("日" in text for text in said), "the time axis writes dates in Chinese"
    assert not {"ICANS grade", "start", "at least"} & set(said)
    for text, shown in said.items():
        if cjk(text):
            family = shown.get_fontfamily()
            assert any("CJK" in name for name in family), (text, family)
    assert "CAPD 评分（0-32）" in words(figure(CHINESE, "capd"))


def test_without_a_chinese_font_the_chart_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No installed font has the Chinese glyphs: English words, never boxes or "?", and
    one line in the log naming the package to install."""
    monkeypatch.setattr(
        chart_fonts, "_family_with", lambda char: chart_fonts.BASE if char.isascii() else None
    )
    chart_words._english_instead.cache_clear()
    with caplog.at_level(logging.WARNING):
        said = words(figure(CHINESE))
    assert {"ICANS grade", "grade", "at least", "ferritin (ng/mL)", "start"} <= set(said)
    assert "Time (Europe/Berlin)" in said and not any("日" in text for text in said)
    assert not any(cjk(text) or "?" in text for text in said), set(said)
    [warning] = caplog.records
    assert chart_fonts.PACKAGE in warning.getMessage() and "English" in warning.getMessage()


def test_a_chinese_chart_is_a_png_of_the_asked_size() -> None:
    png = render_history_chart(
        points("ice", [10, 8]), EVENTS[:2], label="床5", zone=BERLIN, language=CHINESE
    )
    assert png_size(png) == (800, 600)
