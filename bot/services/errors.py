"""The one shape of a refused request, shared by every service.

A service never words a refusal: it raises RefusedError with a code (a member of a
:class:`RefusalCode` enum, namespaced by area, e.g. ``patient.unknown``) and the facts the
words need. The adapters (``bot/telegram``, the command line) turn the code into a sentence
through one catalogue, ``bot.telegram.words``, so a second language is a catalogue, not a hunt
through the services.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class RefusalCode(StrEnum):
    """Base of every area's refusal codes. Values are ``area.rule`` and unique across areas:
    the catalogue is keyed by the value, and a test checks each has its words."""


class RefusedError(ValueError):
    """A refused request: ``code`` names the rule, ``facts`` what the words need.

    Facts are plain values (str, int, dates, tuples), never sentences.
    """

    def __init__(self, code: RefusalCode, **facts: Any) -> None:
        super().__init__(f"{code.value} {facts}" if facts else code.value)
        self.code = code
        self.facts = facts
