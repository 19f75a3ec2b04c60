"""The ``neurocheck`` command: run the bot, grade an assessment, manage the database."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date

from bot import (
    cli_admin,
    cli_export,
    cli_health,
    cli_oncall,
    cli_plans,
    cli_sandbox,
    cli_staff,
    grade_cli,
)
from bot.clinical.protocols import ProtocolError
from bot.config import Settings, SettingsError, load_settings


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
        print(f"neurocheck: {exc}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="neurocheck",
        description="Neurocheck: ICANS neuro checks for blinatumomab infusions, over Telegram.",
        epilog="Settings come from NEUROCHECK_* environment variables or a .env file; "
        "see README.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run the Telegram bot (long polling)")
    run.add_argument(
        "--no-migrate",
        action="store_true",
        help="refuse to start if the database schema is not current, instead of upgrading it",
    )
    run.set_defaults(func=_cmd_run)

    grade = sub.add_parser(
        "grade",
        help="grade assessments given as JSON on standard input",
        description=grade_cli.HELP_TEXT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    grade.set_defaults(func=_cmd_grade)

    db = sub.add_parser("db", help="database schema: upgrade, current")
    db_sub = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    db_sub.add_parser("upgrade", help="bring the schema up to date").set_defaults(
        func=_cmd_db_upgrade
    )
    db_sub.add_parser("current", help="show the schema revision").set_defaults(func=_cmd_db_current)
    cli_admin.add_parsers(sub)
    cli_plans.add_parsers(sub)
    cli_oncall.add_parsers(sub)
    cli_health.add_parsers(sub)
    cli_sandbox.add_parsers(sub)
    cli_staff.add_parsers(sub)
    cli_export.add_parsers(sub)
    return parser


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every long poll at INFO; that would drown everything else.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # APScheduler logs every job run at INFO (thousands a day): only its problems are news.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _cmd_grade(_args: argparse.Namespace) -> int:
    return grade_cli.run(sys.stdin, sys.stdout, sys.stderr, today=date.today())  # noqa: DTZ011


def _cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from storage import migrate
    from storage.db import Database

    settings = load_settings()
    db = Database(settings.database_url)
    try:
        migrate.upgrade(db.engine)
        print(f"database at revision {migrate.current_revision(db.engine)}")
    finally:
        db.dispose()
    return 0


def _cmd_db_current(_args: argparse.Namespace) -> int:
    from storage import migrate
    from storage.db import Database

    db = Database(load_settings().database_url)
    try:
        current, head = migrate.current_revision(db.engine), migrate.head_revision(db.engine)
    finally:
        db.dispose()
    print(f"current: {current or 'empty database'}; latest: {head}")
    return 0 if current == head else 1


def _cmd_run(args: argparse.Namespace) -> int:
    from bot import app
    from storage import migrate
    from storage.db import Database

    settings = load_settings()
    settings.require_token()
    _configure_logging(settings)
    db = Database(settings.database_url)
    if not migrate.is_up_to_date(db.engine):
        if args.no_migrate:
            raise SettingsError(
                "the database schema is not up to date: run 'neurocheck db upgrade' first"
            )
        migrate.upgrade(db.engine)
        logging.getLogger(__name__).info("database upgraded to the latest schema")
    neurocheck = app.build(settings, db)
    app.settle_heap()
    try:
        neurocheck.application.run_polling(allowed_updates=["message", "callback_query"])
    finally:
        db.dispose()
    return 0
