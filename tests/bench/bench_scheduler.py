"""Scheduler figures (issues 5 and 21): idle passes, a pass with 300 due, 300 prompts at once.

    python -m tests.bench.bench_scheduler [--sizes 1000,10000,100000]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_scheduler

1. Scheduler passes with nothing due at each size: patients on running plans across 300
   wards, each with a future check row; once with a primary physician on call on every ward,
   once with none (every ward has a gap in the rota: told once, and later passes must not
   pay for it again). Target: under 50 ms at 10,000 patients.
2. 10,000 patients with 300 checks due at once, one per ward (each prompt an outbox row).
3. Sending those 300 prompts to 300 nurses through PTB's rate limiter, against the fake Bot
   API server in a child process that answers 429 to anything over Telegram's limits.
   Floor: 300 / 30 per second = 10 s; target at most 1.2 times that, with no 429.
4. The peak memory (max RSS) of this process, which is the bot (target under 200 MB); the
   seeding inserts its rows a chunk at a time so that it does not set the peak itself
   (``--trace``: tracemalloc's peak of the seeding beside that of the passes).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col, func, select
from telegram.ext import ApplicationBuilder

from bot.app import rate_limiter
from bot.sandbox.fake_telegram import FakeTelegram, RateRules
from bot.services.outbox import Outbox
from bot.services.runner import Runner
from bot.services.schedule import ScheduleRules
from bot.telegram.prompts import OutboxSender
from storage.db import Database
from storage.models import (
    CheckKind,
    CheckStatus,
    Duty,
    DutyAssignment,
    InfusionPlan,
    OutboundMessage,
    Patient,
    PlanStatus,
    Role,
    ScheduledCheck,
    Staff,
    StaffWard,
    Ward,
)
from tests.bench.bench_press import TOKEN, free_port, fresh_database

PATIENTS: Final = 10_000
DUE: Final = 300
NOW: Final = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)
FIRST_NURSE: Final = 10_000
FIRST_PHYSICIAN: Final = 20_000
SIZES: Final = (1_000, 10_000, 100_000)
CHUNK: Final = 5_000
"""Rows per INSERT when seeding: 100,000 rows built at once as dicts (three tables of them)
were the process's peak memory (about 100 MB of the 257), not the bot's passes."""


def insert_chunked(conn: sa.Connection, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Insert ``rows`` a chunk at a time, never holding them all."""
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        conn.execute(sa.insert(table), chunk)


def seed_wards(
    conn: sa.Connection,
    *,
    wards: int,
    patients: int,
    now: dt.datetime,
    code: str = "W",
    first_nurse: int = FIRST_NURSE,
) -> None:
    """``wards`` wards with one nurse on duty each for the day; ``patients`` admitted patients
    spread over them (no plans: the caller adds what its benchmark needs)."""
    conn.execute(
        sa.insert(Ward),
        [
            {"code": f"{code}{i}", "name": f"Ward {i}", "settings": {}, "created_at": now}
            for i in range(wards)
        ],
    )
    conn.execute(
        sa.insert(Staff),
        [
            {
                "telegram_user_id": first_nurse + i,
                "chat_id": first_nurse + i,
                "display_name": f"Nurse {i}",
                "role": Role.NURSE,
                "active": True,
                "created_at": now,
            }
            for i in range(wards)
        ],
    )
    conn.execute(
        sa.insert(StaffWard), [{"staff_id": i + 1, "ward_id": i + 1} for i in range(wards)]
    )
    conn.execute(
        sa.insert(DutyAssignment),
        [
            {
                "ward_id": i + 1,
                "staff_id": i + 1,
                "duty": Duty.NURSE,
                "is_override": False,
                "starts_at": now - dt.timedelta(hours=1),
                "ends_at": now + dt.timedelta(hours=11),
                "created_at": now,
            }
            for i in range(wards)
        ],
    )
    insert_chunked(
        conn,
        Patient,
        (
            {
                "ward_id": i % wards + 1,
                "label": f"Bed {i}",
                "date_of_birth": dt.date(1970, 1, 1),
                "weight_band": "ge45",
                "risk_flags": [],
                "use_capd": False,
                "status": "active",
                "admitted_at": now,
            }
            for i in range(patients)
        ),
    )


