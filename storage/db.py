"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session


def normalise_url(url: str) -> str:
    """Accept the plain ``postgresql://`` form operators copy from docs; we ship psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the pragmas SQLite needs to behave like a real database.

    SQL parameters are left out of error messages (``hide_parameters``): they carry patient
    labels, and a database error is logged at ERROR, where no label may appear.
    """
    url = normalise_url(url)
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = sa.create_engine(url, **kwargs)
    event.listen(engine, "connect", _note_rest)
    event.listen(engine, "checkin", _note_rest)
    event.listen(engine, "checkout", _pinger(engine.dialect))
    return engine


PING_AFTER_IDLE = 30.0
"""Seconds a pooled PostgreSQL connection may rest before its next checkout pings it."""
_CHECKED_IN = "neurocheck.checked_in"


def _note_rest(_dbapi_conn: Any, record: Any) -> None:
    record.info[_CHECKED_IN] = time.monotonic()


def _pinger(dialect: sa.Dialect) -> Any:
    """The checkout hook of a PostgreSQL engine: ``_ping_if_in_doubt`` with its dialect."""

    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        _ping_if_in_doubt(dialect, dbapi_conn, record)

    return checkout


def _ping_if_in_doubt(dialect: sa.Dialect, dbapi_conn: Any, record: Any) -> None:
    """The pessimistic disconnect check, without a round trip on the hot path.

    ``pool_pre_ping`` sent a query at every checkout: one round trip of the six a button
    press made on PostgreSQL. A connection the server closed (a restart, an administrator,
    an idle timeout) has something to read: the server's FATAL message and the end of the
    stream. So the check is a zero-timeout ``select`` on the socket, and a real ping only
    when it is readable or the connection rested longer than ``PING_AFTER_IDLE`` (a cut
    that sent nothing). A failed ping raises ``DisconnectionError``: the pool discards the
    connection and checks out another, as pre-ping did.
    """
    rested = time.monotonic() - record.info.get(_CHECKED_IN, 0.0)
    try:
        poller = select.poll()
        poller.register(dbapi_conn.fileno(), select.POLLIN)
        readable = bool(poller.poll(0))
    except (OSError, ValueError, AttributeError):
        readable = True  # closed already (or no poll here): let the ping decide
    if not readable and rested < PING_AFTER_IDLE:
        return
    try:
        alive = dialect.do_ping(dbapi_conn)
    except Exception as exc:
        raise sa.exc.DisconnectionError(str(exc)) from exc
    if not alive:
        raise sa.exc.DisconnectionError("the connection did not answer a ping")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, issue BEGIN, so that every transaction takes the write
    # lock at its start (BEGIN IMMEDIATE): two processes claiming the same due row then
    # serialise instead of both reading it as due.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_reader_pragmas(dbapi_conn: Any, _record: Any) -> None:
    _sqlite_pragmas(dbapi_conn, _record)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _sqlite_begin_immediate(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Owns the engine; hands out sessions. Services own the transactions.

    ``unit_of_work()`` lets several service calls share one transaction: inside it,
    ``session()`` yields the enclosing session and leaves commit or rollback to the unit.
    The bot uses it to resolve who is pressing and act on the press in one round of
    BEGIN/COMMIT (see ``StaffService.run_as``).
    """

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self._factory = sessionmaker(self.engine, class_=Session, expire_on_commit=False)
        self._local = threading.local()
        self._reader: Engine | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any exception."""
        outer: Session | None = getattr(self._local, "session", None)
        if outer is not None:
            yield outer
            return
        with self._factory() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A transaction that nested ``session()`` calls on this thread join."""
        with self.session() as session:
            self._local.session = session
            try:
                yield session
            finally:
                self._local.session = None

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A long read that sees one consistent state and blocks no writer (an export).

        ``session()`` on SQLite begins IMMEDIATE, taking the write lock for the whole
        transaction: a minute-long read there would stall every prompt and page. This one
        begins a deferred, read-only transaction on its own engine (WAL gives it a snapshot);
        on PostgreSQL it is REPEATABLE READ, READ ONLY. Always rolled back.
        """
        if not self.is_sqlite:
            with self._factory() as session:
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                session.execute(sa.text("SET TRANSACTION READ ONLY"))
                try:
                    yield session
                finally:
                    session.rollback()
            return
        if self._reader is None:
            self._reader = sa.create_engine(
                self.url, connect_args={"check_same_thread": False, "timeout": 30}
            )
            event.listen(self._reader, "connect", _sqlite_reader_pragmas)
            event.listen(self._reader, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        with Session(self._reader) as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
        if self._reader is not None:
            self._reader.dispose()
