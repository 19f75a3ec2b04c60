"""The CRS questions and the CRS grade as a phone shows them (words only; rules elsewhere).

Buttons are built by the caller's ``button(text, action)`` so that they carry the check's
callback data; every label names its question, so a tap read back later is unambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from telegram import InlineKeyboardButton

from bot.clinical import CrsResult, Flag, Hypotension, Oxygen, check_crs

Button = Callable[[str, str], InlineKeyboardButton]
Rows = list[list[InlineKeyboardButton]]

PRESSURE_LABELS: Final[Mapping[str, str]] = {
    Hypotension.NONE: "BP: no support",
    Hypotension.FLUIDS_ONLY: "BP: responds to fluids",
    Hypotension.ONE_VASOPRESSOR: "BP: one vasopressor",
    Hypotension.MULTIPLE_VASOPRESSORS: "BP: several vasopressors",
}
OXYGEN_LABELS: Final[Mapping[str, str]] = {
    Oxygen.NONE: "O2: none",
    Oxygen.LOW_FLOW: "O2: low-flow, 6 L/min or less",
    Oxygen.HIGH_FLOW: "O2: high-flow or mask",
    Oxygen.POSITIVE_PRESSURE: "O2: CPAP/BiPAP/ventilated",
}
TREATED_LABELS: Final[Mapping[str, str]] = {
    "yes": "Given: antipyretic, tocilizumab or steroid",
    "no": "None of these given",
}
# One tap for the usual answers of the three questions after the temperature.
NONE_GIVEN_LABEL: Final = "No support, no oxygen, nothing given"
TITLES: Final[Mapping[str, str]] = {
    check_crs.TEMPERATURE: "CRS: temperature",
    check_crs.PRESSURE: "CRS: blood pressure support",
    check_crs.OXYGEN: "CRS: oxygen",
    check_crs.TREATED: "CRS: treatment given",
}
_SHORT: Final[Mapping[str, str]] = {
    Hypotension.NONE: "no BP support",
    Hypotension.FLUIDS_ONLY: "BP responds to fluids",
    Hypotension.ONE_VASOPRESSOR: "one vasopressor",
    Hypotension.MULTIPLE_VASOPRESSORS: "several vasopressors",
    f"o2.{Oxygen.NONE}": "no oxygen",
    f"o2.{Oxygen.LOW_FLOW}": "low-flow oxygen",
    f"o2.{Oxygen.HIGH_FLOW}": "high-flow oxygen or mask",
    f"o2.{Oxygen.POSITIVE_PRESSURE}": "positive pressure",
}


def step(step: str, answers: Mapping[str, Any], button: Button) -> tuple[str, Rows]:
    """The question and its buttons for one CRS step."""
    if step == check_crs.TEMPERATURE:
        values = check_crs.temperature_buttons(answers.get("crs_last_c"))
        row = [button(f"{v:.1f} °C", check_crs.temperature_action(v)) for v in values]
        last = answers.get("crs_last_c")
        since = f" (last recorded {last:.1f} °C)" if last is not None else ""
        return (
            f"CRS. Temperature now{since}? Tap it, or type it (34.0-43.0, e.g. 38.4).",
            [row[:3], row[3:], [button("Type it", check_crs.TYPE_IT)]],
        )
    if step == check_crs.PRESSURE:
        return "CRS. Blood pressure: what support does the patient need?", [
            [button(NONE_GIVEN_LABEL, check_crs.NONE_GIVEN)],
            *_choices(step, PRESSURE_LABELS, button),
        ]
    if step == check_crs.OXYGEN:
        return "CRS. Oxygen: what does the patient need?", _choices(step, OXYGEN_LABELS, button)
    return (
        "CRS. Since the last check, was an antipyretic (e.g. paracetamol), tocilizumab or a "
        "steroid given?",
        _choices(step, TREATED_LABELS, button),
    )


def _choices(step: str, labels: Mapping[str, str], button: Button) -> Rows:
    return [[button(labels[value], value)] for value in check_crs.CHOICES[step]]


def summary_lines(answers: Mapping[str, Any], crs: CrsResult | None) -> list[str]:
    """What the nurse reviews: the answers, and the grade once all four are in."""
    if not check_crs.asked(answers):
        return []
    given: Mapping[str, Any] = answers.get("crs", {})
    if crs is None:
        return ["CRS: not finished"]
    return [f"CRS: {inputs_text(given)}"]


def inputs_text(given: Mapping[str, Any]) -> str:
    """ "38.6 °C, one vasopressor, no oxygen, no antipyretic/tocilizumab/steroid"."""
    treated = given.get("treated") in ("yes", True)
    return ", ".join(
        [
            f"{float(given['temperature']):.1f} °C" if "temperature" in given else "? °C",
            _SHORT.get(str(given.get("pressure") or given.get("hypotension")), "?"),
            _SHORT.get(f"o2.{given.get('oxygen')}", "?"),
            "antipyretic/tocilizumab/steroid given"
            if treated
            else "no antipyretic/tocilizumab/steroid",
        ]
    )


def grade_text(crs: CrsResult) -> str:
    """ "CRS grade 3 (ASTCT)", with the engine's no-fever flag spelled out."""
    text = f"CRS grade {crs.crs_grade} (ASTCT)"
    if Flag.NO_FEVER_UNTREATED in crs.flags:
        text += ": organ support without fever or treatment, not CRS by ASTCT; judge the cause"
    return text
