"""The ``neurocheck`` command: run the bot, grade an assessment, manage the database."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot import (
    cli_admin,
    cli_audit,
    cli_errors,
    cli_export,
    cli_health,
    cli_labs,
    cli_oncall,
    cli_plans,
    cli_sandbox,
    cli_staff,
    grade_cli,
)
from bot.clinical.protocols import ProtocolError
from bot.config import ENV_PREFIX, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot import serve, web
    from storage.db import Database

if TYPE_CHECKING:
    from storage.db import Database


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
        print(f"neurocheck: {cli_errors.redact(str(exc))}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        # A database or Bot API that cannot be used: one line naming the setting and cause.
        line = cli_errors.explain(exc, _database_url())
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
    parser = argparse.ArgumentParser(
        prog="neurocheck",
        description="Neurocheck: ICANS neuro checks for blinatumomab infusions, over Telegram.",
        epilog="Settings come from NEUROCHECK_* environment variables or a .env file; "
        "see README.md.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run the Telegram bot (long polling, or --webhook)")
    run.add_argument(
        "--no-migrate",
        action="store_true",
        help="refuse to start if the database schema is not current, instead of upgrading it",
    )
    run.add_argument(
        "--webhook",
        metavar="URL",
        help="take updates by webhook at this public https URL (behind your reverse proxy; "
        "needs NEUROCHECK_WEBHOOK_SECRET) instead of long polling; every instance takes "
        "updates",
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
    upgrade = db_sub.add_parser("upgrade", help="bring the schema up to date")
    upgrade.add_argument(
        "--grant",
        metavar="ROLE",
        help="then grant the bot's PostgreSQL role its rights (as 'db grant --role ROLE')",
    )
    upgrade.set_defaults(func=_cmd_db_upgrade)
    db_sub.add_parser("current", help="show the schema revision").set_defaults(func=_cmd_db_current)
    grant = db_sub.add_parser(
        "grant",
        help="give the bot's PostgreSQL role its rights: rows yes, schema and audit changes no",
        description="Run as the owner of the tables (the migrations' role). ROLE may then "
        "read and write rows, only append to audit_log, and create, alter or truncate "
        "nothing. ROLE must exist and be neither a superuser nor the owner.",
    )
    grant.add_argument("--role", required=True, metavar="ROLE")
    grant.set_defaults(func=_cmd_db_grant)
    cli_admin.add_parsers(sub)
    cli_plans.add_parsers(sub)
    cli_oncall.add_parsers(sub)
    cli_labs.add_parsers(sub)
    cli_health.add_parsers(sub)
    cli_sandbox.add_parsers(sub)
    cli_staff.add_parsers(sub)
    cli_export.add_parsers(sub)
    cli_audit.add_parsers(sub)
    return parser


def _configure_logging(settings: Settings) -> None:
    """No token in any log line (bot.logs); httpx's INFO line per long poll would also drown
    everything else."""
    from bot import logs

    token = settings.bot_token
    logs.configure(settings.log_level, [token.get_secret_value()] if token else [])
    # APScheduler logs every job run at INFO (thousands a day): only its problems are news.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _cmd_grade(_args: argparse.Namespace) -> int:
    return grade_cli.run(sys.stdin, sys.stdout, sys.stderr, today=date.today())  # noqa: DTZ011


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from storage import migrate
    from storage.db import Database

    settings = load_settings()
    db = Database(settings.database_url)
    try:
        migrate.upgrade(db.engine)
        print(f"database at revision {migrate.current_revision(db.engine)}")
        if args.grant:
            _grant(db, args.grant)
    finally:
        db.dispose()
    return 0


def _cmd_db_grant(args: argparse.Namespace) -> int:
    from storage.db import Database

    db = Database(load_settings().database_url)
    try:
        _grant(db, args.role)
    finally:
        db.dispose()
    return 0


def _grant(db: Database, role: str) -> None:
    from storage import roles

    try:
        roles.grant_runtime(db.engine, role)
    except roles.RoleError as error:
        raise SettingsError(f"cannot grant {role!r}: {error}") from None
    print(f"role {role} may use the rows, append to audit_log and change no schema")


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
    import asyncio

    from telegram.error import TelegramError

    from bot import app, instances, serve
    from storage import migrate
    from storage.db import Database

    settings = load_settings()
    settings.require_token()
    webhook = _webhook(args.webhook, settings)
    _configure_logging(settings)
    try:  # before migrating: a second instance on one SQLite file must not touch it at all
        leadership = instances.for_database(settings.database_url)
    except instances.AlreadyRunningError as exc:
        raise SettingsError(str(exc)) from None
    db = Database(settings.database_url)
    face = None
    try:
        face = _http_face(settings, db)  # first: a port in use refuses before any work
        if not migrate.is_up_to_date(db.engine):
            if args.no_migrate:
                raise SettingsError(
                    "the database schema is not up to date: run 'neurocheck db upgrade' first"
                )
            migrate.upgrade(db.engine)
            logging.getLogger(__name__).info("database upgraded to the latest schema")
        # The Bot API before anything starts: a rejected token or no network is one clear line
        # here, where python-telegram-bot would log a traceback and then raise.
        username, why = cli_admin.bot_username(settings)
        if username is None:
            raise SettingsError(f"cannot start: {why}")
        neurocheck = app.build(settings, db)
        app.settle_heap()
        try:
            asyncio.run(serve.serve(neurocheck, leadership, webhook))
        except TelegramError as exc:  # at start: Telegram unreachable, or the token refused
            raise SettingsError(f"the Bot API at {settings.bot_api_url} failed: {exc}") from None
    finally:
        if face is not None:
            face.stop()
        leadership.close()
        db.dispose()
    return 0


def _webhook(url: str | None, settings: Settings) -> serve.Webhook | None:
    from bot import serve

    if url is None:
        return None
    if not url.startswith("https://"):
        raise SettingsError(f"--webhook {url!r}: Telegram only posts to an https:// URL")
    return serve.Webhook(
        url, settings.require_webhook_secret(), settings.webhook_listen, settings.webhook_port
    )


def _http_face(settings: Settings, db: Database) -> web.HttpFace | None:
    """The monitoring face, when NEUROCHECK_HTTP_PORT asks for it."""
    from bot import web
    from bot.clock import system_clock

    if not settings.http_port:
        return None
    face = web.HttpFace(db, system_clock, settings.zone)
    try:
        face.start(settings.http_host, settings.http_port)
    except OSError as exc:
        raise SettingsError(
            f"cannot listen on {settings.http_host}:{settings.http_port} "
            f"({ENV_PREFIX}HTTP_PORT): {exc.strerror or exc}"
        ) from None
    return face
