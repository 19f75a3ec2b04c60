"""Times as people enter them: in the hospital's zone, refused when a clock change makes them
non-existent or ambiguous, and returned as aware UTC. A refusal is a ``TimeInputError`` with a
``time.*`` code and its facts, worded by ``bot.telegram.words.time`` (the chat and the command
line say the same).

Accepted: ``YYYY-MM-DD HH:MM``, ``DD.MM.YYYY HH:MM`` and ``now``; either date form may end
with a UTC offset (``+01:00``, ``+0200``, ``Z``) that settles which of two equal wall-clock
times in the autumn overlap is meant. The offset must be one the zone really has at that
wall-clock time: a stray ``+05:00`` is a typo, not a time somewhere else.

Zoneinfo's ``fold`` does the work: a wall-clock time whose two folds disagree is ambiguous
(the autumn overlap); one that survives no round trip through UTC does not exist (the spring
gap).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.services.errors import RefusalCode, RefusedError

_OFFSET = r"(?:\s*(?P<offset>Z|UTC|[+-]\d{2}:?\d{2}))?"
_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})"
    + _OFFSET
    + "$",
    re.IGNORECASE,
)
_DOTTED = re.compile(
    r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\s+(?P<H>\d{1,2}):(?P<M>\d{2})" + _OFFSET + "$",
    re.IGNORECASE,
)


class TimeRefusal(RefusalCode):
    NOT_A_TIME = "time.not_a_time"  # value: as written
    INVALID = "time.invalid"  # value: the right shape, no such date or time
    SKIPPED = "time.skipped"  # shown, zone: in the spring gap
    WRONG_OFFSET = "time.wrong_offset"  # shown, zone, real, given
    TWICE = "time.twice"  # shown, zone, before, after: in the autumn overlap
    NOT_A_DAY = "time.not_a_day"  # value


class TimeInputError(RefusedError):
    """A time that cannot be taken as given (a ``TimeRefusal`` and its facts)."""


def parse_local_time(text: str, zone: ZoneInfo, now: dt.datetime) -> dt.datetime:
    """The aware UTC instant meant by ``text``, entered in ``zone``."""
    value = " ".join(text.split())
    if value.lower() == "now":
        return now.astimezone(dt.UTC)
    match = _ISO.match(value) or _DOTTED.match(value)
    if match is None:
        raise TimeInputError(TimeRefusal.NOT_A_TIME, value=value)
    try:
        wall = dt.datetime(  # noqa: DTZ001 (a wall-clock time; the zone is applied below)
            int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]), int(match["M"])
        )
    except ValueError:
        raise TimeInputError(TimeRefusal.INVALID, value=value) from None
    instants = local_instants(wall, zone)
    shown = wall.strftime("%Y-%m-%d %H:%M")
    if not instants:
        raise TimeInputError(TimeRefusal.SKIPPED, shown=shown, zone=zone.key)
    if match["offset"] is not None:
        offset = _offset(match["offset"])
        chosen = [i for i in instants if i.utcoffset() == offset]
        if not chosen:
            real = tuple(offset_text(i.utcoffset()) for i in instants)
            raise TimeInputError(
                TimeRefusal.WRONG_OFFSET,
                shown=shown,
                zone=zone.key,
                real=real,
                given=offset_text(offset),
            )
        return chosen[0].astimezone(dt.UTC)
    if len(instants) > 1:
        before, after = instants
        raise TimeInputError(
            TimeRefusal.TWICE,
            shown=shown,
            zone=zone.key,
            before=offset_text(before.utcoffset()),
            after=offset_text(after.utcoffset()),
        )
    return instants[0].astimezone(dt.UTC)


def local_instants(wall: dt.datetime, zone: ZoneInfo) -> list[dt.datetime]:
    """The instants (earliest first) at which clocks in ``zone`` show ``wall``: none, one or two."""
    found: list[dt.datetime] = []
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold)
        round_trip = candidate.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip == wall and all(c.utcoffset() != candidate.utcoffset() for c in found):
            found.append(candidate)
    return sorted(found, key=lambda c: c.astimezone(dt.UTC))


def offset_text(offset: dt.timedelta | None) -> str:
    """``+01:00`` style."""
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _offset(text: str) -> dt.timedelta:
    if text.upper() in ("Z", "UTC"):
        return dt.timedelta()
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


_DAY_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_DAY_DOTTED = re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$")


def parse_day(text: str) -> dt.date:
    """A calendar day as people write it (a whole day on the ward: no zone question)."""
    value = text.strip()
    match = _DAY_ISO.match(value) or _DAY_DOTTED.match(value)
    try:
        if match is None:
            raise ValueError(value)
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise TimeInputError(TimeRefusal.NOT_A_DAY, value=value) from None
