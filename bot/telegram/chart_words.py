"""The chart's own words (axis labels, legend, event marks, dates) in its reader's language,
each with the fonts that draw it.

A chart is drawn for one reader: ``/history`` for whoever asked, an alert's chart for the
person paged. Its words are marked here and said in that reader's language; a word whose
translation has a character no installed font draws (no CJK font on this machine) is drawn
in English instead, so the chart never shows a question mark or an empty box where a word
was. The ward label, the title, is the patient's only identifier and is drawn as written
(``charts.title``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.clinical.labs import CANONICAL_UNIT, LabTest
from bot.telegram import chart_fonts
from bot.telegram.i18n import CHINESE, ENGLISH, N_, gettext
from bot.telegram.words.labs import lab_name

log = logging.getLogger(__name__)

SCORE_AXIS: Final = {"ice": N_("ICE (0-10)"), "capd": N_("CAPD (0-32)")}
GRADE_AXIS: Final = N_("ICANS grade")
GRADE: Final = N_("grade")
AT_LEAST: Final = N_("at least")
LABS_AXIS: Final = N_("Labs (log)")
LAB_LEGEND: Final = N_("{text} ({detail})")
TIME_AXIS: Final = N_("Time ({zone})")
NO_FONT: Final = N_("(no font here for some characters: the label is in the caption)")
EVENT_LABELS: Final[Mapping[str, str]] = {
    "start": N_("start"),
    "step_up": N_("step-up"),
    "hold": N_("hold"),
    "restart": N_("restart"),
    "stop": N_("stop"),
    "end_cycle": N_("end"),
}

DateFormats = tuple[list[str], list[str], list[str]]
"""matplotlib's ConciseDateFormatter: formats, zero_formats, offset_formats (6 levels each:
years, months, days, hours, minutes, seconds)."""
DATE_FORMATS: Final[Mapping[str, DateFormats]] = {
    CHINESE: (
        ["%Y年", "%-m月", "%-d日", "%H:%M", "%H:%M", "%S.%f"],
        ["", "%Y年", "%-m月", "%-m月%-d日", "%H:%M", "%H:%M"],
        ["", "%Y年", "%Y年%-m月", "%Y年%-m月%-d日", "%Y年%-m月%-d日", "%Y年%-m月%-d日 %H:%M"],
    )
}
"""How each language writes the time axis's dates ("11月24日"); English keeps matplotlib's."""


@dataclass(frozen=True)
class Drawn:
    """A word as the chart draws it, and the font families that have its glyphs."""

    text: str
    families: tuple[str, ...]

    @property
    def font(self) -> list[str]:
        """The families as matplotlib's ``fontfamily`` takes them."""
        return list(self.families)


def drawn(language: str, message: str, **facts: Any) -> Drawn:
    """``message`` said in ``language``; in English when no installed font draws it."""
    return _drawable(language, lambda said: gettext(said, message).format(**facts))


def lab_legend(language: str, test: LabTest) -> Drawn:
    """ "ferritin (ng/mL)": a laboratory test's line in the legend."""
    unit = CANONICAL_UNIT[test]
    return _drawable(
        language,
        lambda said: gettext(said, LAB_LEGEND).format(text=lab_name(test, said), detail=unit),
    )


def event_label(language: str, kind: str) -> Drawn:
    """The short mark above an infusion event's line; an unknown kind as stored."""
    message = EVENT_LABELS.get(kind)
    if message is None:
        return Drawn(kind, chart_fonts.for_text(kind).families)
    return drawn(language, message)


def _drawable(language: str, say: Callable[[str], str]) -> Drawn:
    """What ``say`` says in ``language`` if installed fonts draw it, else its English."""
    said = say(language)
    fonts = chart_fonts.for_text(said, warn=language == ENGLISH)
    if fonts.missing and language != ENGLISH:
        _english_instead(language)
        said = say(ENGLISH)
        fonts = chart_fonts.for_text(said)
    return Drawn(fonts.drawable(said), fonts.families)


@functools.cache
def _english_instead(language: str) -> None:
    log.warning(
        "charts: no installed font draws the %s words of a chart; they are drawn in English. "
        "Install Debian's %s (the container image has it).",
        language,
        chart_fonts.PACKAGE,
    )


def date_formats(language: str) -> tuple[DateFormats | None, tuple[str, ...]]:
    """The time axis's date formats for the language (None: matplotlib's English ones) and
    the families to draw them; English where no installed font has the language's glyphs."""
    formats = DATE_FORMATS.get(language)
    if formats is None:
        return None, (chart_fonts.BASE,)
    fonts = chart_fonts.for_text("".join(formats[2]), warn=False)
    if fonts.missing:
        _english_instead(language)
        return None, (chart_fonts.BASE,)
    return formats, fonts.families