def seed(db: Database, patients: int = PATIENTS, now: dt.datetime = NOW) -> None:
    """300 wards with one nurse on duty each; ``patients`` on running plans spread over them."""
    with db.engine.begin() as conn:
        seed_wards(conn, wards=DUE, patients=patients, now=now)
        insert_chunked(
            conn,
            InfusionPlan,
            (
                {
                    "patient_id": i + 1,
                    "protocol": "blinatumomab_rr",
                    "cycle_number": 1,
                    "starts_at": now - dt.timedelta(days=3),
                    "status": PlanStatus.RUNNING,
                    "created_at": now,
                }
                for i in range(patients)
            ),
        )
        insert_chunked(
            conn,
            ScheduledCheck,
            (
                {
                    "patient_id": i + 1,
                    "due_at": now + dt.timedelta(hours=4),
                    "next_action_at": now + dt.timedelta(hours=4),
                    "kind": CheckKind.ROUTINE,
                    "status": CheckStatus.DUE,
                    "reminder_level": 0,
                    "late": False,
                    "created_at": now,
                }
                for i in range(patients)
            ),
        )


def put_physicians_on_call(db: Database) -> None:
    """A primary physician on call on every ward for the next day: no gap anywhere."""
    with db.engine.begin() as conn:
        first = DUE + 1  # the nurses are staff 1 to 300
        conn.execute(
            sa.insert(Staff),
            [
                {
                    "telegram_user_id": FIRST_PHYSICIAN + i,
                    "chat_id": FIRST_PHYSICIAN + i,
                    "display_name": f"Dr {i}",
                    "role": Role.PHYSICIAN,
                    "active": True,
                    "created_at": NOW,
                }
                for i in range(DUE)
            ],
        )
        conn.execute(
            sa.insert(DutyAssignment),
            [
                {
                    "ward_id": i + 1,
                    "staff_id": first + i,
                    "duty": Duty.PRIMARY,
                    "is_override": False,
                    "starts_at": NOW - dt.timedelta(hours=1),
                    "ends_at": NOW + dt.timedelta(hours=24),
                    "created_at": NOW,
                }
                for i in range(DUE)
            ],
        )


