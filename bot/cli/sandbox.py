"""``neurocheck sandbox``: the whole loop on this computer, with no token and no network.

Why a command of its own rather than a flag of ``run``: it must never touch a ward's
database or Telegram, whatever the environment or a ``.env`` file says. It takes the time
zone and the timings from the settings, never the token, the database or the Bot API: the
database is a new SQLite file and the bot talks to the stand-in built into the package.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import signal
import socket
import sys
import tempfile
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings

DEFAULT_PORT = 8765
LANGUAGES = {"en": "en", "zh": "zh_Hans"}
"""What ``--language`` accepts, and the catalogue each one names (``bot.telegram.i18n``)."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sandbox = sub.add_parser(
        "sandbox",
        help="try Neurocheck in a browser: a demo ward with invented patients, no Telegram",
        description="Runs the real bot against a Telegram stand-in on this computer, on a "
        "demo ward of invented patients, and serves a page on 127.0.0.1 with three phones "
        "(nurse, charge nurse, physician) and a clock you can move forward. No token, no "
        "network; nothing is real.",
    )
    sandbox.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"the page's port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    sandbox.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="keep the sandbox's SQLite database in this new file (default: a temporary "
        "file, deleted at exit)",
    )
    sandbox.add_argument(
        "--language",
        choices=sorted(LANGUAGES),
        default="en",
        help="the demo staff's language: en (English, the default) or zh (简体中文); each "
        "of them can change theirs with /language",
    )
    sandbox.set_defaults(func=_cmd_sandbox)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return port


def _cmd_sandbox(args: argparse.Namespace) -> int:
    settings = load_settings()  # the time zone and timings; see Sandbox._start_bot
    db_path: Path | None = args.db
    if db_path is not None:
        if db_path.exists():
            raise SettingsError(
                f"{db_path} already exists; the sandbox starts from a new database "
                "(name a new file, or leave out --db for a temporary one)"
            )
        if not db_path.parent.is_dir():
            raise SettingsError(f"there is no folder {db_path.parent} for {db_path.name}")
    if args.port:
        _refuse_a_port_in_use(args.port)  # before a database is made and a ward seeded
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="neurocheck-sandbox-") as scratch:
        path = db_path or Path(scratch) / "sandbox.db"
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(
                _serve(
                    path,
                    args.port,
                    kept=db_path is not None,
                    settings=settings,
                    language=LANGUAGES[args.language],
                )
            )
    return 0


def _refuse_a_port_in_use(port: int) -> None:
    """The refusal of a port that is taken, in a moment rather than after the sandbox has
    started (the listening itself refuses it too, should the port be taken meanwhile)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise _cannot_listen(port, error) from error


def _cannot_listen(port: int, error: OSError) -> SettingsError:
    reason = "the port is in use" if error.errno == errno.EADDRINUSE else error.strerror
    return SettingsError(
        f"cannot listen on 127.0.0.1:{port}: {reason} (choose another with --port)"
    )


async def _serve(path: Path, port: int, *, kept: bool, settings: Settings, language: str) -> None:
    from bot.sandbox import web
    from bot.sandbox.runtime import Sandbox

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with Sandbox(path, settings, language=language) as sandbox:
        try:
            runner = await web.serve(sandbox, port)
        except OSError as error:
            raise _cannot_listen(port, error) from error
        try:
            url = f"http://127.0.0.1:{web.bound_port(runner)}/"
            where = "kept" if kept else "deleted at exit"
            print(
                "Neurocheck sandbox: a demo ward of invented patients; no Telegram, nothing real."
            )
            print(f"  open {url} in a browser", flush=True)
            print(f"  database: {path} ({where}); Ctrl-C stops", flush=True)
            await stop.wait()
        finally:
            await runner.cleanup()
    print("sandbox stopped", file=sys.stderr)
