"""Time per answered button press: Neurocheck against a bare python-telegram-bot bot.

Each bot runs in this process against the same fake Bot API server, with the same PTB rate
limiter, and answers a press the same way on the wire (answerCallbackQuery +
editMessageText with a keyboard of the same shape); Neurocheck also checks who is pressing,
locks, reads and writes the assessment row, in a worker thread. The fake server and the
simulated nurse run in a child process, as Telegram runs elsewhere: in one process they
would compete with the bot for the GIL. The figure is the time from the press reaching the
server to the edited message arriving there, as a nurse's phone would see it.

Presses are paced at 20 a second, below Telegram's 30 messages a second which both bots'
rate limiters enforce; unpaced, both would only measure the limiter (33 ms a message).

    python -m tests.bench.bench_press [--presses 300]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_press

Target (issue 4): Neurocheck's median and p99 at most 1.5 times the bare bot's.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import sqlalchemy as sa
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
)

from bot import app as app_module
from bot.app import rate_limiter
from bot.config import Settings
from storage import migrate
from storage.db import Database, make_engine, normalise_url
from storage.models import Role
from tests.support import factories
from tests.support.fake_telegram import FakeTelegram, SentMessage, SimUser

TOKEN = "123456:BENCH-token"
BARE_USER, NURSE = 900, 901
PACE_SECONDS = 0.05
BODY = (
    "Orientation: ask the year, the month, the city and the hospital.\nMark each answer "
    "right, wrong or n/a (not assessable), then Done."
)
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


# -- the child process: fake Telegram and the person pressing ------------------------------


async def measure(user: SimUser, message: SentMessage, labels: list[str]) -> list[float]:
    """Press each label in turn on the (edited) message; seconds from press to edit."""
    timings = []
    for label in labels:
        started = time.perf_counter()
        await user.press(message, label)
        message = await user.wait_edit(message, timeout=10)
        timings.append(time.perf_counter() - started)
        await asyncio.sleep(max(0.0, started + PACE_SECONDS - time.perf_counter()))
    return timings


async def drive(scenario: str, port: int, presses: int) -> None:
    async with FakeTelegram(token=TOKEN, port=port) as tg:
        if scenario == "bare":
            user = tg.user(BARE_USER, first_name="Bench")
            print("ready", flush=True)
            message = await user.next_message(timeout=60)
            labels = ["Tick", "Tock"]
        else:
            user = tg.user(NURSE, first_name="Nurse")
            print("ready", flush=True)
            await user.send("/check Bed 1")
            message = await user.next_message(timeout=60)
            await user.press(message, "Alert")
            message = await user.wait_edit(message)
            labels = ["Year ✓", "Year ✗"]
        timings = await measure(user, message, labels * (presses // 2))
        print(json.dumps(timings), flush=True)


# -- this process: the bot under test -------------------------------------------------------


def keyboard() -> InlineKeyboardMarkup:
    """The shape of Neurocheck's orientation question: 4 rows of 3, Done, Back."""
    rows = [
        [
            InlineKeyboardButton(f"{item} {mark}", callback_data=f"a:1:1:{item}.{mark}")
            for mark in ("c", "w", "na")
        ]
        for item in ("Year", "Month", "City", "Hospital")
    ]
    rows[0][0] = InlineKeyboardButton("Tick", callback_data="t")
    rows[0][1] = InlineKeyboardButton("Tock", callback_data="o")
    done = [InlineKeyboardButton("Done", callback_data="d")]
    return InlineKeyboardMarkup([*rows, done, [InlineKeyboardButton("Back", callback_data="b")]])


def bare_bot(base_url: str) -> Application:  # type: ignore[type-arg]
    """An echo bot: answers the press and edits the message, nothing else."""
    counter = {"n": 0}

    async def on_press(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        counter["n"] += 1
        await query.answer()
        text = f"Neuro check · Bed 1 · ICE · Nurse Bench\n\n{BODY} ({counter['n']})"
        await query.edit_message_text(text, reply_markup=keyboard())

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(base_url)
        .rate_limiter(rate_limiter())  # as Neurocheck: the same limits on the wire
        .build()
    )
    application.add_handler(CallbackQueryHandler(on_press))
    return application


def neurocheck_bot(base_url: str, db: Database) -> Application:  # type: ignore[type-arg]
    ward = factories.ward(db)
    factories.staff(db, NURSE, "Nurse Bench", Role.NURSE, [ward])
    factories.patient(db, ward, "Bed 1")
    settings = Settings(bot_token=TOKEN, database_url=db.url, bot_api_url=base_url)
    wired = app_module.build(settings, db, clock=lambda: dt.datetime.now(dt.UTC))
    assert wired.application.job_queue is not None
    for job in wired.application.job_queue.jobs():
        job.schedule_removal()
    return wired.application


@asynccontextmanager
async def polling(application: Application) -> AsyncIterator[None]:  # type: ignore[type-arg]
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=10)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()


async def run(scenario: str, presses: int, db: Database) -> list[float]:
    """Start the child (server and nurse), run the bot here until the child reports."""
    port = free_port()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.bench_press",
        "--drive",
        scenario,
        "--port",
        str(port),
        "--presses",
        str(presses),
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    assert (await child.stdout.readline()).strip() == b"ready"
    base_url = f"http://127.0.0.1:{port}/bot"
    application = bare_bot(base_url) if scenario == "bare" else neurocheck_bot(base_url, db)
    async with polling(application):
        if scenario == "bare":
            await application.bot.send_message(BARE_USER, "start", reply_markup=keyboard())
        line = await asyncio.wait_for(child.stdout.readline(), timeout=600)
    await child.wait()
    timings: list[float] = json.loads(line)
    return timings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def fresh_database(folder: Path) -> Iterator[Database]:
    """SQLite in a temporary folder, or a throwaway database on the PostgreSQL server named
    by NEUROCHECK_BENCH_DATABASE_URL (created here, dropped afterwards)."""
    server = os.environ.get("NEUROCHECK_BENCH_DATABASE_URL", "")
    if not server.startswith("postgres"):
        database = Database(f"sqlite:///{folder / 'bench.db'}")
        migrate.upgrade(database.engine)
        yield database
        database.dispose()
        return
    name = f"nc_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(normalise_url(server)).set(database=name)
    database = Database(url.render_as_string(hide_password=False))
    try:
        migrate.upgrade(database.engine)
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def describe(name: str, timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    median = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name:<12} presses={len(timings):<5} median={median:7.2f} ms  p99={p99:7.2f} ms")
    return median, p99


async def main(presses: int) -> None:
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
        bare = await run("bare", presses, db)
        ours = await run("neurocheck", presses, db)
        print(f"database: {db.engine.dialect.name}; presses paced at {1 / PACE_SECONDS:.0f}/s")
    bare_median, bare_p99 = describe("bare PTB", bare)
    our_median, our_p99 = describe("neurocheck", ours)
    print(
        f"ratio        median={our_median / bare_median:5.2f}x  p99={our_p99 / bare_p99:5.2f}x"
        "  (target: at most 1.50x)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--drive", choices=["bare", "neurocheck"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        asyncio.run(drive(args.drive, args.port, args.presses))
    else:
        asyncio.run(main(args.presses))
