"""Languages: English (the source) and Simplified Chinese, through gettext catalogues.

Every sentence for a person is English in the source, marked for translation: ``N_`` where it
is defined (a constant, a catalogue entry; nothing is translated at import) and
``gettext(language, ...)`` where it is said, in the language of whoever reads it (``pgettext``
where the same English needs other words in another context). The
catalogue is ``locale/<language>/LC_MESSAGES/neurocheck.po``, kept with Babel (``pybabel
extract`` and ``update``; the README's Development section has the commands); the ``.po`` file
is compiled in memory on first use, so there is no build step and no binary in the tree.
``tests/telegram/test_i18n.py`` fails when a marked message has no translation or the catalogue
holds one nobody marks.

Dates and times are formatted by Babel for the language, in the hospital's time zone. The
command line stays English (an operator's tool).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as gettext_module
import io
import pathlib
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR: Final = pathlib.Path(__file__).parent / "locale"
DOMAIN: Final = "neurocheck"
ENGLISH: Final = "en"
CHINESE: Final = "zh_Hans"
LANGUAGES: Final = (ENGLISH, CHINESE)
TELEGRAM_CODES: Final = {ENGLISH: "en", CHINESE: "zh"}
"""The ``language_code`` of the Bot API's command scopes for each language."""


def language_of(code: str | None) -> str:
    """Our language for a Telegram ``language_code`` (an IETF tag such as ``zh-hans``).

    Any Chinese tag gets Simplified Chinese, the one Chinese catalogue: a reader of
    Traditional characters reads it far more easily than English. Anything else is English.
    """
    primary = (code or "").replace("_", "-").split("-")[0].lower()
    return CHINESE if primary == "zh" else ENGLISH


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark a message for extraction where it is defined; translate it where it is said."""
    return message


@functools.cache
def translations(language: str) -> gettext_module.NullTranslations:
    """The language's catalogue, compiled from its ``.po`` file once per process."""
    if language == ENGLISH:
        return gettext_module.NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as source:
        catalog = read_po(source, locale=Locale.parse(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


def gettext(language: str, message: str) -> str:
    """``message`` (English, as marked) in ``language``; English where it has no entry."""
    return translations(language).gettext(message)


def ngettext(language: str, singular: str, plural: str, count: int) -> str:
    return translations(language).ngettext(singular, plural, count)


def pgettext(language: str, context: str, message: str) -> str:
    """``message`` said in ``context``: the same English may need other words elsewhere
    ("Continue" the infusion, 继续输注, is not a check's "Continue" to its next step, 继续).
    Marked by the call itself (the extraction keyword ``pgettext:2c,3``), so ``context`` and
    ``message`` are written there as literals."""
    return translations(language).pgettext(context, message)


BABEL_LOCALES: Final = {ENGLISH: "en_GB", CHINESE: "zh_Hans_CN"}
"""Babel's locale for formatting: English writes the day before the month ("27 Nov"), as
the bot always has; Chinese as written in mainland China."""


def locale_of(language: str) -> Locale:
    return Locale.parse(BABEL_LOCALES.get(language, language))


ENGLISH_DAY: Final = "%d %b %H:%M"
ENGLISH_DAY_YEAR: Final = "%d %b %Y %H:%M"
"""How English has always written a moment: "24 Nov 09:30", with the year "24 Nov 2026 09:30"."""


def moment(
    at: dt.datetime,
    zone: ZoneInfo,
    language: str = ENGLISH,
    *,
    english: str = ENGLISH_DAY,
    date: str = "MMMd",
) -> str:
    """A moment in the hospital's time for a reader: English word for word as the bot always
    wrote it (``english``, a strftime format), any other language as it writes it
    (``format_datetime`` with the CLDR ``date`` skeleton). The one place the areas share."""
    if language == ENGLISH:
        return at.astimezone(zone).strftime(english)
    return format_datetime(at, language, zone, date=date)


def format_datetime(
    at: dt.datetime, language: str, zone: ZoneInfo, *, date: str = "MMMd", time: str = "Hm"
) -> str:
    """A moment in the hospital's time as the language writes it: "27 Nov, 21:00" in
    English, "11月27日 21:00" in Chinese. ``date`` and ``time`` are CLDR skeletons (the
    day and month, hours and minutes by default), joined by the language's own pattern."""
    locale = locale_of(language)
    local = at.astimezone(zone)
    day = format_skeleton(date, local, tzinfo=zone, locale=locale)
    clock = format_skeleton(time, local, tzinfo=zone, locale=locale)
    pattern = locale.datetime_formats["medium"]
    return str(pattern).replace("{1}", day).replace("{0}", clock)
