"""The words of ``/history`` in the reader's language: the summary, one line per recent check
or event, the latest laboratory values, the chart's caption, and the command's usage.

The handler is ``bot.telegram.events`` (with ``/event``); the chart is ``charts``. A date is
written as the language writes it (English as it always has: "24 Nov 09:00").
"""

from __future__ import annotations

from typing import Final
from zoneinfo import ZoneInfo

from bot.clinical import Seizure
from bot.services.history import CHART_DAYS, History, HistoryRow
from bot.telegram import check_views, i18n
from bot.telegram.i18n import N_, gettext
from bot.telegram.labs import labs_lines, when

USAGE: Final = N_("Usage: /history <patient label>, e.g. /history Bed 4")


def finding_words(finding: str, language: str) -> str:
    """An event's finding (``seizure.resolved_rapidly``, ``tremor``) as its button says it."""
    domain, _, value = finding.partition(".")
    if domain == "seizure":
        label = check_views.SEIZURE_LABELS[Seizure(value)]
    else:
        label = check_views.FINDING_LABELS[value]
    return gettext(language, label)


def caption(history: History, tool: str, language: str) -> str:
    """The chart's caption: "Bed 4: ICE and ICANS grade, last 14 days"."""
    template = gettext(language, N_("{label}: {tool} and ICANS grade, last {days} days"))
    return template.format(label=history.label, tool=tool, days=CHART_DAYS)


def history_text(history: History, zone: ZoneInfo, language: str) -> str:
    _ = i18n.translations(language).gettext
    labs = labs_lines(history.latest_labs, zone, language)
    if not history.rows:
        none_yet = _(N_("{label}: no checks yet. Start one with /check {label}"))
        return "\n".join([none_yet.format(label=history.label), *labs])
    worst = (
        "-"
        if history.worst_grade is None
        else _(N_("grade {grade}")).format(grade=history.worst_grade)
    )
    latest = check_views.grade_words(history.rows[0].result, language)
    lines = [
        _(N_("{label}: latest {latest}; worst so far {worst}.")).format(
            label=history.label, latest=latest, worst=worst
        ),
        _(
            N_("Seizures reported as events: {events}; checks recording a seizure: {checks}.")
        ).format(events=history.seizure_events, checks=history.checks_with_seizure),
        "",
    ]
    lines += [_row(row, zone, language) for row in history.rows]
    return "\n".join([*lines, *labs])


def _row(row: HistoryRow, zone: ZoneInfo, language: str) -> str:
    """ "24 Nov 09:00 · ICE 10 · CRS grade 3, 38.5 °C · grade 0 · Nurse Ada"."""
    _ = i18n.translations(language).gettext
    if row.event:
        what = _(N_("event: {finding}")).format(finding=finding_words(row.event, language).lower())
    else:
        score = row.result.score()
        what = f"{row.result.tool.value.upper()} {'n/a' if score is None else score}"
        if row.is_baseline:
            what = _(N_("{score} (baseline)")).format(score=what)
    if row.crs_grade is not None:
        if row.temperature_c is None:
            crs = _(N_("CRS grade {grade}")).format(grade=row.crs_grade)
        else:
            crs = _(N_("CRS grade {grade}, {temperature} °C")).format(
                grade=row.crs_grade, temperature=f"{row.temperature_c:.1f}"
            )
        what += f" · {crs}"
    grade = check_views.grade_words(row.result, language)
    return f"{when(row.at, zone, language)} · {what} · {grade} · {row.by}"
