"""``neurocheck export``: a ward's period out as CSV tables, FHIR bundles or a quality summary.

The quality summary is printed at the end of every export (and alone with ``--format
summary``). On a terminal a progress line counts the patients. Every export is audited, from
here as from the chat. Bad input is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import with_db
from bot.clock import system_clock
from bot.config import Settings

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.services.errors import RefusedError
    from bot.services.export.service import ExportResult
    from storage.db import Database

FORMATS = ("csv", "fhir", "summary")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser(
        "export",
        help="export a ward's checks, grades, events, alerts and prompts (csv, fhir, summary)",
        description="Export a ward's period: csv (tidy tables and a data dictionary), fhir "
        "(a FHIR R4 bundle per patient) or summary (the quality summary alone, which every "
        "export also prints at the end). Dates are days in the hospital's time zone, both "
        "included. Every export is audited.",
    )
    export.add_argument("--ward", required=True, metavar="CODE", help="the ward, e.g. H7")
    export.add_argument(
        "--from", dest="first", required=True, type=_day, metavar="DATE", help="YYYY-MM-DD"
    )
    export.add_argument(
        "--to", dest="last", required=True, type=_day, metavar="DATE", help="YYYY-MM-DD, included"
    )
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the folder (or .zip file) to write; it must not exist. Default: "
        "neurocheck-<ward>-<from>-<to>-<format> in the current folder",
    )
    export.add_argument("--zip", action="store_true", help="write one zip file, not a folder")
    export.add_argument(
        "--pseudonymise",
        action="store_true",
        help="random identifiers instead of ward labels, times shifted per patient "
        "(intervals kept), no free text or staff names: for research",
    )
    export.set_defaults(func=_cmd_export)


def _day(text: str) -> dt.date:
    from bot.services.localtime import TimeInputError, parse_day
    from bot.telegram.words import refusal

    try:
        return parse_day(text)
    except TimeInputError as error:
        raise argparse.ArgumentTypeError(refusal(error)) from None


def _target(args: argparse.Namespace) -> Path | None:
    if args.format == "summary":
        return None
    path: Path = args.out or Path(
        f"neurocheck-{args.ward.upper()}-{args.first}-{args.last}-{args.format}"
    )
    if args.zip and path.suffix != ".zip":
        path = path.with_name(path.name + ".zip")
    return path


def export(
    settings: Settings,
    db: Database,
    args: argparse.Namespace,
    *,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run one export; tests call this directly as well as through the console script."""
    from bot.services.errors import RefusedError
    from bot.services.export.service import (
        ExportRequest,
        ExportService,
        Format,
    )

    out, err = out or sys.stdout, err or sys.stderr
    service = ExportService(
        db, clock or system_clock, settings.zone, fhir_system=settings.fhir_patient_system
    )
    request = ExportRequest(
        ward_code=args.ward,
        first_day=args.first,
        last_day=args.last,
        format=Format(args.format),
        target=_target(args),
        zip=args.zip,
        pseudonymise=args.pseudonymise,
    )
    progress = _progress(err) if err.isatty() else None
    try:
        result = service.run(request, progress)
    except RefusedError as refused:
        print(f"neurocheck: {refusal_text(refused)}", file=err)
        return 2
    except OSError as error:  # the folder cannot be written: nothing is left half-written
        print(f"neurocheck: cannot write the export: {error}", file=err)
        return 2
    finally:
        if progress is not None:
            print(file=err)
    _report(result, out)
    return 0


def refusal_text(refused: RefusedError) -> str:
    """The words for a refused export (command line and chat)."""
    facts = refused.facts
    words = {
        "unknown_ward": f"no ward {facts.get('ward')!s}: 'neurocheck ward list' shows the wards",
        "period": f"the period ends ({facts.get('last')}) before it starts ({facts.get('first')})",
        "target_exists": f"{facts.get('path')} already exists: an export never overwrites; "
        "choose another --out",
        "not_admin": f"only an admin of ward {facts.get('ward')} may export its data",
    }
    return words[refused.code.value.removeprefix("export.")]


def _report(result: ExportResult, out: TextIO) -> None:
    if result.target is not None:
        rows = ", ".join(f"{name} {count}" for name, count in result.counts.items())
        print(f"written: {result.target} ({rows})", file=out)
    print(result.summary.text(), file=out)


def _progress(err: TextIO) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        print(f"\rexporting: {done}/{total} patients", end="", file=err, flush=True)

    return show


def _cmd_export(args: argparse.Namespace) -> int:
    return with_db(lambda settings, db: export(settings, db, args))
