"""What every command group shares: opening the configured database, the one-line failure,
and the words of the arguments that several groups take (roles, times)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn, TextIO

from bot.config import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from storage.db import Database

ROLES = ("nurse", "charge_nurse", "physician", "admin")
"""The values of ``storage.models.Role`` (kept here so the parser needs no database import)."""
TIME_HELP = '"YYYY-MM-DD HH:MM" or "DD.MM.YYYY HH:MM" in NEUROCHECK_TIMEZONE, or "now"'


class OneLineParser(argparse.ArgumentParser):
    """argparse prints its usage and then the error; an operator gets the one line (and
    ``--help`` for the usage). Subparsers inherit the class, so every command does this."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message}", file=sys.stderr)
        sys.exit(2)


def with_db(command: Callable[[Settings, Database], int]) -> int:
    """Open the configured database, refusing an outdated schema (no silent migration)."""
    from storage import migrate
    from storage.db import Database

    settings = load_settings()
    db = Database(settings.database_url)
    try:
        if not migrate.is_up_to_date(db.engine):
            raise SettingsError(
                "the database schema is not up to date: run 'neurocheck db upgrade' first"
            )
        return command(settings, db)
    finally:
        db.dispose()


def fail(message: str, err: TextIO | None = None) -> int:
    """``neurocheck: MESSAGE`` on stderr; exit status 1, a refused command."""
    print(f"neurocheck: {message}", file=err or sys.stderr)
    return 1
