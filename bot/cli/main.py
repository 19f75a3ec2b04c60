"""The ``neurocheck`` command: its entry point and argument parsing.

Each command group lives in its own module of this package and adds its parsers here;
``main`` runs the chosen command and turns an environment problem (a setting, the database,
the Bot API) into one line for the operator instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import (
    admin,
    audit,
    db,
    errors,
    export,
    grade,
    health,
    labs,
    oncall,
    plans,
    run,
    sandbox,
    staff,
)
from bot.cli.common import OneLineParser
from bot.clinical.protocols import ProtocolError
from bot.config import SettingsError, load_settings


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script; exits with the command's status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        sys.exit(2)
    try:
        sys.exit(args.func(args))
    except (SettingsError, ProtocolError) as exc:  # one line for the operator, no traceback
        print(f"neurocheck: {errors.redact(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        # A database or Bot API that cannot be used: one line naming the setting and cause.
        line = errors.explain(exc, _database_url())
        if line is None:
            raise
        print(f"neurocheck: {line}", file=sys.stderr)
        sys.exit(2)


def _database_url() -> str | None:
    try:
        return load_settings().database_url
    except SettingsError:
        return None


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="neurocheck",
        description="Neurocheck: ICANS neuro checks for blinatumomab infusions, over Telegram.",
        epilog="Settings come from NEUROCHECK_* environment variables or a .env file; "
        "see README.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    groups = (run, grade, db, admin, plans, oncall, labs, health, sandbox, staff, export, audit)
    for group in groups:  # in the order --help lists them
        group.add_parsers(sub)
    return parser
