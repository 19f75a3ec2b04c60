"""The CRS questions of the check round: pure helpers for ``check_flow.py`` (no I/O, no words).

Asked after the ICANS domains when the check opened with ``answers["crs_ask"]`` set (the
service decides: during an intensive window, unless the ward switched CRS off). One tap per
question; the answers live under ``answers["crs"]``:

    temperature: 38.4                     pressure: Hypotension value
    oxygen: "none" | "low_flow" | "high_flow" | "positive_pressure"
    treated: "yes" | "no"   (antipyretic, tocilizumab or steroid since the last check)

Temperature buttons sit around the last recorded value (``answers["crs_last_c"]``), so the
usual answer is one tap; a typed value is accepted from 34.0 to 43.0 C (anything else is a
typing slip, not a temperature).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Final

from bot.clinical.crs import CrsInput
from bot.clinical.vocabulary import Hypotension, Oxygen

TEMPERATURE: Final = "temperature"
PRESSURE: Final = "pressure"
OXYGEN: Final = "oxygen"
TREATED: Final = "treated"
STEPS: Final = (TEMPERATURE, PRESSURE, OXYGEN, TREATED)
TYPE_IT: Final = "type"  # the "type it" button: no change, a hint
# The blood-pressure step's shortcut for the usual answer: no support, no oxygen, nothing
# given. Each of the three answers is still recorded (and editable from the summary).
NONE_GIVEN: Final = "nonegiven"
NONE_GIVEN_ANSWERS: Final[Mapping[str, str]] = {
    PRESSURE: Hypotension.NONE.value,
    OXYGEN: Oxygen.NONE.value,
    TREATED: "no",
}

LOWEST_C: Final = 34.0
HIGHEST_C: Final = 43.0
DEFAULT_LAST_C: Final = 37.0
BUTTON_OFFSETS: Final = (-0.5, 0.0, 0.5, 1.0, 1.5)

# The choices offered, in order; comfort oxygen is not offered (a nurse unsure whether the
# saturation is normal should not have to judge it at the bedside: low-flow is the safer tap).
CHOICES: Final[Mapping[str, tuple[str, ...]]] = {
    PRESSURE: tuple(h.value for h in Hypotension),
    OXYGEN: (
        Oxygen.NONE.value,
        Oxygen.LOW_FLOW.value,
        Oxygen.HIGH_FLOW.value,
        Oxygen.POSITIVE_PRESSURE.value,
    ),
    TREATED: ("yes", "no"),
}


class TemperatureProblem(StrEnum):
    """Why a typed temperature was not taken (the Telegram layer words it)."""

    NOT_A_NUMBER = "not_a_number"
    OUT_OF_RANGE = "out_of_range"


class TemperatureError(ValueError):
    """Not a temperature in 34.0-43.0 C: ``problem`` says why, ``text`` is what was typed
    (stripped), so the words can quote it."""

    def __init__(self, problem: TemperatureProblem, text: str) -> None:
        super().__init__(f"{problem.value}: {text!r}")
        self.problem = problem
        self.text = text


def parse_temperature(text: str) -> float:
    """``"38,4"``, ``"38.4"`` or ``"38.4 C"`` as 38.4; one decimal kept."""
    cleaned = text.strip().lower().removesuffix("c").removesuffix("°").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise TemperatureError(TemperatureProblem.NOT_A_NUMBER, text.strip()) from None
    if not math.isfinite(value) or not LOWEST_C <= value <= HIGHEST_C:
        raise TemperatureError(TemperatureProblem.OUT_OF_RANGE, text.strip())
    return round(value, 1)


def temperature_action(value: float) -> str:
    """The button action for a temperature: ``t38.5``."""
    return f"t{value:.1f}"


def temperature_from_action(action: str) -> float | None:
    """The temperature a ``t38.5`` action carries; None when it is not one (or is invalid)."""
    if not action.startswith("t") or action == TYPE_IT:
        return None
    try:
        return parse_temperature(action[1:])
    except TemperatureError:
        return None


def temperature_buttons(last_c: float | None) -> tuple[float, ...]:
    """Five values from half a degree below the last reading to 1.5 above, inside 34-43."""
    base = DEFAULT_LAST_C if last_c is None else last_c
    values = (round(base + offset, 1) for offset in BUTTON_OFFSETS)
    return tuple(v for v in values if LOWEST_C <= v <= HIGHEST_C)


def is_choice(step: str, action: str) -> bool:
    return action in CHOICES.get(step, ())


def asked(answers: Mapping[str, Any]) -> bool:
    return bool(answers.get("crs_ask"))


def crs_input(answers: Mapping[str, Any]) -> CrsInput | None:
    """The engine's input once every CRS question is answered; None otherwise."""
    given: Mapping[str, Any] = answers.get("crs", {})
    if not asked(answers) or any(step not in given for step in STEPS):
        return None
    return CrsInput(
        temperature_c=float(given[TEMPERATURE]),
        fever_treated=given[TREATED] == "yes",
        hypotension=Hypotension(given[PRESSURE]),
        oxygen=Oxygen(given[OXYGEN]),
    )
