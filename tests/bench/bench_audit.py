"""The audit trail's hash chain: what an append costs, and how fast ``audit verify`` reads.

Appends: one transaction per row, as a use case does it, from 1 and from 4 threads (the
threads serialise on the append lock, which is the point): rows per second and the median
and worst transaction. Verify: rows per second over the whole trail.

    python -m tests.bench.bench_audit [--rows 2000]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_audit
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bot.services import audit_trail
from storage.db import Database
from storage.repositories import audit
from tests.bench.bench_press import fresh_database

T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def append(db: Database, rows: int, threads: int) -> list[float]:
    timings: list[float] = []
    lock = threading.Lock()

    def work(offset: int) -> None:
        for n in range(offset, rows, threads):
            start = time.perf_counter()
            with db.session() as session:
                audit.record(
                    session,
                    at=T0 + dt.timedelta(seconds=n),
                    action="bench.appended",
                    actor_staff_id=n % 50,
                    patient_id=n % 300,
                    detail_text=f"row {n}",
                    grade=n % 5,
                )
            with lock:
                timings.append(time.perf_counter() - start)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder)) as db:
        print(f"database: {db.engine.dialect.name}")
        for threads in (1, 4):
            start = time.perf_counter()
            timings = append(db, args.rows, threads)
            took = time.perf_counter() - start
            print(
                f"append, {threads} thread(s): {args.rows / took:7.0f} rows/s  "
                f"median {statistics.median(timings) * 1000:6.2f} ms  "
                f"worst {max(timings) * 1000:7.2f} ms"
            )
        start = time.perf_counter()
        report = audit_trail.verify(db)
        took = time.perf_counter() - start
        assert report.ok, report
        print(f"verify: {report.rows} rows in {took:.2f} s ({report.rows / took:.0f} rows/s)")


if __name__ == "__main__":
    main()
