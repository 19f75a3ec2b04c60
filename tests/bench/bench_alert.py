"""Time from a nurse's Submit to the physician's alert leaving the bot.

Each run is one patient whose previous check was normal (ICANS grade 0): the nurse submits a
grade 1 check (the taps of tests/e2e/test_escalation.py), the submit opens an escalation, and
the check handler kicks `Scheduler.urgent`, which pages the primary physician on call through
the outbox. The figure is the time from the Submit press reaching the fake Bot API server to
the server receiving the sendMessage that carries the alert ("🟠 HIGH: ..."). Both instants
are read in the child process that runs the server and the simulated people, on one monotonic
clock: the press is stamped just before it is queued for the bot's getUpdates, the alert by
the server when it stores the message.

The bot is the real `bot.app.build` Application, polling over HTTP, in this process, with
its rate limiter: one message every 1/30 s, so the alert, which follows the edit of the
nurse's summary, leaves at least 33 ms after that edit. Its timer jobs are removed, so only
the kick after the submit sends the alert. The fake server and the simulated people run in a
child process, as in bench_press. Also printed: Submit to the edit of the nurse's summary.

Setup is not timed and does not go over the wire: each patient's normal check, and the grade 1
check up to its summary, are answered through `CheckService` with the same button labels the
e2e tests press. Each run then goes over the wire: `/check Bed N` resumes the check (a new
message with the summary), the nurse reads it for 50 ms (so Submit does not queue behind that
message in the limiter) and presses Submit, and the run ends when the physician has the alert
and its chart, so runs do not overlap.

    python -m tests.bench.bench_alert [--runs 200]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_alert
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from bot import app as app_module
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from bot.services.checks import CheckService, CheckView, Shown
from bot.services.staff import StaffView
from bot.telegram import callbacks, check_views
from storage.db import Database
from storage.models import Duty, Role
from tests.bench.bench_press import TOKEN, free_port, fresh_database, polling
from tests.e2e.test_check import NORMAL_ADULT_CHECK
from tests.e2e.test_escalation import GRADE_1_CHECK
from tests.support import factories

NURSE: Final = 501
PHYSICIAN: Final = 701
ALERT_PREFIXES: Final = ("🟠 HIGH:", "🔴 CRITICAL:")
WAIT_SECONDS: Final = 30.0
# The nurse reads the summary before pressing Submit: longer than the rate limiter's 1/30 s,
# so the press does not wait behind the summary message itself, as no real press would.
READ_SECONDS: Final = 0.05


def label(run: int) -> str:
    return f"Bed {run + 1}"


# -- the child process: fake Telegram, the nurse and the physician -------------------------


def monotonic_wall_clock() -> Callable[[], float]:
    """Wall-clock seconds for message dates, advancing monotonically for the timings."""
    offset = time.time() - time.perf_counter()
    return lambda: time.perf_counter() + offset


async def drive(port: int, runs: int) -> None:
    clock = monotonic_wall_clock()
    async with FakeTelegram(token=TOKEN, port=port, clock=clock) as tg:
        nurse, physician = tg.user(NURSE, first_name="Nurse"), tg.user(PHYSICIAN)
        print("ready", flush=True)
        alert_ms, summary_ms = [], []
        for run in range(runs):
            await nurse.send(f"/check {label(run)}")  # resumes the check at its summary
            summary = await nurse.next_message(timeout=WAIT_SECONDS)
            await asyncio.sleep(READ_SECONDS)
            pressed = clock()
            await nurse.press(summary, "Submit")
            alert = await physician.next_message(timeout=WAIT_SECONDS)
            if not (alert.text or "").startswith(ALERT_PREFIXES):
                raise AssertionError(f"run {run}: not an alert: {alert.describe()}")
            alert_ms.append((alert.revisions[0].at - pressed) * 1000)
            edited = nurse.current(summary)  # edited before the alert is sent
            summary_ms.append((edited.revisions[-1].at - pressed) * 1000)
            chart = await physician.next_message(timeout=WAIT_SECONDS)
            if not chart.photo:
                raise AssertionError(f"run {run}: expected the chart: {chart.describe()}")
        print(json.dumps({"alert": alert_ms, "summary": summary_ms}), flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # serve until the bot has stopped polling


# -- this process: the bot under test ------------------------------------------------------


def answer(
    checks: CheckService, nurse: StaffView, settings: Settings, patient: str, taps: Sequence[str]
) -> CheckView:
    """Start (or resume) a check and press the buttons labelled ``taps``, in process."""
    result = checks.start(nurse, label=patient)
    assert isinstance(result, Shown), result
    view = result.view
    for tap in taps:
        _, markup = check_views.render(view, settings.zone)
        assert markup is not None, f"{patient}: no buttons before {tap!r}"
        found = [b for row in markup.inline_keyboard for b in row if b.text == tap]
        data = found[0].callback_data if found else None
        parsed = callbacks.parse(data if isinstance(data, str) else None)
        assert parsed is not None, f"{patient}: no button {tap!r} at step {view.step}"
        result = checks.press(nurse, parsed.target, parsed.version, parsed.action)
        assert isinstance(result, Shown), f"{patient}: {tap!r} refused: {result}"
        view = result.view
    return view


def prepare(db: Database, settings: Settings, runs: int) -> app_module.Neurocheck:
    """The ward and its people, then per patient a normal check and a grade 1 check waiting
    at its summary; the wired bot with its timer jobs removed."""
    now = dt.datetime.now(dt.UTC)
    ward = factories.ward(db)
    factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward])
    physician = factories.staff(db, PHYSICIAN, "Dr Pim", Role.PHYSICIAN, [ward])
    factories.duty(db, ward, physician, Duty.PRIMARY, now - dt.timedelta(hours=1))
    wired = app_module.build(settings, db, clock=lambda: dt.datetime.now(dt.UTC))
    assert wired.application.job_queue is not None
    for job in wired.application.job_queue.jobs():
        job.schedule_removal()
    nurse = wired.staff.find_active(NURSE)
    assert nurse is not None
    for run in range(runs):
        factories.patient(db, ward, label(run))
        answer(wired.checks, nurse, settings, label(run), (*NORMAL_ADULT_CHECK, "Submit"))
        answer(wired.checks, nurse, settings, label(run), GRADE_1_CHECK)
    return wired


async def run(db: Database, runs: int) -> dict[str, list[float]]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/bot"
    settings = Settings(bot_token=TOKEN, database_url=db.url, bot_api_url=base_url)
    started = time.perf_counter()
    wired = prepare(db, settings, runs)  # nothing else runs yet
    print(f"setup: {runs} patients, 2 checks each, in {time.perf_counter() - started:.1f} s")
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.bench.bench_alert",
        "--drive",
        "--port",
        str(port),
        "--runs",
        str(runs),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    if (await child.stdout.readline()).strip() != b"ready":
        raise SystemExit("the fake server did not start; see its error above")
    async with polling(wired.application):
        line = await asyncio.wait_for(child.stdout.readline(), timeout=60 + runs * WAIT_SECONDS)
    child.stdin.close()
    await child.wait()
    if not line:
        raise SystemExit("the driver failed; see its error above")
    timings: dict[str, list[float]] = json.loads(line)
    return timings


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least ``fraction`` of the values at or below."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def describe(name: str, timings: Sequence[float]) -> str:
    ordered = sorted(timings)
    worst_run = timings.index(ordered[-1]) + 1
    return (
        f"{name:<24} median={statistics.median(ordered):6.1f} ms  "
        f"p90={percentile(ordered, 0.9):6.1f} ms  worst={ordered[-1]:6.1f} ms (run {worst_run})"
    )


async def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
        started = time.perf_counter()
        timings = await run(db, runs)
        kind = db.engine.dialect.name
    print(f"database: {kind}; runs: {runs}; wall time {time.perf_counter() - started:.0f} s")
    print(describe("submit -> alert sent", timings["alert"]))
    print(describe("submit -> nurse summary", timings["summary"]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.drive:
        asyncio.run(drive(args.port, args.runs))
    else:
        asyncio.run(main(args.runs))
