"""The refusal catalogue and the refusal codes stay in step: every code has words, every
word has a code, and codes are unique across areas (the catalogue is keyed by value)."""

from __future__ import annotations

import importlib
import pkgutil
import string

import bot.services
from bot.services.errors import RefusalCode
from bot.telegram import words


def _codes() -> dict[str, type[RefusalCode]]:
    for module in pkgutil.walk_packages(bot.services.__path__, "bot.services."):
        importlib.import_module(module.name)
    found: dict[str, type[RefusalCode]] = {}
    pending = list(RefusalCode.__subclasses__())
    while pending:
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        for member in enum:
            assert member.value not in found, f"{member.value} in {enum} and {found[member.value]}"
            found[member.value] = enum
    return found


def test_every_refusal_code_has_words() -> None:
    missing = sorted(set(_codes()) - set(words.REFUSALS))
    assert not missing, f"codes without words in bot/telegram/words: {missing}"


def test_every_word_has_a_code() -> None:
    stale = sorted(set(words.REFUSALS) - set(_codes()))
    assert not stale, f"words for codes no service raises: {stale}"


def test_codes_are_namespaced_by_area() -> None:
    for value in _codes():
        area, _, rule = value.partition(".")
        assert area and rule and " " not in value, value


def test_templates_name_their_facts() -> None:
    """Templates are formatted with the facts: a malformed one fails here, not at 3 a.m."""
    for code, template in words.REFUSALS.items():
        if isinstance(template, str):
            fields = [name for _, name, _, _ in string.Formatter().parse(template) if name]
            assert all(name.isidentifier() for name in fields), (code, fields)
