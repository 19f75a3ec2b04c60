"""A check's result as the nurse reviews it before Submit and as it stays afterwards; the
grade lines alerts reuse. In the reader's language (``language``, English by default)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.clinical import (
    Consciousness,
    IcansResult,
    IceItem,
    ItemAnswer,
    Seizure,
    Tool,
    check_flow,
)
from bot.services.checks import CheckView
from bot.services.grades import GradeSummary
from bot.telegram import crs_views, i18n
from bot.telegram.check_labels import (
    CONSCIOUSNESS_LABELS,
    FINDING_LABELS,
    ITEM_LABELS,
    SEIZURE_LABELS,
    URGENCY_ADVICE,
)
from bot.telegram.i18n import ENGLISH, N_, gettext


def summary_text(view: CheckView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """The result as the nurse reviews it before Submit, and as it stays afterwards."""
    answers = view.answers

    def line(template: str, **facts: str) -> str:
        return gettext(language, template).format(**facts)

    seizure = gettext(language, SEIZURE_LABELS[Seizure(answers.get("seizure", "none"))])
    lines = [line(N_("Consciousness: {state}"), state=_consciousness(answers, language))]
    if view.grade is not None:
        lines.append(_cognitive(view, view.grade, language))
    lines.append(line(N_("Seizure: {seizure}"), seizure=seizure.lower()))
    lines.append(
        line(N_("Motor: {findings}"), findings=_findings(answers, check_flow.MOTOR, language))
    )
    lines.append(
        line(N_("ICP / imaging: {findings}"), findings=_findings(answers, check_flow.ICP, language))
    )
    lines += crs_views.summary_lines(answers, view.crs, language)
    if view.note:
        lines.append(line(N_("Note: {note}"), note=view.note))
    if view.has_photo:
        lines.append(gettext(language, "Handwriting photo: attached"))
    if view.grade is not None:
        grades = grade_line(view.grade, language)
        if view.crs is not None:
            grades += f" · {crs_views.grade_text(view.crs, language)}"
        lines += ["", grades, *_changes(view, zone, language)]
    if view.triggers is not None and view.triggers.urgency in URGENCY_ADVICE:
        lines += ["", gettext(language, URGENCY_ADVICE[view.triggers.urgency])]
    return "\n".join(lines)


def grade_line(result: IcansResult, language: str = ENGLISH) -> str:
    """ "ICANS grade 2", or "ICANS: at least grade 2 (incomplete)" / "not gradable"."""
    return f"ICANS {grade_words(result, language)}"


def reference_line(
    name: str, summary: GradeSummary, zone: ZoneInfo, language: str = ENGLISH
) -> str:
    """ "Baseline (24 Nov 09:00): grade 1, ICE 9/10": an earlier grade an alert is read
    against (a baseline deficit is shown, so that nobody mistakes it for a new one)."""
    result = summary.result
    score = result.score()
    scale = "CAPD" if result.tool is Tool.CAPD else "ICE"
    most = 32 if result.tool is Tool.CAPD else 10
    scored = f", {scale} {score}/{most}" if score is not None else ""
    return f"{name} ({_when(summary, zone, language)}): {grade_words(result, language)}{scored}"


def grade_words(result: IcansResult, language: str = ENGLISH) -> str:
    if result.complete:
        return gettext(language, "grade {grade}").format(grade=result.icans_grade)
    if result.icans_grade is None:
        return gettext(language, "not gradable (incomplete)")
    template = gettext(language, "at least grade {grade} (incomplete)")
    return template.format(grade=result.icans_grade)


def _consciousness(answers: Mapping[str, Any], language: str) -> str:
    value = answers.get("consciousness")
    return gettext(language, CONSCIOUSNESS_LABELS[Consciousness(value)]).lower() if value else "-"


def _cognitive(view: CheckView, grade: IcansResult, language: str) -> str:
    if view.tool is Tool.CAPD:
        if grade.capd_score is None:
            score = gettext(language, "not assessable")
        else:
            score = f"{grade.capd_score}/32"
        return gettext(language, "CAPD: {score}").format(score=score)
    if view.answers.get("consciousness") == Consciousness.UNAROUSABLE:
        return gettext(language, "ICE: 0/10 (unarousable, not performed)")
    ice: Mapping[str, str] = view.answers.get("ice", {})
    incomplete = gettext(language, "incomplete")
    score = incomplete if grade.ice_score is None else f"{grade.ice_score}/10"
    orientation = _points(ice, check_flow.ORIENTATION_ITEMS)
    naming = _points(ice, check_flow.NAMING_ITEMS)
    parts = [
        gettext(language, "orientation {points}").format(points=orientation),
        gettext(language, "naming {points}").format(points=naming),
        *(
            f"{gettext(language, ITEM_LABELS[i]).lower()} {_mark(ice.get(i.value))}"
            for i in check_flow.TASK_ITEMS
        ),
    ]
    parts_said = gettext(language, ", ").join(parts)
    return gettext(language, "ICE: {score} ({parts})").format(score=score, parts=parts_said)


def _points(ice: Mapping[str, str], items: Sequence[IceItem]) -> str:
    if any(ice.get(i.value) == ItemAnswer.NOT_ASSESSABLE for i in items):
        return "n/a"
    return f"{sum(ice.get(i.value) == ItemAnswer.CORRECT for i in items)}/{len(items)}"


def _mark(answer: str | None) -> str:
    return {"correct": "✓", "wrong": "✗", "not_assessable": "n/a"}.get(answer or "", "-")


def _findings(answers: Mapping[str, Any], step: str, language: str) -> str:
    values: Sequence[str] = answers.get(step, [])
    if not values:
        return gettext(language, "none")
    return gettext(language, ", ").join(
        gettext(language, FINDING_LABELS[v]).lower() for v in values
    )


def _changes(view: CheckView, zone: ZoneInfo, language: str) -> list[str]:
    lines = []
    earlier = (
        (gettext(language, "vs previous check ({when}): {change}"), view.previous),
        (gettext(language, "vs baseline ({when}): {change}"), view.baseline),
    )
    for template, summary in earlier:
        if summary is not None:
            change = _compare(summary.result, view, language)
            lines.append(template.format(when=_when(summary, zone, language), change=change))
    return lines or [gettext(language, "No earlier check to compare with.")]


def _compare(before: IcansResult, view: CheckView, language: str) -> str:
    assert view.grade is not None
    old, new = before.known_grade, view.grade.known_grade
    if new > old:
        arrow = gettext(language, "▲ worse")
    elif new < old:
        arrow = gettext(language, "▼ better")
    else:
        arrow = gettext(language, "same grade")
    score_before = before.score()
    if score_before is not None:
        score = gettext(language, "score {score}").format(score=score_before)
    else:
        score = gettext(language, "score n/a")
    was = gettext(language, "was {grade}, {score}: {arrow}")
    return was.format(grade=grade_words(before, language), score=score, arrow=arrow)


def _when(summary: GradeSummary, zone: ZoneInfo, language: str) -> str:
    return i18n.moment(summary.at, zone, language)
