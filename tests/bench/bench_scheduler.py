"""Scheduler figures (issue 5): pass cost at 10,000 patients, and 300 prompts at once.

    python -m tests.bench.bench_scheduler
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_scheduler

1. One scheduler pass with 10,000 active patients, each with a future check row: nothing is
   due (target: well under 50 ms: the pass must cost what the due rows cost).
2. The same with 300 checks due at once (each prompt queued as an outbox row).
3. Sending those 300 prompts to 300 nurses through PTB's rate limiter, against the fake Bot
   API server in a child process that answers 429 to anything over Telegram's limits.
   Floor: 300 / 30 per second = 10 s; target at most 1.2 times that, with no 429.
4. The peak memory (max RSS) of this process, which is the bot (target under 200 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Final
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
    OutboundMessage,
    Patient,
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


def seed(db: Database) -> None:
    """300 wards with one nurse on duty each; 10,000 patients spread over them."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(Ward),
            [
                {"code": f"W{i}", "name": f"Ward {i}", "settings": {}, "created_at": NOW}
                for i in range(DUE)
            ],
        )
        conn.execute(
            sa.insert(Staff),
            [
                {
                    "telegram_user_id": FIRST_NURSE + i,
                    "chat_id": FIRST_NURSE + i,
                    "display_name": f"Nurse {i}",
                    "role": Role.NURSE,
                    "active": True,
                    "created_at": NOW,
                }
                for i in range(DUE)
            ],
        )
        conn.execute(
            sa.insert(StaffWard), [{"staff_id": i + 1, "ward_id": i + 1} for i in range(DUE)]
        )
        conn.execute(
            sa.insert(DutyAssignment),
            [
                {
                    "ward_id": i + 1,
                    "staff_id": i + 1,
                    "duty": Duty.NURSE,
                    "is_override": False,
                    "starts_at": NOW - dt.timedelta(hours=1),
                    "ends_at": NOW + dt.timedelta(hours=11),
                    "created_at": NOW,
                }
                for i in range(DUE)
            ],
        )
        conn.execute(
            sa.insert(Patient),
            [
                {
                    "ward_id": i % DUE + 1,
                    "label": f"Bed {i}",
                    "date_of_birth": dt.date(1970, 1, 1),
                    "weight_band": "ge45",
                    "risk_flags": [],
                    "use_capd": False,
                    "status": "active",
                    "admitted_at": NOW,
                }
                for i in range(PATIENTS)
            ],
        )
        conn.execute(
            sa.insert(ScheduledCheck),
            [
                {
                    "patient_id": i + 1,
                    "due_at": NOW + dt.timedelta(hours=4),
                    "next_action_at": NOW + dt.timedelta(hours=4),
                    "kind": CheckKind.ROUTINE,
                    "status": CheckStatus.DUE,
                    "reminder_level": 0,
                    "late": False,
                    "created_at": NOW,
                }
                for i in range(PATIENTS)
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


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
        seed(db)
        rules = ScheduleRules.shipped(ZoneInfo("UTC"))
        runner = Runner(db, lambda: NOW, rules)
        idle = timed_passes(runner, 20)
        make_due(db)
        busy = timed_passes(runner, 1)[0]
        elapsed, server = await send_all(db, ZoneInfo("UTC"))
        print(f"database: {db.engine.dialect.name}; {PATIENTS} active patients")
        print(
            f"pass, nothing due     median={statistics.median(idle) * 1000:7.2f} ms  "
            f"max={max(idle) * 1000:7.2f} ms  (target: well under 50 ms)"
        )
        print(f"pass, {DUE} due         {busy * 1000:7.2f} ms (300 prompts queued)")
        floor = DUE / 30
        print(
            f"{DUE} prompts sent      {elapsed:7.2f} s = {elapsed / floor:4.2f}x the {floor:.0f} s "
            f"floor (target: at most 1.2x); 429 answers: {server['count_429']:.0f}, "
            f"rate violations: {server['violations']:.0f}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak_mb:7.1f} MB (target: under 200 MB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    asyncio.run(serve(args.serve) if args.serve else main())
