"""The catalogue: every refusal's words, keyed by its code.

Each area keeps its own module here (``patients``, ``checks`` ...) with a ``REFUSALS`` dict from
code value to words: a ``str.format`` template over the refusal's facts, or a function of the
facts where a template cannot say it (a date in the ward's time, a list). This module merges
them; ``tests/telegram/test_words.py`` fails when a code has no words or words have no code.
A function that takes a ``language`` keyword says its sentence in that language itself (it
fills translated templates with facts it computes, such as a date).
"""

from __future__ import annotations

import functools
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

    A template is said in ``language`` where the catalogue has it; a function with a
    ``language`` keyword is given it (one that says a fact in the language, such as a
    laboratory test's name); another function's sentence is said in ``language`` when it is
    one of the catalogue's whole messages (the alerts' reasons for a closed alert); the others
    are English.
    """
    words = REFUSALS[refused.code.value]
    if isinstance(words, str):
        return gettext(language, words).format(**refused.facts)
    if _speaks(words):
        return words(**refused.facts, language=language)
    return gettext(language, words(**refused.facts))


@functools.cache
def _speaks(words: Callable[..., str]) -> bool:
    """Whether the words take the reader's language (a ``language`` keyword)."""
    return "language" in inspect.signature(words).parameters


def facts_of(refused: RefusedError) -> dict[str, Any]:
    """The facts as given (for an audit row or a log line: never words)."""
    return dict(refused.facts)
