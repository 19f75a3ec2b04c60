"""The history chart renderer: a valid PNG of the asked size for every shape of data."""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest

from bot.services.history import ChartEvent, ChartPoint
from bot.telegram.charts import DPI, HEIGHT_IN, WIDTH_IN, render_history_chart, score_tool

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.datetime(2026, 11, 10, 7, 0, tzinfo=dt.UTC)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def expected_size() -> tuple[int, int]:
    return round(WIDTH_IN * DPI), round(HEIGHT_IN * DPI)


def points(tool: str, scores: list[int | None], start: dt.datetime = START) -> list[ChartPoint]:
    out = []
    for i, score in enumerate(scores):
        grade = None if score is None else (4 if score == 0 else 1 if score < 10 else 0)
        out.append(
            ChartPoint(
                at=start + dt.timedelta(hours=8 * i),
                tool=tool,
                score=score,
                grade=2 if score is None else grade,
                complete=score is not None,
            )
        )
    return out


EVENTS = [
    ChartEvent(START, "start"),
    ChartEvent(START + dt.timedelta(days=1), "step_up"),
    ChartEvent(START + dt.timedelta(days=1, hours=2), "hold"),
    ChartEvent(START + dt.timedelta(days=2), "restart"),
    ChartEvent(START + dt.timedelta(days=3), "stop"),
    ChartEvent(START + dt.timedelta(days=3, hours=1), "end_cycle"),
]


def test_ice_chart_is_a_png_of_the_asked_size() -> None:
    data = render_history_chart(
        points("ice", [10, 9, 7, None, 3, 0, 8, 10, 10, 10]), EVENTS, label="Bed 4", zone=BERLIN
    )
    assert png_size(data) == expected_size()
    assert data.endswith(b"IEND\xaeB`\x82")


def test_capd_chart() -> None:
    capd = points("capd", [2, 5, 12, 20, None, 9, 4])
    assert score_tool(capd) == "capd"
    data = render_history_chart(capd, EVENTS[:2], label="Bed 7", zone=BERLIN)
    assert png_size(data) == expected_size()


def test_incomplete_only_and_no_events() -> None:
    only_incomplete = [ChartPoint(START, "ice", None, 3, False)]
    assert score_tool(only_incomplete) == "ice"
    data = render_history_chart(only_incomplete, [], label="Bed 4", zone=BERLIN)
    assert png_size(data) == expected_size()


@pytest.mark.parametrize("events", [[], EVENTS[:1]])
def test_no_points_still_renders(events: list[ChartEvent]) -> None:
    assert png_size(render_history_chart([], events, label="Bed 4", zone=BERLIN))


def test_a_period_crossing_the_end_of_summer_time() -> None:
    # Europe/Berlin falls back from 03:00 CEST to 02:00 CET on 2026-10-25.
    start = dt.datetime(2026, 10, 24, 20, 0, tzinfo=dt.UTC)
    hourly = [
        ChartPoint(start + dt.timedelta(hours=h), "ice", 10 - h % 3, h % 3, True) for h in range(12)
    ]
    events = [ChartEvent(dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC), "hold")]
    data = render_history_chart(hourly, events, label="Bed 4", zone=BERLIN)
    assert png_size(data) == expected_size()


def test_mixed_tools_chart_the_ice_scores() -> None:
    mixed = points("ice", [10, 8]) + points("capd", [4], START + dt.timedelta(days=2))
    assert score_tool(mixed) == "ice"
    assert png_size(render_history_chart(mixed, [], label="Bed 4", zone=BERLIN))


def test_laboratory_values_add_a_third_panel() -> None:
    from bot.clinical.labs import LabTest
    from bot.services.labs import LabPoint

    labs = [
        LabPoint(LabTest.IL6, 12.0, START),
        LabPoint(LabTest.IL6, 2400.0, START + dt.timedelta(hours=20)),
        LabPoint(LabTest.CRP, 0.0, START),  # drawn at the log scale's floor
        LabPoint(LabTest.FERRITIN, 800.0, START + dt.timedelta(days=4)),  # beyond the checks
    ]
    data = render_history_chart(
        points("ice", [10, 9, 7]), EVENTS[:2], label="Bed 4", zone=BERLIN, labs=labs
    )
    assert png_size(data) == (800, 850)
    assert png_size(render_history_chart([], [], label="Bed 4", zone=BERLIN, labs=labs))


def test_the_bot_starts_without_matplotlib() -> None:
    """matplotlib is imported when the first chart is drawn, not by ``import bot.app``."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, bot.app; print('matplotlib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
