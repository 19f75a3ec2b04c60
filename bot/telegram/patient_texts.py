"""The words of the patients area (``/admit``, ``/discharge``, ``/patients``), in the reader's
language: English is the source, each sentence marked ``N_`` here and said with
``gettext(language, ...)``. The command line (``neurocheck patient ...``) says them in English.

Examples of a command stay as typed in every language (the bot parses them); their
explanation is translated.
"""

from __future__ import annotations

import datetime as dt
from typing import Final
from zoneinfo import ZoneInfo

from bot.telegram import i18n
from bot.telegram.i18n import ENGLISH, N_, gettext

ADMIT_EXAMPLE: Final = "/admit Bed 4 AB, 1958-03-02, 45+, TP53 mutation"
ADMIT_USAGE: Final = N_(
    "To admit a patient, send:\n"
    "/admit <label>, <date of birth>, <weight band>[, <risk flag>...]\n"
    "Example: {example}\n\n"
    "- label: a bed, initials or study code, never a name or record number (up to 32 "
    "characters)\n"
    "- date of birth: YYYY-MM-DD or DD.MM.YYYY\n"
    "- weight band: 45+ or <45 (kg)\n"
    "- risk flags (optional, free text): e.g. TP53 mutation, prior CNS disease; "
    "'use CAPD' or 'developmental delay' selects the CAPD instead of the ICE\n\n"
    "On several wards? Put the ward code first: /admit H7, Bed 4 AB, 1958-03-02, 45+"
)
DISCHARGE_USAGE: Final = N_(
    "To discharge a patient: /discharge <label>, e.g. /discharge Bed 4 AB\n"
    "On several wards, the ward code may come first: /discharge H7, Bed 4 AB"
)
START_BASELINE: Final = N_("Start baseline check")
NOTHING_STORED: Final = N_("{problem}\n\nNothing was stored. Example: {example}")
"""A refused field of ``/admit`` or ``/plan``, with the example of a whole command."""


def say(language: str, message: str, **facts: object) -> str:
    """``message`` (an ``N_`` template) in ``language``, filled with ``facts``."""
    return gettext(language, message).format(**facts)


def local_time(at: dt.datetime, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """A moment with its year: "24 Nov 2026 09:30" in English (as always), "2026年11月24日
    09:30" in Chinese."""
    return i18n.moment(at, zone, language, english=i18n.ENGLISH_DAY_YEAR, date="yMMMd")


def day_time(at: dt.datetime, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """A moment of these days: "24 Nov 09:30" in English, "11月24日 09:30" in Chinese."""
    return i18n.moment(at, zone, language)


def joined(items: tuple[str, ...] | list[str], language: str = ENGLISH) -> str:
    """``H7, H8`` in English, ``H7，H8`` in Chinese."""
    return gettext(language, ", ").join(items)


def admit_usage(language: str = ENGLISH) -> str:
    return say(language, ADMIT_USAGE, example=ADMIT_EXAMPLE)


def admit_refused(problem: str, language: str = ENGLISH) -> str:
    return say(language, NOTHING_STORED, problem=problem, example=ADMIT_EXAMPLE)


def discharge_button(label: str, language: str = ENGLISH) -> str:
    return say(language, N_("Discharge {label}"), label=label)


def discharge_confirm(label: str, ward_code: str, language: str = ENGLISH) -> str:
    return say(
        language,
        N_("Discharge {label} from ward {ward}? Monitoring of this patient ends."),
        label=label,
        ward=ward_code,
    )


def discharged(
    label: str, ward_code: str, at: str, *, alert_open: bool = False, language: str = ENGLISH
) -> str:
    done = say(
        language,
        N_("{label} was discharged from ward {ward} at {at}."),
        label=label,
        at=at,
        ward=ward_code,
    )
    if not alert_open:
        return done
    still = say(
        language,
        N_(
            "An alert about {label} is still open: the physicians on call are paged until one "
            "of them acknowledges it."
        ),
        label=label,
    )
    return f"{done}\n\n{still}"


def check_cancelled_by_discharge(label: str, language: str = ENGLISH) -> str:
    return say(
        language,
        N_("The check on {label} was cancelled: the patient was discharged. Nothing was recorded."),
        label=label,
    )


def already_discharged(label: str, language: str = ENGLISH) -> str:
    return say(language, N_("{label} was already discharged; nothing changed."), label=label)


def discharge_cancelled(label: str, language: str = ENGLISH) -> str:
    return say(language, N_("Discharge cancelled: {label} stays admitted."), label=label)


def no_patients(ward_codes: tuple[str, ...], language: str = ENGLISH) -> str:
    return say(
        language, N_("No active patients on ward {wards}."), wards=joined(ward_codes, language)
    )
