"""One line for the operator when the database or the Bot API cannot be used.

An unreachable or missing database, a SQLite file in a missing folder, a rejected token or
no network used to end every command in a 100-240 line traceback. ``explain`` turns those
errors into one line that names the setting to look at and the cause; ``bot.cli.main``
prints it and exits 2. Anything it does not recognise is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.logs import RedactSecrets

_redact = RedactSecrets()


def redact(line: str) -> str:
    """``line`` with anything shaped like a Bot API token replaced."""
    return _redact.redact(line)


def explain(error: BaseException, database_url: str | None) -> str | None:
    """The operator's line for ``error``, or None when it is not an environment problem."""
    line = _database(error, database_url) or _bot_api(error)
    return None if line is None else redact(line)


def _database(error: BaseException, url: str | None) -> str | None:
    sqlalchemy = sys.modules.get("sqlalchemy")
    if sqlalchemy is None or not isinstance(error, sqlalchemy.exc.DBAPIError):
        return None
    if not isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return None
    lines = [line.strip() for line in str(error.orig).splitlines() if line.strip()]
    cause = lines[0] if lines else type(error.orig).__name__
    cause = cause.removeprefix("FATAL:").strip()
    where = _where(url)
    hint = _missing_folder(url)
    return f"cannot open the database{where} (NEUROCHECK_DATABASE_URL): {cause}{hint}"


def _where(url: str | None) -> str:
    if not url:
        return ""
    try:
        import sqlalchemy as sa

        parsed = sa.make_url(url)
    except Exception:  # an unparsable URL is named by the cause itself
        return ""
    if parsed.get_backend_name() == "sqlite":
        return f" {parsed.database or ':memory:'}"
    return f" {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def _missing_folder(url: str | None) -> str:
    if not url or not url.startswith("sqlite:///"):
        return ""
    folder = Path(url.removeprefix("sqlite:///")).parent
    return "" if folder.is_dir() else f" (the folder {folder} does not exist)"


def _bot_api(error: BaseException) -> str | None:
    telegram_error = sys.modules.get("telegram.error")
    if telegram_error is None:
        return None
    if isinstance(error, telegram_error.InvalidToken):
        return "the Bot API rejected the token (NEUROCHECK_BOT_TOKEN)"
    if isinstance(error, telegram_error.NetworkError):
        return f"cannot reach the Bot API (NEUROCHECK_BOT_API_URL, the network): {error}"
    return None