def make_due(db: Database) -> None:
    """The first patient of each ward falls due now: 300 prompts to 300 nurses."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(ScheduledCheck)
            .where(ScheduledCheck.patient_id <= DUE)  # type: ignore[arg-type]
            .values(due_at=NOW, next_action_at=NOW)
        )


def timed_passes(runner: Runner, times: int) -> list[float]:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        runner.run_due()
        timings.append(time.perf_counter() - started)
    return timings


# -- child process: the fake server that counts what reaches it ----------------------------


async def serve(port: int) -> None:
    async with FakeTelegram(
        token=TOKEN, port=port, enforce_rate_limits=True, rate_rules=RateRules()
    ) as tg:
        users = [tg.user(FIRST_NURSE + i) for i in range(DUE)]
        print("ready", flush=True)
        for user in users:
            await user.next_message(timeout=120)
        stamps = tg.send_timestamps()
        print(
            json.dumps(
                {
                    "count_429": tg.count_429,
                    "violations": tg.rate_violations(),
                    "server_span": max(stamps) - min(stamps),
                }
            ),
            flush=True,
        )


async def send_all(db: Database, clock: ZoneInfo) -> tuple[float, dict[str, float]]:
    port = free_port()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.bench_scheduler",
        "--serve",
        str(port),
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    assert (await child.stdout.readline()).strip() == b"ready"
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"http://127.0.0.1:{port}/bot")
        .rate_limiter(rate_limiter())
        .build()
    )
    sender = OutboxSender(Outbox(db, lambda: NOW), clock)
    async with application:
        started = time.perf_counter()
        sent = 0
        while sent < DUE and time.perf_counter() - started < 120:
            sent += (await sender.send_pending(application.bot)).delivered
        elapsed = time.perf_counter() - started
    with db.session() as session:
        statuses = session.exec(
            select(OutboundMessage.status, func.count()).group_by(col(OutboundMessage.status))
        ).all()
    print(f"outbox: {dict(statuses)}; sent {sent}")
    report: dict[str, float] = json.loads(await child.stdout.readline())
    await child.wait()
    return elapsed, report


def reads(db: Database, times: int = 50) -> list[float]:
    """What the wake-up pays each second: the earliest due instant, read without a lock."""
    from storage.repositories import due  # only there since issue 21

    timings = []
    for _ in range(times):
        started = time.perf_counter()
        with db.snapshot() as session:
            due.earliest(session)
        timings.append(time.perf_counter() - started)
    return timings


def ms(timings: list[float]) -> str:
    return f"median={statistics.median(timings) * 1000:8.2f} ms  max={max(timings) * 1000:8.2f} ms"


def idle_passes(sizes: list[int]) -> None:
    """Nothing due, at each size, with a gap in every ward's rota and then with none."""
    rules = ScheduleRules.shipped(ZoneInfo("UTC"))
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
            seed(db, size)
            seeded = traced_peak()
            runner = Runner(db, lambda: NOW, rules)
            first = timed_passes(runner, 1)[0]  # tells each ward's leads of its gap once
            gaps = timed_passes(runner, 20)
            put_physicians_on_call(db)
            runner = Runner(db, lambda: NOW, rules)
            timed_passes(runner, 1)
            covered = timed_passes(runner, 20)
            print(
                f"idle pass, {size:>7,} patients, 300 wards with rota gaps  {ms(gaps)}"
                f"  (first pass {first * 1000:.0f} ms)"
            )
            print(f"idle pass, {size:>7,} patients, 300 wards on call      {ms(covered)}")
            print(f"earliest due read, {size:>7,} patients (the wake-up's)  {ms(reads(db))}")
            if tracemalloc.is_tracing():
                print(
                    f"traced peak, {size:>7,} patients: seeding {seeded:6.1f} MB, "
                    f"the passes and reads {traced_peak():6.1f} MB"
                )


def traced_peak() -> float:
    """The traced peak since the last call, in MB (0 without ``--trace``)."""
    if not tracemalloc.is_tracing():
        return 0.0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    return peak / 2**20


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main(sizes: list[int]) -> None:
    print(f"database: {os.environ.get('NEUROCHECK_BENCH_DATABASE_URL') or 'sqlite'}")
    imported = max_rss_mb()
    idle_passes(sizes)
    after_idle = max_rss_mb()
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
        seed(db)
        put_physicians_on_call(db)
        rules = ScheduleRules.shipped(ZoneInfo("UTC"))
        runner = Runner(db, lambda: NOW, rules)
        timed_passes(runner, 2)
        make_due(db)
        busy = timed_passes(runner, 1)[0]
        elapsed, server = await send_all(db, ZoneInfo("UTC"))
        print(
            f"pass, {DUE} due (10,000 patients)  {busy * 1000:7.2f} ms "
            f"= {busy * 1000 / DUE:5.2f} ms a row (300 prompts queued)"
        )
        floor = DUE / 30
        print(
            f"{DUE} prompts sent      {elapsed:7.2f} s = {elapsed / floor:4.2f}x the {floor:.0f} s "
            f"floor (target: at most 1.2x); 429 answers: {server['count_429']:.0f}, "
            f"rate violations: {server['violations']:.0f}"
        )
    print(
        f"peak memory (max RSS) {max_rss_mb():7.1f} MB (target: under 200 MB); "
        f"{imported:.1f} MB once imported, {after_idle:.1f} MB after the idle passes"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--trace",
        action="store_true",
        help="tracemalloc: the seeding's and the passes' peaks (slows every figure)",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in SIZES),
        help="patients for the idle passes, comma-separated",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n]
    if args.trace:
        tracemalloc.start(1)
    asyncio.run(serve(args.serve) if args.serve else main(sizes))
