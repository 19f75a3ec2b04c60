"""A check's result as the nurse reviews it before Submit and as it stays afterwards; the
grade lines alerts reuse."""

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
from bot.telegram import crs_views
from bot.telegram.check_labels import (
    CONSCIOUSNESS_LABELS,
    FINDING_LABELS,
    ITEM_LABELS,
    SEIZURE_LABELS,
    URGENCY_ADVICE,
)


def summary_text(view: CheckView, zone: ZoneInfo) -> str:
    """The result as the nurse reviews it before Submit, and as it stays afterwards."""
    answers = view.answers
    lines = [f"Consciousness: {_consciousness(answers)}"]
    if view.grade is not None:
        lines.append(_cognitive(view, view.grade))
    lines.append(f"Seizure: {SEIZURE_LABELS[Seizure(answers.get('seizure', 'none'))].lower()}")
    lines.append(f"Motor: {_findings(answers.get(check_flow.MOTOR, []))}")
    lines.append(f"ICP / imaging: {_findings(answers.get(check_flow.ICP, []))}")
    lines += crs_views.summary_lines(answers, view.crs)
    if view.note:
        lines.append(f"Note: {view.note}")
    if view.has_photo:
        lines.append("Handwriting photo: attached")
    if view.grade is not None:
        grades = grade_line(view.grade)
        if view.crs is not None:
            grades += f" · {crs_views.grade_text(view.crs)}"
        lines += ["", grades, *_changes(view, zone)]
    if view.triggers is not None and view.triggers.urgency in URGENCY_ADVICE:
        lines += ["", URGENCY_ADVICE[view.triggers.urgency]]
    return "\n".join(lines)


def grade_line(result: IcansResult) -> str:
    """ "ICANS grade 2", or "ICANS: at least grade 2 (incomplete)" / "not gradable"."""
    return f"ICANS {grade_words(result)}"


def reference_line(name: str, summary: GradeSummary, zone: ZoneInfo) -> str:
    """ "Baseline (24 Nov 09:00): grade 1, ICE 9/10": an earlier grade an alert is read
    against (a baseline deficit is shown, so that nobody mistakes it for a new one)."""
    result = summary.result
    score = result.score()
    scale = "CAPD" if result.tool is Tool.CAPD else "ICE"
    most = 32 if result.tool is Tool.CAPD else 10
    scored = f", {scale} {score}/{most}" if score is not None else ""
    return f"{name} ({_when(summary, zone)}): {grade_words(result)}{scored}"


def grade_words(result: IcansResult) -> str:
    if result.complete:
        return f"grade {result.icans_grade}"
    if result.icans_grade is None:
        return "not gradable (incomplete)"
    return f"at least grade {result.icans_grade} (incomplete)"


def _consciousness(answers: Mapping[str, Any]) -> str:
    value = answers.get("consciousness")
    return CONSCIOUSNESS_LABELS[Consciousness(value)].lower() if value else "-"


def _cognitive(view: CheckView, grade: IcansResult) -> str:
    if view.tool is Tool.CAPD:
        score = "not assessable" if grade.capd_score is None else f"{grade.capd_score}/32"
        return f"CAPD: {score}"
    if view.answers.get("consciousness") == Consciousness.UNAROUSABLE:
        return "ICE: 0/10 (unarousable, not performed)"
    ice: Mapping[str, str] = view.answers.get("ice", {})
    score = "incomplete" if grade.ice_score is None else f"{grade.ice_score}/10"
    parts = [
        f"orientation {_points(ice, check_flow.ORIENTATION_ITEMS)}",
        f"naming {_points(ice, check_flow.NAMING_ITEMS)}",
        *(f"{ITEM_LABELS[i].lower()} {_mark(ice.get(i.value))}" for i in check_flow.TASK_ITEMS),
    ]
    return f"ICE: {score} ({', '.join(parts)})"


def _points(ice: Mapping[str, str], items: Sequence[IceItem]) -> str:
    if any(ice.get(i.value) == ItemAnswer.NOT_ASSESSABLE for i in items):
        return "n/a"
    return f"{sum(ice.get(i.value) == ItemAnswer.CORRECT for i in items)}/{len(items)}"


def _mark(answer: str | None) -> str:
    return {"correct": "✓", "wrong": "✗", "not_assessable": "n/a"}.get(answer or "", "-")


def _findings(values: Sequence[str]) -> str:
    return ", ".join(FINDING_LABELS[v].lower() for v in values) if values else "none"


def _changes(view: CheckView, zone: ZoneInfo) -> list[str]:
    lines = []
    for name, summary in (("previous check", view.previous), ("baseline", view.baseline)):
        if summary is not None:
            lines.append(f"vs {name} ({_when(summary, zone)}): {_compare(summary.result, view)}")
    return lines or ["No earlier check to compare with."]


def _compare(before: IcansResult, view: CheckView) -> str:
    assert view.grade is not None
    old, new = before.known_grade, view.grade.known_grade
    arrow = "▲ worse" if new > old else "▼ better" if new < old else "same grade"
    score_before = before.score()
    score = f"score {score_before}" if score_before is not None else "score n/a"
    return f"was {grade_words(before)}, {score}: {arrow}"


def _when(summary: GradeSummary, zone: ZoneInfo) -> str:
    return summary.at.astimezone(zone).strftime("%d %b %H:%M")
