"""Time per answered button press: Neurocheck against a bare python-telegram-bot bot.

Each bot runs in this process, in turn, against one fake Bot API server for the whole run,
with the same PTB rate limiter, and answers a press the same way on the wire
(answerCallbackQuery + editMessageText with a keyboard of the same shape); Neurocheck also
checks who is pressing, locks, reads and writes the assessment row, in a worker thread,
and starts as `neurocheck run` does (``bot.app.settle_heap``). The fake server and the
simulated nurse run in a child process, as Telegram runs elsewhere: in one process they
would compete with the bot for the GIL. The figure is the time from the press reaching the
server to the edited message arriving there, as a nurse's phone would see it.

Presses are paced at 20 a second, below Telegram's 30 messages a second which both bots'
rate limiters enforce; unpaced, both would only measure the limiter (33 ms a message).

A few milliseconds a press on a shared 2-CPU machine drift from minute to minute by more
than the difference being measured, so the two bots take turns in rounds (bare, Neurocheck,
Neurocheck, bare, ...: drift over the run falls on both alike), the first presses of each
round warm up and are not counted, and each round's median is printed beside the pooled
figures so the spread is visible.

    python -m tests.bench.bench_press [--presses 600] [--rounds 6] [--passes]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_press

With ``--passes``, Neurocheck's rounds run a scheduler pass every second over 10,000 patients
on plans in 300 other wards (nothing due), as a busy instance would: on SQLite a pass holds
the write lock (BEGIN IMMEDIATE) that a press needs, so this shows whether passes delay
presses (issue 21).

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
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from storage import migrate
from storage.db import Database, make_engine, normalise_url
from storage.models import Role
from tests.support import factories

TOKEN = "123456:BENCH-token"
BARE_USER, NURSE = 900, 901
PACE_SECONDS = 0.05
WARM_UP = 20  # presses at the start of each round, not counted
PASS_EVERY = 1.0  # seconds between scheduler passes with --passes
PASS_LOAD = 10_000  # patients on plans in 300 other wards with --passes
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


async def drive(port: int, presses: int) -> None:
    """One fake server for the whole run; each line on stdin is a round to drive."""
    loop = asyncio.get_running_loop()
    async with FakeTelegram(token=TOKEN, port=port) as tg:
        bench = tg.user(BARE_USER, first_name="Bench")
        nurse = tg.user(NURSE, first_name="Nurse")
        print("ready", flush=True)
        while (command := (await loop.run_in_executor(None, sys.stdin.readline)).split()) != [
            "stop"
        ]:
            if command[0] == "bare":
                message = await bench.next_message(timeout=60)
                user, labels = bench, ["Tick", "Tock"]
            else:
                await nurse.send(f"/check {' '.join(command[1:])}")
                message = await nurse.next_message(timeout=60)
                await nurse.press(message, "Alert")
                message = await nurse.wait_edit(message)
                user, labels = nurse, ["Year ✓", "Year ✗"]
            timings = await measure(user, message, labels * ((presses + WARM_UP + 1) // 2))
            print(json.dumps(timings[WARM_UP:]), flush=True)


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


def seed(db: Database) -> int:
    """The nurse and her ward; each round checks a patient of its own."""
    ward = factories.ward(db)
    factories.staff(db, NURSE, "Nurse Bench", Role.NURSE, [ward])
    return ward


def neurocheck_bot(base_url: str, db: Database) -> app_module.Neurocheck:
    settings = Settings(bot_token=TOKEN, database_url=db.url, bot_api_url=base_url)
    wired = app_module.build(settings, db, clock=lambda: dt.datetime.now(dt.UTC))
    assert wired.application.job_queue is not None
    for job in wired.application.job_queue.jobs():
        job.schedule_removal()
    app_module.settle_heap()  # as `neurocheck run` does
    return wired


async def passes(wired: app_module.Neurocheck) -> None:
    """Scheduler passes back to back, a second apart, until cancelled (``--passes``)."""
    while True:
        await wired.tick()
        await asyncio.sleep(PASS_EVERY)


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


class Driver:
    """The child process: the fake server and the two people pressing."""

    def __init__(self, child: asyncio.subprocess.Process) -> None:
        assert child.stdin is not None and child.stdout is not None
        self._child, self._stdin, self._stdout = child, child.stdin, child.stdout

    @classmethod
    async def start(cls, port: int, presses: int) -> Driver:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.bench.bench_press",
            "--drive",
            "--port",
            str(port),
            "--presses",
            str(presses),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        driver = cls(child)
        assert (await driver._stdout.readline()).strip() == b"ready"
        return driver

    async def round(self, command: str) -> list[float]:
        self._stdin.write(f"{command}\n".encode())
        await self._stdin.drain()
        timings: list[float] = json.loads(await asyncio.wait_for(self._stdout.readline(), 600))
        return timings

    async def stop(self) -> None:
        self._stdin.write(b"stop\n")
        await self._stdin.drain()
        await self._child.wait()


async def run(
    driver: Driver, base_url: str, db: Database, command: str, with_passes: bool
) -> list[float]:
    """One round: start this bot polling, let the child press, stop the bot."""
    scenario = command.split()[0]
    wired = None if scenario == "bare" else neurocheck_bot(base_url, db)
    application = bare_bot(base_url) if wired is None else wired.application
    async with polling(application):
        pressed = asyncio.create_task(driver.round(command))
        passing = asyncio.create_task(passes(wired)) if wired and with_passes else None
        if scenario == "bare":
            await application.bot.send_message(BARE_USER, "start", reply_markup=keyboard())
        try:
            return await pressed
        finally:
            if passing is not None:
                passing.cancel()
                await asyncio.gather(passing, return_exceptions=True)


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


def describe(name: str, rounds: list[list[float]]) -> tuple[float, float]:
    ordered = sorted(t for timings in rounds for t in timings)
    median = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    each = " ".join(f"{statistics.median(timings) * 1000:.2f}" for timings in rounds)
    print(
        f"{name:<12} presses={len(ordered):<5} median={median:7.2f} ms  p99={p99:7.2f} ms"
        f"  (round medians: {each})"
    )
    return median, p99


def order(rounds: int) -> list[str]:
    """bare, neurocheck, neurocheck, bare, ...: each bot as often first as second."""
    pairs = [("bare", "neurocheck"), ("neurocheck", "bare")]
    return [name for n in range(rounds) for name in pairs[n % 2]]


async def main(presses: int, rounds: int, with_passes: bool) -> None:
    per_round = max(2, presses // rounds)
    timings: dict[str, list[list[float]]] = {"bare": [], "neurocheck": []}
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/bot"
    driver = await Driver.start(port, per_round)
    try:
        with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
            if with_passes:
                from tests.bench import bench_scheduler  # it imports this module

                # Idle passes over 300 wards with rota gaps: every check hours ahead of now.
                bench_scheduler.seed(db, PASS_LOAD, now=dt.datetime.now(dt.UTC))
            ward = seed(db)
            for n, scenario in enumerate(order(rounds)):
                command = scenario
                if scenario == "neurocheck":
                    command = f"neurocheck Bed {n + 1}"
                    factories.patient(db, ward, f"Bed {n + 1}")
                timings[scenario].append(await run(driver, base_url, db, command, with_passes))
            print(
                f"database: {db.engine.dialect.name}; presses paced at {1 / PACE_SECONDS:.0f}/s;"
                f" {rounds} rounds each, {WARM_UP} warm-up presses a round not counted; "
                + (
                    f"scheduler passes every {PASS_EVERY:.0f} s over {PASS_LOAD:,} patients"
                    if with_passes
                    else "no scheduler passes"
                )
            )
    finally:
        await driver.stop()
    bare_median, bare_p99 = describe("bare PTB", timings["bare"])
    our_median, our_p99 = describe("neurocheck", timings["neurocheck"])
    print(
        f"ratio        median={our_median / bare_median:5.2f}x  p99={our_p99 / bare_p99:5.2f}x"
        "  (target: at most 1.50x)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--presses", type=int, default=600, help="counted presses per bot")
    parser.add_argument("--rounds", type=int, default=6, help="turns each bot takes")
    parser.add_argument(
        "--passes",
        action="store_true",
        help=f"run scheduler passes every {PASS_EVERY:.0f} s during Neurocheck's rounds",
    )
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        asyncio.run(drive(args.port, args.presses))
    else:
        asyncio.run(main(args.presses, args.rounds, args.passes))
