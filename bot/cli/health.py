"""``neurocheck health``: is any instance doing the bot's work? (See ``bot/services/health``.)

Exit status 0: nothing overdue. 1: something is overdue (one line per kind of work, for the
operator and for a monitoring system's alert text). 2: the database cannot be read, which
is just as bad for the ward and said in one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.cli.common import with_db
from bot.clock import system_clock
from bot.config import Settings

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.services.health import Overdue
    from storage.db import Database

OVERDUE, UNREADABLE = 1, 2


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    health = sub.add_parser(
        "health",
        help="exit 1 if prompts, escalation steps or messages are overdue (for monitoring)",
        description="Read the database and report work a running bot should have done by "
        "now: check prompts and reminders, escalation steps, alert follow-ups, queued "
        "messages. Exit status 0: nothing overdue; 1: overdue work, one line per kind; "
        "2: the database cannot be read. Use it as a container health check or from cron.",
    )
    health.add_argument(
        "--grace",
        type=_minutes,
        default=5,
        metavar="MINUTES",
        help="how late a row may be before it counts as overdue (default 5)",
    )
    health.set_defaults(func=_cmd_health)


def health(
    settings: Settings,
    db: Database,
    *,
    grace_minutes: int = 5,
    clock: Clock | None = None,
    out: TextIO | None = None,
) -> int:
    from bot.services import health as watcher

    now = (clock or system_clock)()
    grace = dt.timedelta(minutes=grace_minutes)
    with db.session() as session:
        found = watcher.overdue(session, now, grace)
    stream = out or sys.stdout
    for line in verdict(found, now, settings.zone, grace_minutes):
        print(line, file=stream)
    return OVERDUE if found else 0


def verdict(
    found: Sequence[Overdue], now: dt.datetime, zone: ZoneInfo, grace_minutes: int
) -> list[str]:
    """The watcher's words, shared by this command and the bot's ``/healthz``."""
    from bot.telegram.health_texts import work_words  # lazily, as the watcher itself

    if not found:
        return [f"ok: nothing overdue by more than {grace_minutes} min"]
    lines = []
    for item in found:
        late = int((now - item.oldest).total_seconds() // 60)
        local = item.oldest.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        what = work_words(item.kind)
        lines.append(f"overdue: {what}: {item.count}, the oldest due {local} ({late} min ago)")
    return lines


def _cmd_health(args: argparse.Namespace) -> int:
    try:
        return with_db(lambda settings, db: health(settings, db, grace_minutes=args.grace))
    except sa.exc.SQLAlchemyError as error:
        reason = str(error).splitlines()[0]
        print(f"neurocheck: cannot read the database: {reason}", file=sys.stderr)
        return UNREADABLE


def _minutes(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of minutes (1 or more)")
    return int(text)
