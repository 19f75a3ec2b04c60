"""``neurocheck run``: the bot itself, by long polling under a leader or by webhook."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from bot.cli.admin import bot_username
from bot.config import ENV_PREFIX, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot import serve, web
    from storage.db import Database


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def configure_logging(settings: Settings) -> None:
    """No token in any log line (bot.logs); httpx's INFO line per long poll would also drown
    everything else."""
    from bot import logs

    token = settings.bot_token
    logs.configure(settings.log_level, [token.get_secret_value()] if token else [])
    # APScheduler logs every job run at INFO (thousands a day): only its problems are news.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from telegram.error import TelegramError

    from bot import app, instances, serve
    from storage import migrate
    from storage.db import Database

    settings = load_settings()
    settings.require_token()
    webhook = _webhook(args.webhook, settings)
    configure_logging(settings)
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
        username, why = bot_username(settings)
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
