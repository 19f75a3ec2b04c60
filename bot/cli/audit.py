"""``neurocheck audit verify``: prove the audit trail is the one the bot wrote.

Exit 0 ``ok: N rows``; 1 naming the first row whose hash does not match (it, or a row before
it, was changed outside the bot); 2 when the database cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import with_db

if TYPE_CHECKING:
    from bot.config import Settings
    from storage.db import Database

BROKEN = 1


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = sub.add_parser("audit", help="the audit trail: verify its hash chain")
    audit_sub = group.add_subparsers(dest="audit_command", metavar="AUDIT_COMMAND", required=True)
    audit_sub.add_parser(
        "verify",
        help="check that no audit row was changed, removed or inserted outside the bot",
        description="Recompute every audit row's hash from its content and the previous "
        "row's hash. Exit 0 'ok: N rows', 1 naming the first broken row, 2 on a database "
        "error.",
    ).set_defaults(func=_cmd_verify)


def verify(settings: Settings, db: Database, *, out: TextIO | None = None) -> int:
    from bot.services import audit_trail

    report = audit_trail.verify(db)
    if report.broken is None:
        print(f"ok: {report.rows} rows", file=out or sys.stdout)
        return 0
    broken = report.broken
    local = broken.at.astimezone(settings.zone).strftime("%Y-%m-%d %H:%M")
    print(
        f"broken: row {broken.row_id} ({broken.action}, {local}) does not match its hash; "
        + _before(report.rows),
        file=out or sys.stdout,
    )
    return BROKEN


def _before(rows: int) -> str:
    if rows == 0:
        return "it is the first row"
    return "the row before it is intact" if rows == 1 else f"the {rows} rows before it are intact"


def _cmd_verify(_args: argparse.Namespace) -> int:
    return with_db(verify)
