"""A patient's ICE (or CAPD) score and ICANS grade over time, as a PNG for Telegram; with
laboratory values (IL-6, CRP, ferritin) as a third panel when there are any.

Reusable: ``/history`` sends it, physician alerts attach it. It is drawn for one reader, in
their language (``chart_words``: axis labels, legend, event marks, dates). Uses matplotlib's
object-oriented API on the Agg canvas only (no pyplot, no global state, no GUI), so it is
safe to call from a worker thread. The title is the patient's ward label and nothing else.

matplotlib is imported when a chart is drawn, not with this module: it was half the time
to import ``bot.app``, paid by every start of the bot, every command and every test run.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clinical.labs import LabTest
from bot.services.history import ChartEvent, ChartPoint
from bot.services.labs import LabPoint
from bot.telegram import chart_fonts, chart_words
from bot.telegram.chart_words import drawn
from bot.telegram.i18n import ENGLISH

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["ChartEvent", "ChartPoint", "history_figure", "render_history_chart", "score_tool"]

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 6.0, 100
LABS_HEIGHT_IN = 8.5  # with the laboratory panel: 800x850
LAB_STYLE = {  # colour, marker and value label offset (points) per test
    LabTest.IL6: ("tab:purple", "D", (0, 8)),
    LabTest.CRP: ("tab:olive", "v", (0, -16)),
    LabTest.FERRITIN: ("tab:brown", "P", (14, -12)),
}
LOG_FLOOR = 0.1  # a value of 0 is drawn here on the log scale
FONT = 14
SMALL = 12

EVENT_COLOURS = {
    "start": "tab:green",
    "step_up": "tab:blue",
    "hold": "tab:orange",
    "restart": "tab:green",
    "stop": "tab:red",
    "end_cycle": "tab:gray",
}
SCORE_COLOUR = "tab:blue"
GRADE_COLOUR = "tab:red"
NA_OFFSET = 0.1  # "n/a" markers sit this fraction of the score range below zero


def score_tool(points: Sequence[ChartPoint]) -> str:
    """``"capd"`` when every scored point is CAPD (and there is one), else ``"ice"``."""
    tools = {p.tool for p in points if p.score is not None} or {p.tool for p in points}
    return "capd" if tools == {"capd"} else "ice"


def _x(at: dt.datetime) -> float:
    """matplotlib's date number (days since its epoch, UTC) for an aware datetime."""
    from matplotlib import dates as mdates

    return float(mdates.date2num(at))  # type: ignore[no-untyped-call]


def _markers(
    ax: Axes,
    points: Sequence[ChartPoint],
    values_of: Callable[[Sequence[ChartPoint]], list[float]],
    *,
    shapes: tuple[str, str],
    sizes: tuple[int, int],
    colour: str,
) -> None:
    """Complete checks filled; incomplete ones hollow, so "at least" never reads as exact."""
    complete = [p for p in points if p.complete]
    partial = [p for p in points if not p.complete]
    ax.plot(
        _xs(complete), values_of(complete), shapes[0], color=colour, markersize=sizes[0], zorder=3
    )
    ax.plot(
        _xs(partial),
        values_of(partial),
        shapes[1],
        markersize=sizes[1],
        markerfacecolor="white",
        markeredgecolor=colour,
        markeredgewidth=2,
        zorder=3,
    )


def _xs(points: Sequence[ChartPoint]) -> list[float]:
    return [_x(p.at) for p in points]


def title(figure: Figure, label: str, language: str = ENGLISH) -> Text:
    """The ward label on top, in fonts that have its glyphs (any script); where none is
    installed, question marks and a line saying so rather than empty boxes."""
    fonts = chart_fonts.for_text(label)
    text, families = fonts.drawable(label), fonts.families
    if fonts.missing:
        note = drawn(language, chart_words.NO_FONT)
        text += "\n" + note.text
        families += tuple(f for f in note.families if f not in families)
    return figure.suptitle(text, fontsize=FONT + 4, fontweight="bold", fontfamily=list(families))


def _scores_of(points: Sequence[ChartPoint]) -> list[float]:
    return [float(p.score) for p in points if p.score is not None]


def _grades_of(points: Sequence[ChartPoint]) -> list[float]:
    return [float(p.grade) for p in points if p.grade is not None]


