"""The catalogue: every refusal's words, keyed by its code.

Each area keeps its own module here (``patients``, ``checks`` ...) with a ``REFUSALS`` dict from
code value to words: a ``str.format`` template over the refusal's facts, or a function of the
facts where a template cannot say it (a date in the ward's time, a list). This module merges
them; ``tests/telegram/test_words.py`` fails when a code has no words or words have no code.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from bot.services.errors import RefusedError
from bot.telegram.i18n import ENGLISH, gettext
from bot.telegram.words import (
    alerts,
    checks,
    common,
    duty,
    events,
    export,
    files,
    labs,
    patients,
    plans,
    staff,
    time,
)

Words = str | Callable[..., str]

REFUSALS: Mapping[str, Words] = {
    **common.REFUSALS,
    **patients.REFUSALS,
    **plans.REFUSALS,
    **checks.REFUSALS,
    **labs.REFUSALS,
    **events.REFUSALS,
    **alerts.REFUSALS,
    **duty.REFUSALS,
    **staff.REFUSALS,
    **export.REFUSALS,
    **files.REFUSALS,
    **time.REFUSALS,
}


def refusal(refused: RefusedError, language: str = ENGLISH) -> str:
    """The sentence for a refusal, for a chat or the command line (always English there).

    A template is said in ``language`` where the catalogue has it (the checks', alerts' and
    laboratory values' refusals so far); so is a function's sentence when it is one of the
    catalogue's whole messages (the alerts' reasons for a closed alert); a function with a
    ``language`` parameter is handed it (one that names a fact in the language, such as a
    laboratory test); the others are English.
    """
    words = REFUSALS[refused.code.value]
    if isinstance(words, str):
        return gettext(language, words).format(**refused.facts)
    if "language" in inspect.signature(words).parameters:  # it says the facts in the language
        return words(**refused.facts, language=language)
    return gettext(language, words(**refused.facts))


def facts_of(refused: RefusedError) -> dict[str, Any]:
    """The facts as given (for an audit row or a log line: never words)."""
    return dict(refused.facts)
