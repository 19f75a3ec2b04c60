"""A pooled PostgreSQL connection is checked at checkout without a round trip (issue 21).

``pool_pre_ping`` pinged the server at every checkout: one round trip of each button press.
The pool now pings only a connection whose socket has something to say (the server closed
it) or that rested longer than ``PING_AFTER_IDLE``; these tests show that a connection the
server cut is still replaced before a use case sees it, and that a healthy one is not pinged.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import sqlalchemy as sa

from storage import db as db_module
from storage.db import Database, make_engine

POSTGRES = os.environ.get("NEUROCHECK_TEST_DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.skipif(not POSTGRES, reason="the pool check is PostgreSQL's")


def backend_pid(database: Database) -> int:
    with database.session() as session:
        pid: int = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        return pid


def terminate(url: str, pid: int) -> None:
    """Cut one connection from the server side, as a restart or an administrator would, and
    wait until its backend has ended (up to 5 s): without the wait the signal may not have
    been acted on when the test checks the connection out, and the test would race."""
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            ended = conn.execute(
                sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
            ).scalar_one()
            assert ended, f"backend {pid} did not end within 5 s"
    finally:
        admin.dispose()


def pings(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the dialect's pings (they bypass ``before_cursor_execute``)."""
    counted: list[int] = []
    dialect = database.engine.dialect
    original = dialect.do_ping

    def counting(dbapi_conn: Any) -> bool:
        counted.append(1)
        return original(dbapi_conn)

    monkeypatch.setattr(dialect, "do_ping", counting)
    return counted


def test_a_connection_the_server_closed_is_replaced_before_use(db: Database) -> None:
    database = Database(db.url, pool_size=1, max_overflow=0)
    try:
        first = backend_pid(database)
        terminate(db.url, first)
        second = backend_pid(database)  # the pool's only connection was the one cut
        assert second != first
    finally:
        database.dispose()


def test_a_healthy_connection_is_not_pinged_at_checkout(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(db.url, pool_size=1, max_overflow=0)
    try:
        backend_pid(database)
        counted = pings(database, monkeypatch)
        for _ in range(5):
            backend_pid(database)
        assert counted == []
    finally:
        database.dispose()


def test_a_connection_that_rested_long_is_pinged(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = Database(db.url, pool_size=1, max_overflow=0)
    try:
        backend_pid(database)
        counted = pings(database, monkeypatch)
        monkeypatch.setattr(db_module, "PING_AFTER_IDLE", 0.0)
        backend_pid(database)
        assert counted == [1]
    finally:
        database.dispose()
