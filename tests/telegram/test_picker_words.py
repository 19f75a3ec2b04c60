"""Why a patient stands where it does in the picker, in each language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.i18n import CHINESE, ENGLISH
from bot.telegram.picker import due_words

NOW = dt.datetime(2026, 11, 24, 9, 0, 30, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("due", "english", "chinese"),
    [
        (NOW - dt.timedelta(seconds=20), "due now", "现在到期"),
        (NOW - dt.timedelta(minutes=25), "overdue 25 min", "已超时 25 分钟"),
        (NOW - dt.timedelta(hours=3), "overdue 3 h", "已超时 3 小时"),
        (NOW + dt.timedelta(hours=1), "due 11:00", "11:00 到期"),
        (None, "", ""),
    ],
)
def test_due_words(due: dt.datetime | None, english: str, chinese: str) -> None:
    assert due_words(due, NOW, BERLIN, ENGLISH) == english
    assert due_words(due, NOW, BERLIN, CHINESE) == chinese
