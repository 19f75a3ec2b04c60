"""``neurocheck oncall import``: the physicians' on-call rota from a spreadsheet's CSV export.

All rows or none: a file with any bad line changes nothing, and every bad line is reported
(``line N: reason``, exit status 2) so that the rota is fixed in one round. Rows already in
the database (same ward, person, duty, start and end) are skipped, so importing the same
file twice is harmless. Like the other admin commands, a function callable from tests.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import TIME_HELP, with_db
from bot.cli.imports import import_file
from bot.clock import system_clock
from bot.config import Settings

if TYPE_CHECKING:
    from bot.clock import Clock
    from storage.db import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    oncall = sub.add_parser("oncall", help="the physicians' on-call rota: import")
    oncall_sub = oncall.add_subparsers(
        dest="oncall_command", metavar="ONCALL_COMMAND", required=True
    )
    imp = oncall_sub.add_parser(
        "import",
        help="plan on-call periods from a CSV file (all rows or none)",
        description="Import an on-call rota. The first line is the header "
        "ward,duty,telegram_id,start,end[,override]; duty is primary, backup or attending; "
        f"start and end are {TIME_HELP}; override is yes or no (default no). Every bad "
        "line is reported and nothing is written; rows already planned are skipped.",
    )
    imp.add_argument("file", metavar="FILE.csv", type=Path)
    imp.add_argument(
        "--dry-run", action="store_true", help="check the file and report, write nothing"
    )
    imp.set_defaults(func=_cmd_import)


def oncall_import(
    settings: Settings,
    db: Database,
    *,
    path: Path,
    dry_run: bool = False,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.roster import Imported, RosterService

    service = RosterService(db, clock or system_clock, zone=settings.zone)

    def summary(result: Imported) -> str:
        if result.dry_run:
            return f"dry run: {result.added} would be added, {result.existing} already there"
        return f"{result.added} added, {result.existing} already there"

    return import_file(
        path, lambda text: service.import_csv(text, dry_run=dry_run), summary, out=out, err=err
    )


def _cmd_import(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: oncall_import(settings, db, path=args.file, dry_run=args.dry_run)
    )
