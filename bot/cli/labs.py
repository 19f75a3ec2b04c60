"""``neurocheck labs import``: IL-6, CRP and ferritin values from a laboratory export (CSV).

All rows or none: a file with any bad line changes nothing, and every bad line is reported
(``line N: reason``, exit status 2) so that it is fixed in one round, as for the on-call rota.
A value already recorded (same patient, test, sample time and value) is skipped, so importing
the same file twice is harmless. A function callable from tests, like the other commands.
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
    labs = sub.add_parser("labs", help="laboratory values (IL-6, CRP, ferritin): import")
    labs_sub = labs.add_subparsers(dest="labs_command", metavar="LABS_COMMAND", required=True)
    imp = labs_sub.add_parser(
        "import",
        help="record laboratory values from a CSV file (all rows or none)",
        description="Import laboratory values. The first line is the header "
        "ward,label,test,value,unit,sampled_at; test is IL-6, CRP or ferritin; units: IL-6 "
        "pg/mL, CRP mg/L (mg/dL is converted), ferritin ng/mL (ug/L is the same); sampled_at "
        f"is {TIME_HELP}. Every bad line is reported and nothing is written.",
    )
    imp.add_argument("file", metavar="FILE.csv", type=Path)
    imp.add_argument(
        "--dry-run", action="store_true", help="check the file and report, write nothing"
    )
    imp.set_defaults(func=_cmd_import)


def labs_import(
    settings: Settings,
    db: Database,
    *,
    path: Path,
    dry_run: bool = False,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.labs import LabService, LabsImported

    service = LabService(db, clock or system_clock, zone=settings.zone)

    def summary(result: LabsImported) -> str:
        verb = "would be added" if dry_run else "added"
        return f"{result.added} {verb}, {result.existing} already there"

    return import_file(
        path, lambda text: service.import_csv(text, dry_run=dry_run), summary, out=out, err=err
    )


def _cmd_import(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: labs_import(settings, db, path=args.file, dry_run=args.dry_run)
    )
