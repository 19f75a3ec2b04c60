"""The catalogues keep up with the code: every marked message has a Simplified Chinese
translation, none is stale, and a translation keeps what the bot or the nurse must read as is
(the ``{fact}`` placeholders and the slash commands)."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.telegram import i18n

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYWORDS = {"N_": None, "gettext": (2,), "ngettext": (2, 3), "pgettext": ((2, "c"), 3)}
"""As in the README's ``pybabel extract`` command: the message is gettext's second argument,
pgettext's third (its second the context, ``pgettext:2c,3``)."""

Key = tuple[str | None, str]
"""A message as the catalogue keys it: its context (None for most) and its English."""


def _extracted() -> set[Key]:
    found: set[Key] = set()
    for _, _, message, _, context in extract_from_dir(
        ROOT / "bot" / "telegram", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.update((context, m) for m in ([message] if isinstance(message, str) else message))
    return found


def _keys(catalog: Catalog, *, translated: bool = False) -> set[Key]:
    """Each message of the catalogue (only the translated ones, not fuzzy, if asked); both
    forms of a plural, as the extraction gives them."""
    keys: set[Key] = set()
    for message in catalog:
        if not message.id or (translated and (not all(_strings(message)) or message.fuzzy)):
            continue
        keys.update((message.context, form) for form in _ids(message))
    return keys


def _catalog(language: str) -> Catalog:
    path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as source:
        return read_po(source, locale=language)


TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.ENGLISH]


def _ids(message: Message) -> list[str]:
    """A message's English: one string, or a plural's singular and plural."""
    return [message.id] if isinstance(message.id, str) else list(message.id)


def _strings(message: Message) -> list[str]:
    """Its translation: one string, or one per plural form of the language."""
    if isinstance(message.string, str):
        return [message.string]
    return list(message.string or ())


def test_something_is_marked() -> None:
    """Guards the tests below against an extraction that silently finds nothing, or that
    drops the context of a message said with ``pgettext``."""
    assert (None, "End your duty now") in _extracted()
    assert {(None, "Continue"), ("decision", "Continue")} <= _extracted()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_message_is_translated(language: str) -> None:
    translated = _keys(_catalog(language), translated=True)
    missing = sorted(_extracted() - translated, key=str)
    assert not missing, f"{language} lacks (or has fuzzy/empty): {missing}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_stale(language: str) -> None:
    stale = sorted(_keys(_catalog(language)) - _extracted(), key=str)
    assert not stale, f"{language} translates messages nobody marks any more: {stale}"


_PLACEHOLDER = re.compile(r"\{[a-z_]*(?:![rsa])?\}")
"""A ``{fact}``, or ``{fact!r}`` (the fact quoted as typed)."""
_COMMAND = re.compile(r"(?<![\w/])/[a-z]+")
"""A slash command: a slash not inside a word ("/check", not "L/min" or "CPAP/BiPAP")."""


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_and_commands(language: str) -> None:
    for message in _catalog(language):
        if not message.id:
            continue
        source = _ids(message)[-1]  # a plural: each form keeps what the plural English has
        for target in _strings(message):
            for pattern in (_PLACEHOLDER, _COMMAND):
                found = sorted(pattern.findall(target))
                assert sorted(pattern.findall(source)) == found, source


def test_a_translation_is_used_and_english_is_the_source() -> None:
    assert i18n.gettext(i18n.CHINESE, "End your duty now") == "立即结束值班"
    assert i18n.gettext(i18n.ENGLISH, "End your duty now") == "End your duty now"
    assert i18n.gettext(i18n.CHINESE, "not in any catalogue") == "not in any catalogue"


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("zh-hans", i18n.CHINESE),
        ("zh", i18n.CHINESE),
        ("zh-CN", i18n.CHINESE),
        ("zh-hant", i18n.CHINESE),  # no Traditional catalogue: Simplified reads better
        ("en", i18n.ENGLISH),
        ("en-GB", i18n.ENGLISH),
        ("de", i18n.ENGLISH),
        ("", i18n.ENGLISH),
        (None, i18n.ENGLISH),
    ],
)
def test_telegram_language_codes(code: str | None, language: str) -> None:
    assert i18n.language_of(code) == language


def test_moments_are_written_as_each_language_writes_them() -> None:
    at = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
    shanghai = ZoneInfo("Asia/Shanghai")
    assert i18n.format_datetime(at, i18n.CHINESE, shanghai) == "11月27日 21:00"
    assert i18n.format_datetime(at, i18n.ENGLISH, shanghai) == "27 Nov, 21:00"