def render_history_chart(
    points: Sequence[ChartPoint],
    events: Sequence[ChartEvent],
    *,
    label: str,
    zone: ZoneInfo,
    labs: Sequence[LabPoint] = (),
    language: str = ENGLISH,
) -> bytes:
    """PNG bytes, 800x600: score on top, ICANS grade below, infusion events as lines; with
    laboratory values, 800x850 and a third panel (log scale, one marker per sample). Its
    words are in ``language``, its reader's."""
    figure = history_figure(points, events, label=label, zone=zone, labs=labs, language=language)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def history_figure(
    points: Sequence[ChartPoint],
    events: Sequence[ChartEvent],
    *,
    label: str,
    zone: ZoneInfo,
    labs: Sequence[LabPoint] = (),
    language: str = ENGLISH,
) -> Figure:
    """The chart as a matplotlib figure on an Agg canvas (``render_history_chart`` saves it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = LABS_HEIGHT_IN if labs else HEIGHT_IN
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    ratios = (3, 2, 2) if labs else (3, 2)
    axes = list(figure.subplots(len(ratios), 1, sharex=True, height_ratios=ratios))
    score_ax, grade_ax = axes[0], axes[1]
    title(figure, label, language)

    tool = score_tool(points)
    _scores(score_ax, [p for p in points if p.tool == tool or p.score is None], tool, language)
    _grades(grade_ax, points, language)
    if labs:
        _labs(axes[2], labs, language)
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.tick_params(labelsize=SMALL)
    _time_axis(axes[-1], points, events, zone, language, extra=[p.sampled_at for p in labs])
    _events(score_ax, axes[1:], events, language)
    return figure


def _scores(ax: Axes, points: Sequence[ChartPoint], tool: str, language: str) -> None:
    top = 32 if tool == "capd" else 10
    na_y = -top * NA_OFFSET
    ax.set_ylim(na_y - top * 0.08, top * 1.08)
    ax.set_yticks(range(0, top + 1, 8 if tool == "capd" else 2))
    axis = drawn(language, chart_words.SCORE_AXIS[tool])
    ax.set_ylabel(axis.text, fontsize=FONT, fontfamily=axis.font)
    ax.axhline(0, color="black", linewidth=0.8)
    scored = [p for p in points if p.score is not None]
    if scored:
        ax.plot(
            _xs(scored),
            _scores_of(scored),
            color=SCORE_COLOUR,
            linewidth=2,
            zorder=2,
        )
        _markers(ax, scored, _scores_of, shapes=("o", "o"), sizes=(9, 9), colour=SCORE_COLOUR)
    missing = [p for p in points if p.score is None]
    if missing:
        ax.plot(
            _xs(missing),
            [na_y] * len(missing),
            "o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor="dimgray",
            markeredgewidth=2,
            zorder=3,
        )
        ax.text(
            0.005,
            na_y,
            "n/a ",
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=SMALL,
            color="dimgray",
        )


def _grades(ax: Axes, points: Sequence[ChartPoint], language: str) -> None:
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    ax.set_ylim(-0.4, 4.6)
    ax.set_yticks(range(5))
    axis = drawn(language, chart_words.GRADE_AXIS)
    ax.set_ylabel(axis.text, fontsize=FONT, fontfamily=axis.font)
    graded = [p for p in points if p.grade is not None]
    if not graded:
        return
    ax.step(
        _xs(graded),
        _grades_of(graded),
        where="post",
        color=GRADE_COLOUR,
        linewidth=2,
        zorder=2,
    )
    _markers(ax, graded, _grades_of, shapes=("s", "^"), sizes=(9, 11), colour=GRADE_COLOUR)
    grade, at_least = drawn(language, chart_words.GRADE), drawn(language, chart_words.AT_LEAST)
    handles = [
        Line2D(
            [], [], marker="s", color=GRADE_COLOUR, linestyle="", markersize=9, label=grade.text
        ),
        Line2D(
            [],
            [],
            marker="^",
            color=GRADE_COLOUR,
            linestyle="",
            markersize=10,
            markerfacecolor="white",
            markeredgewidth=2,
            label=at_least.text,
        ),
    ]
    font = FontProperties(family=_families(grade, at_least), size=SMALL)
    ax.legend(handles=handles, loc="best", prop=font, framealpha=0.9)


def _families(*words: chart_words.Drawn) -> list[str]:
    """The families that draw all of ``words`` (for a legend: one font for all its lines)."""
    return list(dict.fromkeys(family for word in words for family in word.families))


def _labs(ax: Axes, labs: Sequence[LabPoint], language: str) -> None:
    """Each test its own line and marker on a log scale (IL-6 spans 1 to 10,000 pg/mL);
    every sample a marker at its sample time, and a tick along the panel's foot."""
    from matplotlib.font_manager import FontProperties

    ax.set_yscale("log")
    axis = drawn(language, chart_words.LABS_AXIS)
    ax.set_ylabel(axis.text, fontsize=FONT, fontfamily=axis.font)
    names: list[chart_words.Drawn] = []
    for test, (colour, marker, offset) in LAB_STYLE.items():
        series = [p for p in labs if p.test is test]
        if not series:
            continue
        ys = [max(p.value, LOG_FLOOR) for p in series]
        xs = [_x(p.sampled_at) for p in series]
        name = chart_words.lab_legend(language, test)
        names.append(name)
        ax.plot(xs, ys, color=colour, marker=marker, markersize=8, linewidth=1.5, label=name.text)
        # Values are written at each test's peak and latest sample only: every sample is a
        # marker, and a label on each of 28 days of samples would be unreadable (and slow).
        peak = max(range(len(series)), key=lambda i: series[i].value)
        for i in sorted({peak, len(series) - 1}):
            x, p = xs[i], series[i]
            ax.annotate(
                f"{p.value:g}",
                (x, max(p.value, LOG_FLOOR)),
                textcoords="offset points",
                xytext=offset,
                ha="center" if offset[0] == 0 else "left",
                fontsize=SMALL - 2,
                color=colour,
            )
        # The sample times, as ticks along the panel's foot.
        ax.plot(
            xs,
            [0.0] * len(xs),
            "|",
            color=colour,
            markersize=14,
            markeredgewidth=2,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
        )
    values = [max(p.value, LOG_FLOOR) for p in labs]
    ax.set_ylim(min(values) / 15, max(values) * 60)  # room for value labels and the legend
    font = FontProperties(family=_families(*names), size=SMALL - 2)
    ax.legend(loc="upper center", ncol=3, prop=font, framealpha=0.9)


