"""Words of the laboratory values: the tests' names and the refusals of a value typed in the
chat (``lab.*``) or read from a file (``lab_file.*``; see ``bot.telegram.words``).

The chat says them in the reader's language; the command line (``neurocheck labs import``)
in English, word for word as the parser once worded them. What a person types stays as typed
(the value, its unit, the test as the file names it); a test is named in the language
(白介素-6, C反应蛋白, 铁蛋白), its unit never translated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from bot.clinical.labs import CANONICAL_UNIT, LabTest
from bot.services.errors import RefusedError
from bot.telegram.i18n import ENGLISH, N_, gettext

TEST_NAMES: Final[Mapping[LabTest, str]] = {
    LabTest.IL6: N_("IL-6"),
    LabTest.CRP: N_("CRP"),
    LabTest.FERRITIN: N_("ferritin"),
}


def lab_name(test: LabTest | str, language: str = ENGLISH) -> str:
    """The test as the reader names it: "IL-6" in English, "白介素-6" in Chinese."""
    return gettext(language, TEST_NAMES[LabTest(test)])


def shown(test: LabTest, value: float, language: str = ENGLISH) -> str:
    """ "IL-6 850 pg/mL" ("白介素-6 850 pg/mL"): no trailing zeros, the canonical unit."""
    return f"{lab_name(test, language)} {value:g} {CANONICAL_UNIT[test]}"


def _implausible(text: str, test: str, language: str = ENGLISH) -> str:
    words = gettext(language, N_("{text!r} is not a plausible {test} value"))
    return words.format(text=text, test=lab_name(test, language))


def _unit(
    test: str, unit: str, canonical: str, accepted: Sequence[str], language: str = ENGLISH
) -> str:
    words = N_(
        "{test} in {unit!r} is not accepted: give it in {canonical} (accepted units: {accepted})"
    )
    return gettext(language, words).format(
        test=lab_name(test, language),
        unit=unit,
        canonical=canonical,
        accepted=gettext(language, ", ").join(accepted),
    )


def _sampled_at(cause: RefusedError, language: str = ENGLISH) -> str:
    from bot.telegram.words import refusal  # the catalogue imports this module

    return gettext(language, N_("sampled_at: {cause}")).format(cause=refusal(cause, language))


REFUSALS: dict[str, str | Callable[..., str]] = {
    "lab.unknown_test": N_("unknown test {text!r}: IL-6, CRP or ferritin"),
    "lab.not_a_number": N_("{text!r} is not a number"),
    "lab.implausible": _implausible,
    "lab.unit": _unit,
    "lab.no_value": N_("type the value, e.g. 850"),
    "lab.sampled_at": _sampled_at,
    # The file's own refusals: the command line's, in English (a sample time in the future is
    # the chat's too, after the value).
    "lab_file.no_values": "no values in the file, only the header",
    "lab_file.future": N_("{text!r} is in the future"),
    "lab_file.no_ward": "no ward {ward}",
    "lab_file.no_patient": "no admitted patient {label!r} on {ward}",
}
