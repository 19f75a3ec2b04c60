"""``neurocheck db upgrade|current|grant``: the database schema and the bot's own role."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from bot.config import SettingsError, load_settings

if TYPE_CHECKING:
    from storage.db import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
