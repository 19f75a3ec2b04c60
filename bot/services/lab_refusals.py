"""Why a laboratory value typed in the chat or read from a file was not recorded: the refusal
codes of the ``lab`` area, and the value parser's problems (``bot.clinical.labs``) as refusals.

Words: ``bot.telegram.words.labs``.
"""

from __future__ import annotations

from typing import Final

from bot.clinical.labs import LabInputError, LabProblem
from bot.services.errors import RefusalCode, RefusedError


class LabRefusal(RefusalCode):
    UNKNOWN_TEST = "lab.unknown_test"
    """Not IL-6, CRP or ferritin (facts: ``text``, as typed)."""
    NOT_A_NUMBER = "lab.not_a_number"
    """The value is not a number (facts: ``text``)."""
    IMPLAUSIBLE = "lab.implausible"
    """A value no patient has: negative, or a typing slip (facts: ``text``, ``test``)."""
    UNIT = "lab.unit"
    """A unit the test is not accepted in (facts: ``test``, ``unit`` as typed, ``canonical``,
    ``accepted``: a tuple of units)."""
    NO_VALUE = "lab.no_value"
    """Nothing typed."""
    SAMPLED_AT = "lab.sampled_at"
    """The sample time typed after the value was refused (facts: ``cause``, that refusal)."""


_BY_PROBLEM: Final = {
    LabProblem.UNKNOWN_TEST: LabRefusal.UNKNOWN_TEST,
    LabProblem.NOT_A_NUMBER: LabRefusal.NOT_A_NUMBER,
    LabProblem.IMPLAUSIBLE: LabRefusal.IMPLAUSIBLE,
    LabProblem.UNIT: LabRefusal.UNIT,
}


def refused(error: LabInputError) -> RefusedError:
    """The parser's problem as the refusal the chat and the command line word."""
    return RefusedError(_BY_PROBLEM[error.problem], **error.facts)
