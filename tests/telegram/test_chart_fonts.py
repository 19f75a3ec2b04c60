"""A ward label in Chinese is drawn with real glyphs on the chart, never as empty boxes.

The proof is in the pixels: two different characters drawn in a font without their glyphs
come out as the same box, so the test draws 床 and 病 with the families the chart chooses and
asserts the two images differ. It first shows that the check can fail: in DejaVu Sans alone
(matplotlib's default) the two are identical boxes.
"""

from __future__ import annotations

import io
import logging

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.telegram import chart_fonts
from bot.telegram.charts import render_history_chart, title
from tests.telegram.test_charts import BERLIN, png_size, points

CJK = "床病"


def _pixels(char: str, families: tuple[str, ...]) -> bytes:
    figure = Figure(figsize=(1, 1), dpi=50)
    FigureCanvasAgg(figure)
    figure.text(0.1, 0.2, char, fontsize=30, fontfamily=list(families))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="rgba")  # raw pixels: no metadata to differ
    return buffer.getvalue()


def _has_cjk_font() -> bool:
    return not chart_fonts.for_text(CJK).missing


needs_font = pytest.mark.skipif(
    not _has_cjk_font(),
    reason=f"no CJK font installed (Debian's {chart_fonts.PACKAGE}; CI installs it)",
)


def test_the_default_font_alone_draws_tofu() -> None:
    """The check below can fail: without a CJK font, different characters look the same."""
    with pytest.warns(UserWarning, match="missing from font"):
        assert _pixels("床", (chart_fonts.BASE,)) == _pixels("病", (chart_fonts.BASE,))


@needs_font
def test_chinese_characters_are_drawn_with_their_glyphs() -> None:
    families = chart_fonts.for_text(CJK).families
    assert families[0] == chart_fonts.BASE and len(families) > 1, families
    assert _pixels("床", families) != _pixels("病", families)


@needs_font
def test_the_chart_title_of_a_chinese_label_uses_a_font_with_its_glyphs() -> None:
    figure = Figure()
    text = title(figure, "床5")
    assert text.get_text() == "床5"
    family = text.get_fontfamily()
    assert chart_fonts.BASE in family and any("CJK" in name for name in family), family
    png = render_history_chart(points("ice", [10, 8]), [], label="床5", zone=BERLIN)
    assert png_size(png)[0] == 800


def test_latin_labels_need_only_the_default_font() -> None:
    assert chart_fonts.for_text("Bed 4 AB").families == (chart_fonts.BASE,)


def test_without_a_font_the_title_says_so_and_the_log_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(chart_fonts, "_family_with", lambda char: None if char == "床" else "x")
    chart_fonts._warn_once.cache_clear()
    with caplog.at_level(logging.WARNING, logger="bot.telegram.chart_fonts"):
        text = title(Figure(), "床5").get_text()
    assert text.startswith("?5\n") and "caption" in text
    assert chart_fonts.PACKAGE in caplog.text and "床" in caplog.text
