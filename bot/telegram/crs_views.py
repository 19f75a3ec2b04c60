"""The CRS questions and the CRS grade as a phone shows them (words only; rules elsewhere).

Buttons are built by the caller's ``button(text, action)`` so that they carry the check's
callback data; every label names its question, so a tap read back later is unambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from telegram import InlineKeyboardButton

from bot.clinical import CrsResult, Flag, Hypotension, Oxygen, check_crs
from bot.telegram.i18n import ENGLISH, N_, gettext

Button = Callable[[str, str], InlineKeyboardButton]
Rows = list[list[InlineKeyboardButton]]

PRESSURE_LABELS: Final[Mapping[str, str]] = {
    Hypotension.NONE: N_("BP: no support"),
    Hypotension.FLUIDS_ONLY: N_("BP: responds to fluids"),
    Hypotension.ONE_VASOPRESSOR: N_("BP: one vasopressor"),
    Hypotension.MULTIPLE_VASOPRESSORS: N_("BP: several vasopressors"),
}
OXYGEN_LABELS: Final[Mapping[str, str]] = {
    Oxygen.NONE: N_("O2: none"),
    Oxygen.LOW_FLOW: N_("O2: low-flow, 6 L/min or less"),
    Oxygen.HIGH_FLOW: N_("O2: high-flow or mask"),
    Oxygen.POSITIVE_PRESSURE: N_("O2: CPAP/BiPAP/ventilated"),
}
TREATED_LABELS: Final[Mapping[str, str]] = {
    "yes": N_("Given: antipyretic, tocilizumab or steroid"),
    "no": N_("None of these given"),
}
# One tap for the usual answers of the three questions after the temperature.
NONE_GIVEN_LABEL: Final = N_("No support, no oxygen, nothing given")
TITLES: Final[Mapping[str, str]] = {
    check_crs.TEMPERATURE: N_("CRS: temperature"),
    check_crs.PRESSURE: N_("CRS: blood pressure support"),
    check_crs.OXYGEN: N_("CRS: oxygen"),
    check_crs.TREATED: N_("CRS: treatment given"),
}
_SHORT: Final[Mapping[str, str]] = {
    Hypotension.NONE: N_("no BP support"),
    Hypotension.FLUIDS_ONLY: N_("BP responds to fluids"),
    Hypotension.ONE_VASOPRESSOR: N_("one vasopressor"),
    Hypotension.MULTIPLE_VASOPRESSORS: N_("several vasopressors"),
    f"o2.{Oxygen.NONE}": N_("no oxygen"),
    f"o2.{Oxygen.LOW_FLOW}": N_("low-flow oxygen"),
    f"o2.{Oxygen.HIGH_FLOW}": N_("high-flow oxygen or mask"),
    f"o2.{Oxygen.POSITIVE_PRESSURE}": N_("positive pressure"),
}


def step(
    step: str, answers: Mapping[str, Any], button: Button, language: str = ENGLISH
) -> tuple[str, Rows]:
    """The question and its buttons for one CRS step."""
    if step == check_crs.TEMPERATURE:
        values = check_crs.temperature_buttons(answers.get("crs_last_c"))
        row = [button(f"{v:.1f} °C", check_crs.temperature_action(v)) for v in values]
        last = answers.get("crs_last_c")
        since = (
            gettext(language, " (last recorded {last} °C)").format(last=f"{last:.1f}")
            if last is not None
            else ""
        )
        ask = gettext(
            language, "CRS. Temperature now{since}? Tap it, or type it (34.0-43.0, e.g. 38.4)."
        )
        return (
            ask.format(since=since),
            [row[:3], row[3:], [button(gettext(language, "Type it"), check_crs.TYPE_IT)]],
        )
    if step == check_crs.PRESSURE:
        return gettext(language, "CRS. Blood pressure: what support does the patient need?"), [
            [button(gettext(language, NONE_GIVEN_LABEL), check_crs.NONE_GIVEN)],
            *_choices(step, PRESSURE_LABELS, button, language),
        ]
    if step == check_crs.OXYGEN:
        return gettext(language, "CRS. Oxygen: what does the patient need?"), _choices(
            step, OXYGEN_LABELS, button, language
        )
    return (
        gettext(
            language,
            "CRS. Since the last check, was an antipyretic (e.g. paracetamol), tocilizumab or "
            "a steroid given?",
        ),
        _choices(step, TREATED_LABELS, button, language),
    )


def _choices(step: str, labels: Mapping[str, str], button: Button, language: str) -> Rows:
    return [[button(gettext(language, labels[value]), value)] for value in check_crs.CHOICES[step]]


def summary_lines(
    answers: Mapping[str, Any], crs: CrsResult | None, language: str = ENGLISH
) -> list[str]:
    """What the nurse reviews: the answers, and the grade once all four are in."""
    if not check_crs.asked(answers):
        return []
    given: Mapping[str, Any] = answers.get("crs", {})
    if crs is None:
        return [gettext(language, "CRS: not finished")]
    return [gettext(language, "CRS: {inputs}").format(inputs=inputs_text(given, language))]


def inputs_text(given: Mapping[str, Any], language: str = ENGLISH) -> str:
    """ "38.6 °C, one vasopressor, no oxygen, no antipyretic/tocilizumab/steroid"."""
    treated = given.get("treated") in ("yes", True)
    pressure = _SHORT.get(str(given.get("pressure") or given.get("hypotension")))
    oxygen = _SHORT.get(f"o2.{given.get('oxygen')}")
    return gettext(language, ", ").join(
        [
            f"{float(given['temperature']):.1f} °C" if "temperature" in given else "? °C",
            gettext(language, pressure) if pressure else "?",
            gettext(language, oxygen) if oxygen else "?",
            gettext(language, "antipyretic/tocilizumab/steroid given")
            if treated
            else gettext(language, "no antipyretic/tocilizumab/steroid"),
        ]
    )


def grade_text(crs: CrsResult, language: str = ENGLISH) -> str:
    """ "CRS grade 3 (ASTCT)", with the engine's no-fever flag spelled out."""
    text = gettext(language, "CRS grade {grade} (ASTCT)").format(grade=crs.crs_grade)
    if Flag.NO_FEVER_UNTREATED in crs.flags:
        text += gettext(
            language,
            ": organ support without fever or treatment, not CRS by ASTCT; judge the cause",
        )
    return text
