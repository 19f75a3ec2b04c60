"""Fonts that have the glyphs of what a chart draws, so a ward label in any script is drawn.

The chart's title is the patient's ward label, its only identifier there. Matplotlib's default
font (DejaVu Sans) has no Chinese, Japanese or Korean glyphs: "床5" came out as an empty box
and a box. Matplotlib (3.6+) falls back glyph by glyph along a list of families, so the title
gets DejaVu Sans followed by the installed fonts that cover its other characters (Noto Sans
CJK from Debian's ``fonts-noto-cjk`` in the image and CI). Where no installed font has a
glyph, the title says so in words and the log warns once, naming the package to install:
a reader then looks at the caption (which the phone draws with its own fonts), never at a box.

Matplotlib is imported inside the functions: only drawing a chart needs it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.ft2font import FT2Font

log = logging.getLogger(__name__)

BASE = "DejaVu Sans"
# Tried first, in this order, for a glyph the base font lacks: Simplified Chinese forms first
# (the case report's hospital), then the other CJK faces, then anything installed.
PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)
PACKAGE = "fonts-noto-cjk"
MISSING = "?"


@dataclass(frozen=True)
class TitleFonts:
    """The families to draw a text with, and its characters no installed font has."""

    families: tuple[str, ...]
    missing: str

    def drawable(self, text: str) -> str:
        """The text with each glyphless character replaced by a question mark."""
        return "".join(MISSING if char in self.missing else char for char in text)


def for_text(text: str, *, warn: bool = True) -> TitleFonts:
    """The families that together cover ``text`` (the base font first); ``warn``: log the
    characters no font has (a ward label's; the chart's own words warn in ``chart_words``)."""
    families: list[str] = [BASE]
    missing = ""
    for char in dict.fromkeys(text):
        if char.isspace():
            continue
        family = _family_with(char)
        if family is None:
            missing += char
        elif family not in families:
            families.append(family)
    if missing and warn:
        _warn_once(missing)
    return TitleFonts(tuple(families), missing)


@functools.cache
def _family_with(char: str) -> str | None:
    """The first font, by preference, with a glyph for ``char``; None when none has one."""
    code = ord(char)
    for name, path in _candidates():
        if _face(path).get_char_index(code):
            return name
    return None


@functools.cache
def _candidates() -> tuple[tuple[str, str], ...]:
    """(family, file) of every installed font, the base first, then by preference."""
    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        # Matplotlib's font list is cached on first use: fonts installed since are added here.
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError) as error:
                log.debug("font %s not usable: %s", path, error)
    base = font_manager.findfont(BASE)
    rank = {name: index for index, name in enumerate(PREFERRED)}
    others = sorted(
        {(entry.name, entry.fname) for entry in font_manager.fontManager.ttflist},
        key=lambda pair: (rank.get(pair[0], len(rank)), pair),
    )
    return ((BASE, base), *others)


@functools.cache
def _face(path: str) -> FT2Font:
    from matplotlib.ft2font import FT2Font

    return FT2Font(path)


@functools.cache
def _warn_once(missing: str) -> None:
    log.warning(
        "charts: no installed font has glyphs for %r (a ward label); the chart's title shows "
        "%r instead. Install Debian's %s (the container image has it).",
        missing,
        MISSING,
        PACKAGE,
    )