def _events(
    score_ax: Axes, lower_axes: Sequence[Axes], events: Sequence[ChartEvent], language: str
) -> None:
    """Dashed lines on both axes, short labels above the top one (staggered when close)."""
    left, right = score_ax.get_xlim()
    close = (right - left) * 0.08  # in days, matplotlib's date unit
    previous: float | None = None
    row = 0
    for event in events:
        colour = EVENT_COLOURS.get(event.kind, "black")
        x = _x(event.at)
        for ax in (score_ax, *lower_axes):
            ax.axvline(x, color=colour, linestyle="--", linewidth=1.5, zorder=1)
        row = (row + 1) % 2 if previous is not None and x - previous < close else 0
        previous = x
        mark = chart_words.event_label(language, event.kind)
        score_ax.text(
            x,
            1.01 + 0.09 * row,
            mark.text,
            fontfamily=mark.font,
            transform=score_ax.get_xaxis_transform(),
            rotation=0,
            ha="center",
            va="bottom",
            fontsize=SMALL,
            color=colour,
            fontweight="bold",
        )


def _time_axis(
    ax: Axes,
    points: Sequence[ChartPoint],
    events: Sequence[ChartEvent],
    zone: ZoneInfo,
    language: str,
    *,
    extra: Sequence[dt.datetime] = (),
) -> None:
    from matplotlib import dates as mdates

    times = [p.at for p in points] + [e.at for e in events] + list(extra)
    if times:
        start, end = min(times), max(times)
        pad = max((end - start) / 20, dt.timedelta(hours=2))
        ax.set_xlim(_x(start - pad), _x(end + pad))
    locator = mdates.AutoDateLocator(tz=zone, minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formats, families = chart_words.date_formats(language)
    dates, zeros, offsets = formats or (None, None, None)  # None: matplotlib's (English)
    formatter = mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
        locator, tz=zone, formats=dates, zero_formats=zeros, offset_formats=offsets
    )
    ax.xaxis.set_major_formatter(formatter)
    ax.tick_params(axis="x", labelfontfamily=list(families))
    ax.xaxis.get_offset_text().set_fontfamily(list(families))
    axis = drawn(language, chart_words.TIME_AXIS, zone=zone.key)
    ax.set_xlabel(axis.text, fontsize=FONT, fontfamily=axis.font)
