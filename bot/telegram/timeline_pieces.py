"""The small pieces ``/timeline`` builds its lines from, in the reader's language.

``Say`` carries the reader's language and the hospital's zone: it says a marked template
with its facts, writes a moment as the language writes it, and words the codes stored in an
audit row's detail (a trigger reason, an urgency, an on-call role). A code with no words
here is shown as stored, underscores as spaces, so that a new code is never hidden; the
English of each known code is exactly that too, so English reads as it always has.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from zoneinfo import ZoneInfo

from bot.services.timeline import TimelineEntry
from bot.telegram import i18n
from bot.telegram.i18n import N_

MAX_VALUE: Final = 60  # characters of one fact in a generic line

Facts = Mapping[str, Any]

# Codes stored in audit rows, worded as English has always shown them (the code with spaces).
REASONS: Final[Mapping[str, str]] = {  # bot.clinical.triggers.TriggerReason, and the ladder's
    "grade_3_or_4": N_("grade 3 or 4"),
    "crs_3_or_4": N_("crs 3 or 4"),
    "seizure": N_("seizure"),
    "hemorrhage": N_("hemorrhage"),
    "rose_two_or_more": N_("rose two or more"),
    "grade_rose": N_("grade rose"),
    "crs_rose": N_("crs rose"),
    "incomplete_with_grade": N_("incomplete with grade"),
    "abnormal_without_reference": N_("abnormal without reference"),
    "score_worse": N_("score worse"),
    "new_tremor": N_("new tremor"),
    "new_myoclonus": N_("new myoclonus"),
    "first_fever": N_("first fever"),
    "organ_support_without_fever": N_("organ support without fever"),
    "incomplete": N_("incomplete"),
    "grade_fell": N_("grade fell"),
    "missed_check": N_("missed check"),
}
URGENCIES: Final[Mapping[str, str]] = {
    "critical": N_("critical"),
    "high": N_("high"),
    "normal": N_("normal"),
    "info": N_("info"),
}
ROLES: Final[Mapping[str, str]] = {  # bot.clinical.policy.PagedRole
    "primary": N_("primary"),
    "backup": N_("backup"),
    "attending": N_("attending"),
}
DOMAINS: Final[Mapping[str, str]] = {  # bot.clinical.Domain
    "ice": N_("ice"),
    "consciousness": N_("consciousness"),
    "seizure": N_("seizure"),
    "motor": N_("motor"),
    "icp": N_("icp"),
}
CODE_BOOKS: Final = (REASONS, URGENCIES, ROLES, DOMAINS)
"""Every book of codes whose English must read as the code itself (a test holds them to it)."""


def words_of(value: Any) -> str:
    """``rose_two_or_more`` -> ``rose two or more``; a list joined with commas."""
    items = value if isinstance(value, list) else [value]
    return ", ".join(str(v).replace("_", " ") for v in items if v is not None)


def short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


@dataclass(frozen=True)
class Say:
    """The reader's language and the hospital's zone, and what is said with them."""

    language: str
    zone: ZoneInfo

    def __call__(self, message: str, **facts: Any) -> str:
        """A marked template in the reader's language, filled with its facts."""
        return i18n.gettext(self.language, message).format(**facts)

    def by(self, entry: TimelineEntry, with_actor: str, without: str, **facts: Any) -> str:
        """The template naming who did it when the row has an actor, the other otherwise."""
        if entry.actor:
            return self(with_actor, name=entry.actor, **facts)
        return self(without, **facts)

    def when(self, at: dt.datetime) -> str:
        """ "24 Nov 14:03" in English (as always), as the language writes it otherwise."""
        return i18n.moment(at, self.zone, self.language)

    def time(self, value: Any) -> str:
        """An ISO time from a row's detail, in local time; as stored if it does not parse."""
        try:
            at = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return self.when(at) if at.tzinfo is not None else str(value)

    def join(self, parts: Iterable[str]) -> str:
        """The non-empty parts, with the language's comma."""
        return i18n.gettext(self.language, ", ").join(p for p in parts if p)

    def code(self, book: Mapping[str, str], value: Any) -> str:
        """A stored code (or a list of them) in words: the book's, or as stored."""
        items = value if isinstance(value, list) else [value]
        said = [
            i18n.gettext(self.language, book[str(v)]) if str(v) in book else words_of(v)
            for v in items
            if v is not None
        ]
        return self.join(said)

    def aside(self, text: str, detail: str) -> str:
        """``text (detail)``, with the language's brackets; the text alone without detail."""
        return self(N_("{text} ({detail})"), text=text, detail=detail) if detail else text

    def who(self, value: Any) -> str:
        """A resolved name, or the id of staff the database does not name."""
        if value is None:
            return self(N_("someone"))
        return value if isinstance(value, str) else self(N_("staff #{number}"), number=value)

    def people(self, value: Any) -> str:
        names = [self.who(v) for v in value] if isinstance(value, list) else []
        return self.join(names) or self(N_("nobody"))

    def grade(self, facts: Facts) -> str:
        """``ICANS 2 (ICE 6)``, ``ICANS at least 3 (incomplete)`` or ``ICANS not gradable``."""
        grade, complete = facts.get("icans_grade"), facts.get("complete", True)
        if grade is None:
            text = self(N_("ICANS not gradable (incomplete)"))
        elif complete is False:
            text = self(N_("ICANS at least {grade} (incomplete)"), grade=grade)
        else:
            text = self(N_("ICANS {grade}"), grade=grade)
        scores = [
            f"{tool} {facts[key]}"
            for tool, key in (("ICE", "ice_score"), ("CAPD", "capd_score"))
            if facts.get(key) is not None
        ]
        return self.aside(text, self.join(scores))

    def urgency(self, facts: Facts) -> str:
        """``urgency high (grade rose)``; empty when nobody needs to be told."""
        urgency = facts.get("urgency")
        if not urgency or urgency == "none":
            return ""
        level = self.code(URGENCIES, urgency)
        reasons = self.code(REASONS, facts.get("reasons") or [])
        if reasons:
            return self(N_("urgency {urgency} ({reasons})"), urgency=level, reasons=reasons)
        return self(N_("urgency {urgency}"), urgency=level)

    def crs(self, grade: Any, temperature: float | None) -> str:
        """``CRS grade 3, 38.5 °C``, or the grade alone."""
        if temperature is None:
            return self(N_("CRS grade {grade}"), grade=grade)
        degrees = f"{temperature:.1f}"
        return self(N_("CRS grade {grade}, {temperature} °C"), grade=grade, temperature=degrees)


Wording = Callable[[TimelineEntry, Say], str]
