"""What people type for a patient, checked the same way for the chat and the command line.

A patient is known to Telegram only by a ward label (bed, initials or study code). The
checks here are the last line against real identifiers leaking into chats: a label or flag
with six or more digits in a row looks like a record number and is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Final

from bot.services.errors import RefusedError
from bot.services.patient_refusals import PatientRefusal
from storage.models import WeightBand

MAX_LABEL: Final = 32
MAX_FLAG: Final = 60
MAX_FLAGS: Final = 10
MAX_AGE_YEARS: Final = 130
CAPD_FLAGS: Final = frozenset({"use capd", "developmental delay"})
"""Clinician flags (case-insensitive) that switch the patient to the CAPD at any age."""

_RECORD_NUMBER = re.compile(r"\d{6,}")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_WEIGHT_BANDS = {
    "45+": WeightBand.AT_LEAST_45KG,
    ">=45": WeightBand.AT_LEAST_45KG,
    "≥45": WeightBand.AT_LEAST_45KG,
    "ge45": WeightBand.AT_LEAST_45KG,
    "<45": WeightBand.UNDER_45KG,
    "lt45": WeightBand.UNDER_45KG,
}


def clean_label(text: str) -> str:
    label = " ".join(text.split())
    if not label or len(label) > MAX_LABEL:
        raise RefusedError(PatientRefusal.LABEL_LENGTH, max_label=MAX_LABEL)
    if not label.isprintable():
        raise RefusedError(PatientRefusal.LABEL_NOT_TEXT, label=label)
    if _RECORD_NUMBER.search(label):
        raise RefusedError(PatientRefusal.LABEL_RECORD_NUMBER, label=label)
    return label


def parse_date_of_birth(text: str) -> dt.date:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY``."""
    value = text.strip()
    iso, dotted = _ISO_DATE.match(value), _DOTTED_DATE.match(value)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dotted:
            return dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    except ValueError:
        pass
    raise RefusedError(PatientRefusal.DATE_FORMAT, text=value)


def parse_weight_band(text: str | WeightBand) -> WeightBand:
    """``45+`` (45 kg or more: flat dosing) or ``<45`` (dosed by body surface area)."""
    if isinstance(text, WeightBand):
        return text
    key = "".join(text.lower().split()).removesuffix("kg")
    band = _WEIGHT_BANDS.get(key)
    if band is None:
        raise RefusedError(PatientRefusal.WEIGHT_BAND, text=text.strip())
    return band


def clean_flags(flags: Sequence[str]) -> tuple[str, ...]:
    """Free-text clinician flags: trimmed, without duplicates, never a record number."""
    cleaned: list[str] = []
    for raw in flags:
        flag = " ".join(raw.split())
        if not flag or flag.lower() in (f.lower() for f in cleaned):
            continue
        if len(flag) > MAX_FLAG or not flag.isprintable():
            raise RefusedError(PatientRefusal.FLAG_LENGTH, max_flag=MAX_FLAG)
        if _RECORD_NUMBER.search(flag):
            raise RefusedError(PatientRefusal.FLAG_RECORD_NUMBER, flag=flag)
        cleaned.append(flag)
    if len(cleaned) > MAX_FLAGS:
        raise RefusedError(PatientRefusal.TOO_MANY_FLAGS, max_flags=MAX_FLAGS)
    return tuple(cleaned)


def uses_capd(flags: Sequence[str]) -> bool:
    return any(flag.lower() in CAPD_FLAGS for flag in flags)
