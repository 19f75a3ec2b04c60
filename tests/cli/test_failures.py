"""What the operator sees when the database or the Bot API cannot be used, and what the log
holds: one line naming the setting and the cause (exit 2), never a traceback or the token.

Each failure goes through the console script's entry point (``bot.cli.main.main``) in-process;
the log test runs the real ``neurocheck run`` process against the fake Bot API server.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.logs import REDACTED, RedactSecrets
from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from tests.conftest import Backend
from tests.support.cli import Ran, run_main

TOKEN = "123456:AAsecret-test-token_0123456789abcdef"
WRONG = "123456:AAwrong-test-token_0123456789abcdef"
NEUROCHECK = str(Path(sys.executable).with_name("neurocheck"))
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/neurocheck"
COMMANDS = (
    ("db", "upgrade"),
    ("db", "current"),
    ("ward", "list"),
    ("ward", "add", "H7", "Haematology"),
    ("ward", "settings", "H7"),
    ("invite", "--role", "nurse", "--ward", "H7"),
    ("patient", "list"),
    ("patient", "add", "--ward", "H7", "--label", "B4", "--dob", "1960-01-01", "--weight", "45+"),
    ("plan", "show", "--ward", "H7", "--label", "B4"),
    ("duty", "list", "--ward", "H7"),
    ("audit", "verify"),
    ("run",),
)


def one_line(ran: Ran, *needles: str) -> str:
    assert ran.status == 2, ran
    lines = ran.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("neurocheck: "), ran.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


Cli = Callable[..., Ran]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Cli:
    def call(*argv: str, **env: str) -> Ran:
        return run_main(monkeypatch, capsys, *argv, cwd=tmp_path, env=env)

    return call


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: " ".join(a[:2]))
async def test_an_unreachable_database(cli: Cli, argv: tuple[str, ...], tg_url: str) -> None:
    ran = await asyncio.to_thread(
        cli,
        *argv,
        NEUROCHECK_DATABASE_URL=UNREACHABLE,
        NEUROCHECK_BOT_TOKEN=TOKEN,
        NEUROCHECK_BOT_API_URL=tg_url,
    )
    one_line(ran, "NEUROCHECK_DATABASE_URL", "127.0.0.1:1", "Connection refused")


@pytest.mark.parametrize("argv", COMMANDS[:3], ids=lambda a: " ".join(a[:2]))
def test_a_missing_database(cli: Cli, argv: tuple[str, ...], db_backend: Backend) -> None:
    if not db_backend.postgres:
        pytest.skip("a missing SQLite file is created; see the missing-folder test")
    # The server of the run's own database (no scratch database to create and drop).
    missing = db_backend.url.rsplit("/", 1)[0] + "/no_such_database_here"
    one_line(
        cli(*argv, NEUROCHECK_DATABASE_URL=missing),
        "NEUROCHECK_DATABASE_URL",
        'database "no_such_database_here" does not exist',
    )


@pytest.mark.parametrize("argv", COMMANDS[:3], ids=lambda a: " ".join(a[:2]))
def test_a_sqlite_file_in_a_missing_folder(cli: Cli, argv: tuple[str, ...], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gone' / 'neurocheck.db'}"
    one_line(
        cli(*argv, NEUROCHECK_DATABASE_URL=url),
        "NEUROCHECK_DATABASE_URL",
        f"the folder {tmp_path / 'gone'} does not exist",
    )


@pytest.fixture
async def tg_url() -> AsyncIterator[str]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server.base_url


async def test_run_with_a_rejected_token(cli: Cli, tg_url: str, tmp_path: Path) -> None:
    ran = await asyncio.to_thread(
        cli,
        "run",
        NEUROCHECK_BOT_TOKEN=WRONG,
        NEUROCHECK_BOT_API_URL=tg_url,
        NEUROCHECK_DATABASE_URL=f"sqlite:///{tmp_path / 'n.db'}",
    )
    line = one_line(ran, "rejected NEUROCHECK_BOT_TOKEN")
    assert "AAwrong" not in line


async def test_run_without_network(cli: Cli, tmp_path: Path) -> None:
    ran = await asyncio.to_thread(
        cli,
        "run",
        NEUROCHECK_BOT_TOKEN=TOKEN,
        NEUROCHECK_BOT_API_URL="http://127.0.0.1:1/bot",
        NEUROCHECK_DATABASE_URL=f"sqlite:///{tmp_path / 'n.db'}",
    )
    one_line(ran, "NEUROCHECK_BOT_API_URL", "could not reach the Bot API")


def test_the_filter_redacts_message_arguments_and_tracebacks() -> None:
    redact = RedactSecrets([TOKEN])
    try:
        raise RuntimeError(f"boom at https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "calling %s", (f"bot{TOKEN}",), sys.exc_info()
        )
    assert redact.filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and text.count(REDACTED) == 2
    # A token it was not told about is caught by its shape.
    assert "987654:" not in redact.redact("bot987654:ZZabcdefghijklmnopqrstuvwxyz-_/getMe")


async def run_bot_and_talk(tg: FakeTelegram, tmp_path: Path, level: str) -> str:
    """``neurocheck run`` at ``level`` while a stranger writes a patient label; its log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROCHECK_")} | {
        "NEUROCHECK_BOT_TOKEN": TOKEN,
        "NEUROCHECK_BOT_API_URL": tg.base_url,
        "NEUROCHECK_DATABASE_URL": f"sqlite:///{tmp_path / f'{level}.db'}",
        "NEUROCHECK_LOG_LEVEL": level,
    }
    process = await asyncio.create_subprocess_exec(
        NEUROCHECK, "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        stranger = tg.user(9001)
        await stranger.send("/event Bed 4 QZ")
        await stranger.next_message(timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(process.communicate(), 60)
    return err.decode()


async def test_the_log_holds_no_token_and_labels_only_at_debug(
    tmp_path: Path,
) -> None:
    async with FakeTelegram(token=TOKEN) as tg:
        debug = await run_bot_and_talk(tg, tmp_path, "DEBUG")
        info = await run_bot_and_talk(tg, tmp_path, "INFO")
    assert "getUpdates" in debug  # it did log the Bot API calls, at DEBUG
    secret = TOKEN.split(":")[1]
    assert secret not in debug and secret not in info
    assert "Bed 4 QZ" in debug
    assert "Bed 4 QZ" not in info


def test_a_database_error_does_not_quote_its_parameters(db: Database) -> None:
    """Logged at ERROR by the handler that hit it, so it must not carry a label."""
    with pytest.raises(sa.exc.DBAPIError) as error, db.session() as session:
        session.execute(
            sa.text("INSERT INTO no_such_table (label) VALUES (:label)"), {"label": "Bed 4 QZ"}
        )
    assert "Bed 4 QZ" not in str(error.value)
    assert "hidden" in str(error.value)
