"""/history's words in both languages (issue 17): English word for word as it always read,
Simplified Chinese with the catalogue's terms and dates as Chinese writes them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.clinical import Domain, IcansResult, Tool
from bot.clinical.labs import LabTest
from bot.services.history import History, HistoryRow
from bot.services.labs import LabPoint
from bot.telegram.history_texts import caption, history_text
from bot.telegram.i18n import CHINESE, ENGLISH

BERLIN = ZoneInfo("Europe/Berlin")
AT = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)  # 09:00 in Berlin


def result(grade: int | None, ice: int | None, *, complete: bool = True) -> IcansResult:
    return IcansResult(
        tool=Tool.ICE,
        ice_score=ice,
        capd_score=None,
        domain_grades=dict.fromkeys(Domain, 0),
        icans_grade=grade,
        complete=complete,
        flags=frozenset(),
    )


LABS = [LabPoint(LabTest.IL6, 1250.0, AT - dt.timedelta(minutes=30))]
HISTORY = History(
    label="Bed 4",
    rows=[
        HistoryRow(
            AT + dt.timedelta(hours=4),
            result(3, None, complete=False),
            "Nurse Ada",
            event="seizure.resolved_rapidly",
        ),
        HistoryRow(AT, result(0, 10), "Nurse Ada", crs_grade=3, temperature_c=38.5),
        HistoryRow(AT - dt.timedelta(days=1), result(1, 8), "Nurse Li", is_baseline=True),
    ],
    worst_grade=3,
    seizure_events=1,
    checks_with_seizure=0,
    latest_labs=LABS,
)


def test_the_history_in_english_word_for_word() -> None:
    assert history_text(HISTORY, BERLIN, ENGLISH).splitlines() == [
        "Bed 4: latest at least grade 3 (incomplete); worst so far grade 3.",
        "Seizures reported as events: 1; checks recording a seizure: 0.",
        "",
        "24 Nov 13:00 · event: seizure, resolved rapidly · at least grade 3 (incomplete) "
        "· Nurse Ada",
        "24 Nov 09:00 · ICE 10 · CRS grade 3, 38.5 °C · grade 0 · Nurse Ada",
        "23 Nov 09:00 · ICE 8 (baseline) · grade 1 · Nurse Li",
        "Labs: IL-6 1250 pg/mL (24 Nov 08:30)",
    ]


def test_the_history_in_chinese() -> None:
    assert history_text(HISTORY, BERLIN, CHINESE).splitlines() == [
        "Bed 4：最近分级 至少 3 级（不完整）；迄今最重 3 级。",
        "作为事件报告的癫痫发作：1 次；记录到癫痫发作的评估：0 次。",
        "",
        "11月24日 13:00 · 事件：癫痫发作，已迅速缓解 · 至少 3 级（不完整） · Nurse Ada",
        "11月24日 09:00 · ICE 10 · CRS 3 级，38.5 °C · 0 级 · Nurse Ada",
        "11月23日 09:00 · ICE 8（基线） · 1 级 · Nurse Li",
        "检验：白介素-6 1250 pg/mL（11月24日 08:30）",
    ]


def test_no_checks_yet_and_the_caption() -> None:
    empty = History(label="床5", rows=[], worst_grade=None, seizure_events=0, checks_with_seizure=0)
    assert history_text(empty, BERLIN, ENGLISH) == "床5: no checks yet. Start one with /check 床5"
    assert history_text(empty, BERLIN, CHINESE) == "床5：尚无评估。用 /check 床5 开始评估"
    assert caption(HISTORY, "ICE", ENGLISH) == "Bed 4: ICE and ICANS grade, last 14 days"
    assert caption(HISTORY, "CAPD", CHINESE) == "Bed 4：CAPD 评分与 ICANS 分级，近 14 天"
