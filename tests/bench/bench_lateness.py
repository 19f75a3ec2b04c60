"""Prompt lateness (issue 21): from a check's due time to its prompt reaching Telegram.

    python -m tests.bench.bench_lateness [--prompts 60]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_lateness

The bot is built as ``neurocheck run`` builds it (``bot.app.build``, its timers, the default
settings, the real clock) and polls the fake Bot API server. One nurse on duty per ward, one
patient per ward, so that every prompt is one message to its own chat and the rate limiter
plays no part. Half the checks are in the database before the bot starts, falling due a
second or two apart; the other half are written while it runs by another writer (as another
instance's submit or plan event, or the command line, would), each a few seconds before it
falls due. On PostgreSQL the run is repeated with a second instance beside the first (it
takes no updates: only the leader polls). Lateness is the time from the due instant to the
prompt's arrival at the server. Target: at most 2 s, median and worst.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from telegram.ext import Application

from bot import app as app_module
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from storage.db import Database
from storage.models import (
    CheckKind,
    CheckStatus,
    ScheduledCheck,
)
from tests.bench.bench_press import TOKEN, free_port, fresh_database
from tests.bench.bench_scheduler import seed_wards

FIRST_NURSE: Final = 50_000
LEAD_IN: Final = 8.0  # seconds from start-up to the first due check
SPACING: Final = 1.7  # seconds between due times
WRITTEN_AHEAD: Final = (0.5, 4.0)  # a check written elsewhere falls due this long after


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def add_check(db: Database, patient_id: int, due: dt.datetime) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(ScheduledCheck).values(
                patient_id=patient_id,
                due_at=due,
                next_action_at=due,
                kind=CheckKind.ROUTINE,
                status=CheckStatus.DUE,
                reminder_level=0,
                late=False,
                created_at=utcnow(),
            )
        )


def settings_for(db: Database, base_url: str) -> Settings:
    return Settings(bot_token=TOKEN, database_url=db.url, bot_api_url=base_url)


@asynccontextmanager
async def instance(db: Database, base_url: str, *, polls: bool) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """One instance with its timers, started as ``neurocheck run`` starts it."""
    wired = app_module.build(settings_for(db, base_url), db)
    application = wired.application
    async with application:
        await app_module.register_commands(application)
        await application.start()
        assert application.updater is not None
        if polls:
            await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            await application.stop()


async def arrival(user: SimUser, timeout: float) -> float:  # noqa: ASYNC109
    """When the nurse's first prompt reached the server (wall clock, seconds)."""
    while True:
        message = await user.next_message(timeout=timeout)
        if "due for" in (message.text or ""):
            return time.time()


async def write_later(db: Database, patient_id: int, due: dt.datetime, ahead: float) -> None:
    """Another writer adds the check ``ahead`` seconds before it falls due."""
    await asyncio.sleep(max(0.0, (due - utcnow()).total_seconds() - ahead))
    await asyncio.to_thread(add_check, db, patient_id, due)


async def one_run(prompts: int, instances: int) -> list[float]:
    """Lateness of each prompt, in seconds."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/bot"
    rng = random.Random(21)
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
        with db.engine.begin() as conn:
            seed_wards(
                conn,
                wards=prompts,
                patients=prompts,
                now=utcnow(),
                code="L",
                first_nurse=FIRST_NURSE,
            )
        start = utcnow() + dt.timedelta(seconds=LEAD_IN)
        dues = [start + dt.timedelta(seconds=SPACING * i) for i in range(prompts)]
        known = set(range(0, prompts, 2))
        for i in known:
            add_check(db, i + 1, dues[i])
        async with FakeTelegram(token=TOKEN, port=port) as tg, AsyncExitStack() as stack:
            users = [tg.user(FIRST_NURSE + i) for i in range(prompts)]
            for n in range(instances):
                await stack.enter_async_context(instance(db, base_url, polls=n == 0))
            horizon = LEAD_IN + SPACING * prompts + 90
            writers = [
                asyncio.create_task(write_later(db, i + 1, dues[i], rng.uniform(*WRITTEN_AHEAD)))
                for i in range(prompts)
                if i not in known
            ]
            arrived = await asyncio.gather(*(arrival(user, horizon) for user in users))
            await asyncio.gather(*writers)
        return [at - due.timestamp() for at, due in zip(arrived, dues, strict=True)]


def describe(name: str, lateness: list[float]) -> None:
    print(
        f"{name:<34} prompts={len(lateness):<4} median={statistics.median(lateness):6.2f} s  "
        f"worst={max(lateness):6.2f} s  (target: at most 2 s)"
    )


async def main(prompts: int) -> None:
    db_name = "sqlite"
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as probe:
        db_name = probe.engine.dialect.name
    print(f"database: {db_name}; {prompts} prompts, one a chat, due {SPACING} s apart")
    describe("one instance", await one_run(prompts, 1))
    if db_name == "postgresql":
        describe("two instances", await one_run(prompts, 2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--prompts", type=int, default=60, help="prompts per run (>= 50)")
    args = parser.parse_args()
    asyncio.run(main(args.prompts))
