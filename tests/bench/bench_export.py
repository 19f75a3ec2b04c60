"""Export figures (issue 20): a month of one ward with 10,000 patients, as CSV and as FHIR.

    python -m tests.bench.bench_export [--patients 10000] [--checks 3] [--formats csv,fhir]
    NEUROCHECK_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        python -m tests.bench.bench_export

Each patient has ``--checks`` submitted ICE checks (13 answers, a grade and the scheduled
check each fulfilled); every tenth patient also a seizure with its grade and a high alert
paged twice, acknowledged and decided. The rows are inserted in bulk (the services would take
hours for this many), then each format is exported once with the real service, to a folder,
in a child process of its own (forked once the bench has imported everything and seeded).
Printed: rows, size, time and that child's peak RSS, beside the RSS it started with; with
``--trace`` also tracemalloc's peak of the Python heap (which slows the run several times).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.clinical import IceItem
from bot.services.export.service import ExportRequest, ExportService, Format
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentAnswer,
    AuditLog,
    ClinicalEvent,
    Escalation,
    EscalationDelivery,
    GradeResult,
    Patient,
    Role,
    ScheduledCheck,
    Staff,
    StaffWard,
    Ward,
)
from tests.bench.bench_press import fresh_database

START: Final = dt.datetime(2026, 11, 1, 7, tzinfo=dt.UTC)
ZONE: Final = ZoneInfo("Europe/Berlin")
CHUNK: Final = 500
ITEMS: Final = ("consciousness", *(i.value for i in IceItem), "seizure", "motor_tremor")


def seed(db: Database, patients: int, checks: int) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(Ward), [{"code": "H7", "name": "Bench", "settings": {}, "created_at": START}]
        )
        conn.execute(
            sa.insert(Staff),
            [
                {
                    "telegram_user_id": t,
                    "chat_id": t,
                    "display_name": n,
                    "role": r,
                    "active": True,
                    "created_at": START,
                }
                for t, n, r in ((1, "Nurse Ada", Role.NURSE), (2, "Dr Pim", Role.PHYSICIAN))
            ],
        )
        conn.execute(
            sa.insert(StaffWard), [{"staff_id": 1, "ward_id": 1}, {"staff_id": 2, "ward_id": 1}]
        )
    for first in range(0, patients, CHUNK):
        with db.engine.begin() as conn:
            _seed_chunk(conn, first, min(CHUNK, patients - first), checks)


def _seed_chunk(conn: sa.Connection, first: int, count: int, checks: int) -> None:
    numbers = range(first + 1, first + count + 1)
    admitted = {n: START + dt.timedelta(days=n % 28, minutes=n % 600) for n in numbers}
    conn.execute(
        sa.insert(Patient),
        [
            {
                "ward_id": 1,
                "label": f"Bed {n}",
                "date_of_birth": dt.date(1960 + n % 50, 1, 1),
                "weight_band": "ge45",
                "risk_flags": [],
                "use_capd": False,
                "status": "active",
                "admitted_at": admitted[n],
            }
            for n in numbers
        ],
    )
    rows = [
        (n, k, admitted[n] + dt.timedelta(hours=8 * k + 1)) for n in numbers for k in range(checks)
    ]
    base = first * checks
    conn.execute(
        sa.insert(ScheduledCheck),
        [
            {
                "patient_id": n,
                "due_at": at,
                "kind": "routine",
                "status": "done",
                "reminder_level": 0,
                "prompted_at": at,
                "late": False,
                "assessment_id": base + i + 1,
                "created_at": at,
            }
            for i, (n, _k, at) in enumerate(rows)
        ],
    )
    conn.execute(
        sa.insert(Assessment),
        [
            {
                "patient_id": n,
                "scheduled_check_id": base + i + 1,
                "holder_id": 1,
                "status": "submitted",
                "step": "summary",
                "tool": "ice",
                "answers": {},
                "version": 20,
                "is_baseline": k == 0,
                "started_at": at + dt.timedelta(minutes=n % 25),
                "updated_at": at,
                "submitted_at": at + dt.timedelta(minutes=n % 25 + 4),
            }
            for i, (n, k, at) in enumerate(rows)
        ],
    )
    conn.execute(
        sa.insert(AssessmentAnswer),
        [
            {
                "assessment_id": base + i + 1,
                "item": item,
                "value": "wrong" if item == "hospital" and k == 2 else _value(item),
                "answered_by_id": 1,
                "answered_at": at,
            }
            for i, (_n, k, at) in enumerate(rows)
            for item in ITEMS
        ],
    )
    conn.execute(
        sa.insert(GradeResult),
        [
            {
                "patient_id": n,
                "assessment_id": base + i + 1,
                "current": True,
                "ruleset": "astct-2019/neurocheck-1",
                "tool": "ice",
                "ice_score": 9 if k == 2 else 10,
                "icans_grade": 1 if k == 2 else 0,
                "complete": True,
                "domain_grades": {"ice": 1 if k == 2 else 0},
                "flags": ["tremor"],
                "recorded_seizure": "none",
                "recorded_hemorrhage": False,
                "attributed_elsewhere": [],
                "graded_at": at,
            }
            for i, (n, k, at) in enumerate(rows)
        ],
    )
    _seed_alerts(conn, [n for n in numbers if n % 10 == 0], admitted)


def _value(item: str) -> str:
    if item == "consciousness":
        return "alert"
    if item == "seizure":
        return "none"
    return "present" if item.startswith("motor_") else "correct"


def _seed_alerts(conn: sa.Connection, numbers: list[int], admitted: dict[int, dt.datetime]) -> None:
    if not numbers:
        return
    first = conn.execute(sa.select(sa.func.count()).select_from(ClinicalEvent)).scalar_one()
    at = {n: admitted[n] + dt.timedelta(hours=30) for n in numbers}
    conn.execute(
        sa.insert(ClinicalEvent),
        [
            {
                "patient_id": n,
                "kind": "seizure",
                "detail": {"finding": "seizure.resolved_rapidly"},
                "occurred_at": at[n],
                "reported_by_id": 1,
                "reported_at": at[n],
            }
            for n in numbers
        ],
    )
    grades_before = conn.execute(sa.select(sa.func.max(GradeResult.id))).scalar_one() or 0
    conn.execute(
        sa.insert(GradeResult),
        [
            {
                "patient_id": n,
                "event_id": first + i + 1,
                "current": True,
                "ruleset": "astct-2019/neurocheck-1",
                "tool": "ice",
                "icans_grade": 3,
                "complete": False,
                "domain_grades": {"seizure": 3},
                "flags": [],
                "recorded_seizure": "resolved_rapidly",
                "recorded_hemorrhage": False,
                "attributed_elsewhere": [],
                "graded_at": at[n],
            }
            for i, n in enumerate(numbers)
        ],
    )
    escalations_before = conn.execute(
        sa.select(sa.func.count()).select_from(Escalation)
    ).scalar_one()
    conn.execute(
        sa.insert(Escalation),
        [
            {
                "patient_id": n,
                "ward_id": 1,
                "urgency": "critical",
                "reasons": ["seizure"],
                "grade_result_id": grades_before + i + 1,
                "status": "acknowledged",
                "policy": {},
                "step_index": 1,
                "created_at": at[n],
                "source": "event",
                "acknowledged_at": at[n] + dt.timedelta(minutes=2 + n % 9),
                "acknowledged_by_id": 2,
                "ack_kind": "ack",
            }
            for i, n in enumerate(numbers)
        ],
    )
    ids = [escalations_before + i + 1 for i in range(len(numbers))]
    conn.execute(
        sa.insert(EscalationDelivery),
        [
            {
                "escalation_id": e,
                "step_index": step,
                "staff_id": 2,
                "chat_id": 2,
                "status": "sent",
                "created_at": at[n] + dt.timedelta(minutes=5 * step),
                "sent_at": at[n] + dt.timedelta(minutes=5 * step, seconds=1),
            }
            for e, n in zip(ids, numbers, strict=True)
            for step in (0, 1)
        ],
    )
    conn.execute(
        sa.insert(AuditLog),
        [
            {
                "at": at[n] + dt.timedelta(minutes=12),
                "actor_staff_id": 2,
                "action": "escalation.decision",
                "entity": "escalation",
                "entity_id": e,
                "patient_id": n,
                "ward_id": 1,
                "detail": {"decision": "levetiracetam"},
            }
            for e, n in zip(ids, numbers, strict=True)
        ],
    )


def measure(url: str, kind: Format, folder: Path, trace: bool) -> None:
    """One export, in a child process of its own so that its peak RSS is its own."""
    db = Database(url)
    exporter = ExportService(
        db, lambda: START + dt.timedelta(days=40), ZONE, fhir_system="urn:bench"
    )
    request = ExportRequest(
        "H7", dt.date(2026, 11, 1), dt.date(2026, 11, 30), kind, folder / f"out-{kind}"
    )
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    result = exporter.run(request)
    elapsed = time.perf_counter() - began
    traced = f"; peak traced {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MB" if trace else ""
    rows = sum(result.counts.values())
    size = sum(p.stat().st_size for p in _files(folder / f"out-{kind}")) / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{kind.value:>7}: {result.summary.patients} patients, {rows} rows/resources, "
        f"{size:.1f} MB written in {elapsed:.1f} s; peak RSS {peak:.0f} MB{traced}",
        flush=True,
    )
    db.dispose()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _files(folder: Path) -> Iterator[Path]:
    return (p for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=3)
    parser.add_argument("--formats", default="csv,fhir")
    parser.add_argument("--trace", action="store_true", help="also tracemalloc (slow)")
    args = parser.parse_args()
    forking = multiprocessing.get_context("fork")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with fresh_database(folder) as db:
            began = time.perf_counter()
            seed(db, args.patients, args.checks)
            print(
                f"seeded {args.patients} patients x {args.checks} checks "
                f"({db.engine.dialect.name}) in {time.perf_counter() - began:.1f} s; "
                f"RSS before exporting {_rss_mb():.0f} MB",
                flush=True,
            )
            db.engine.dispose()  # the children open their own connections
            for kind in args.formats.split(","):
                child = forking.Process(
                    target=measure, args=(db.url, Format(kind), folder, args.trace)
                )
                child.start()
                child.join()


if __name__ == "__main__":
    main()
