"""The audit trail's hash chain: written by every append, checked by ``neurocheck audit verify``.

Tampering is done the way a database owner could: with the append-only triggers switched off
(PostgreSQL: ALTER TABLE ... DISABLE TRIGGER; SQLite: DROP TRIGGER), then UPDATE or DELETE.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import col, select

from bot.cli import audit as cli_audit
from bot.config import Settings
from bot.services import audit_trail
from storage import migrate
from storage.audit_chain import GENESIS, chain_hash
from storage.db import Database, make_engine
from storage.models import AuditLog
from storage.repositories import audit

T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def write(db: Database, count: int, *, start: int = 0) -> None:
    for n in range(start, start + count):
        with db.session() as session:
            audit.record(
                session,
                at=T0 + dt.timedelta(minutes=n),
                action="test.written",
                actor_telegram_id=2**40 + n,
                entity="thing",
                entity_id=n,
                note=f"row {n} · ü",
                nested={"b": [1, 2.5, None], "a": True},
            )


def tamper(db: Database, statement: str, **params: object) -> None:
    """Change the trail as its owner can: guard off, change, guard on."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
            conn.execute(sa.text(statement), params)
            for verb in ("UPDATE", "DELETE"):
                conn.exec_driver_sql(
                    f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                )
        else:
            conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
            conn.execute(sa.text(statement), params)
            conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")


def verify_cli(db: Database) -> tuple[int, str]:
    out = io.StringIO()
    status = cli_audit.verify(Settings(database_url=db.url), db, out=out)
    return status, out.getvalue().strip()


def ids(db: Database) -> list[int]:
    with db.session() as session:
        return [i for i in session.exec(select(AuditLog.id).order_by(col(AuditLog.id))) if i]


def test_an_untouched_trail_verifies(db: Database) -> None:
    assert verify_cli(db) == (0, "ok: 0 rows")
    write(db, 5)
    assert verify_cli(db) == (0, "ok: 5 rows")
    with db.session() as session:
        first = session.exec(select(AuditLog).order_by(col(AuditLog.id))).first()
    assert first is not None and len(first.chain_hash) == 64 and first.chain_hash != GENESIS


def test_a_row_changed_by_the_owner_is_named(db: Database) -> None:
    write(db, 6)
    third = ids(db)[2]
    tamper(db, "UPDATE audit_log SET entity_id = 99 WHERE id = :id", id=third)
    status, line = verify_cli(db)
    assert status == cli_audit.BROKEN
    assert line.startswith(f"broken: row {third} (test.written, 2026-11-24 08:02)")
    assert line.endswith("the 2 rows before it are intact")


def test_a_changed_detail_is_found_as_well(db: Database) -> None:
    write(db, 3)
    last = ids(db)[-1]
    if db.is_sqlite:
        forge = "UPDATE audit_log SET detail = json_set(detail, '$.note', 'forged') WHERE id = :id"
    else:
        forge = (
            "UPDATE audit_log SET detail = jsonb_set(detail, '{note}', '\"forged\"') WHERE id = :id"
        )
    tamper(db, forge, id=last)
    report = audit_trail.verify(db)
    assert report.broken is not None and report.broken.row_id == last and report.rows == 2


def test_a_removed_row_breaks_the_chain_at_the_next(db: Database) -> None:
    write(db, 7)
    assert audit_trail.verify(db, batch=2).rows == 7  # batches join up
    row_ids = ids(db)
    tamper(db, "DELETE FROM audit_log WHERE id = :id", id=row_ids[4])
    for batch in (2, 3, 1000):
        report = audit_trail.verify(db, batch=batch)
        assert report.broken is not None and report.broken.row_id == row_ids[5]


def test_a_rehashed_forgery_still_breaks_at_the_next_row(db: Database) -> None:
    """Recomputing the changed row's hash is not enough: the next row chains to the old one."""
    write(db, 3)
    row_ids = ids(db)
    with db.session() as session:
        row = session.get(AuditLog, row_ids[0])
        assert row is not None
        fields = audit.fields_of(row)
    forged = chain_hash(GENESIS, replace(fields, entity_id=42))
    tamper(
        db,
        "UPDATE audit_log SET entity_id = 42, chain_hash = :forged WHERE id = :id",
        forged=forged,
        id=row_ids[0],
    )
    report = audit_trail.verify(db)
    assert report.broken is not None and report.broken.row_id == row_ids[1]


def test_rows_of_a_rolled_back_transaction_or_savepoint_are_not_appended(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        audit.record(session, at=T0, action="test.rolled_back")
        raise RuntimeError
    with db.session() as session:
        audit.record(session, at=T0, action="test.kept")
        savepoint = session.begin_nested()
        audit.record(session, at=T0, action="test.in_savepoint")
        savepoint.rollback()
        audit.record(session, at=T0, action="test.after")
    with db.session() as session:
        actions = session.exec(select(AuditLog.action).order_by(col(AuditLog.id))).all()
    assert actions == ["test.kept", "test.after"]
    assert audit_trail.verify(db).ok


def in_four_threads(work: Callable[[int], None]) -> list[BaseException]:
    """``work(start)`` in four threads at once (starts 0, 100, 200, 300); what they raised."""
    errors: list[BaseException] = []

    def run(start: int) -> None:
        try:
            work(start)
        except BaseException as error:  # returned to the test, which asserts on it
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n * 100,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_keep_one_chain(db: Database) -> None:
    """Appends from several threads (connections) serialise on the append lock."""
    assert in_four_threads(lambda start: write(db, 15, start=start)) == []
    report = audit_trail.verify(db)
    assert report.ok and report.rows == 60


def test_a_transactions_rows_are_appended_in_one_insert(db: Database) -> None:
    """Issue 21: the rows a transaction recorded go in as one executemany, not one INSERT
    (and one round trip) each."""
    inserted: list[int] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(_c: object, _cur: object, statement: str, params: object, *rest: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            inserted.append(len(params) if isinstance(params, list | tuple) and rest[-1] else 1)

    with db.session() as session:
        for n in range(5):
            audit.record(session, at=T0, action="test.batched", n=n)
    assert inserted == [5]
    report = audit_trail.verify(db)
    assert report.ok and report.rows == 5


def test_concurrent_batches_keep_one_chain(db: Database) -> None:
    """Transactions of several rows from several threads still form one chain."""

    def writer(start: int) -> None:
        for n in range(start, start + 5):
            with db.session() as session:
                for item in range(3):
                    audit.record(session, at=T0, action="test.batch", n=n, item=item)

    assert in_four_threads(writer) == []
    report = audit_trail.verify(db)
    assert report.ok and report.rows == 60


def test_the_migration_chains_rows_written_before_it(scratch_url: str, tmp_path: Path) -> None:
    engine = make_engine(scratch_url)
    try:
        migrate.upgrade(engine, "0003")
        with engine.begin() as conn:
            for n in range(3):
                conn.execute(
                    sa.text("INSERT INTO audit_log (at, action, detail) VALUES (:at, :action, :d)"),
                    {
                        "at": (T0 + dt.timedelta(seconds=n)).replace(tzinfo=None).isoformat(" ")
                        if engine.dialect.name == "sqlite"
                        else T0 + dt.timedelta(seconds=n),
                        "action": f"old.{n}",
                        "d": f'{{"n": {n}}}',
                    },
                )
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    db = Database(scratch_url)
    try:
        report = audit_trail.verify(db)
        assert report.ok and report.rows == 3
        write(db, 1)
        assert audit_trail.verify(db).rows == 4
    finally:
        db.dispose()
