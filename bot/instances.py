"""Which instance takes Telegram's updates: one leader, chosen through the database alone.

Telegram hands long-polled updates to one poller per bot; a second poller makes Telegram end
the first one's request with 409. So exactly one instance may poll, and when it dies another
must take over without a person noticing. Everything else the bot does (claiming due checks,
escalation steps, queued messages) is already safe on every instance, because claims are row
locks, so only polling needs a leader.

PostgreSQL: the leader holds a session-level advisory lock on a connection of its own, the
way GoAlert coordinates instances with nothing but Postgres. The server frees the lock the
moment that session ends; a process killed with SIGKILL closes its socket, so a follower that
tries every ``CHECK_SECONDS`` leads within seconds. A leader that cannot reach its lock
connection steps down at once (it may no longer hold the lock), and tries again from scratch.

SQLite: a database file has no server to hold a lock for a dead process, and two processes
writing one file is what SQLite handles worst, so a second instance is refused at start: the
first holds an exclusive ``flock`` on ``<database>.lock``, which the kernel frees when it
exits however it exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
"""How often a follower asks for the lock and a leader proves it still holds it. With the
lock freed at once when the leader's session ends, failover takes at most this plus PTB's
start of polling: well inside the 10 seconds the ward is promised."""
QUIET_ROUNDS = 3
"""Probes an instance sits out after losing its lock connection (see ``_probe``)."""
PROBE_TIMEOUT = 5.0
"""A lock connection that does not answer within this is treated as lost."""
LOCK_KEY = 0x4E65_7572_6F63_6B01
"""The advisory lock's key: one bot per database, so one constant."""

OnChange = Callable[[bool], Awaitable[None]]


class AlreadyRunningError(Exception):
    """Another instance holds the database; the message is one line for the operator."""


class Leadership(Protocol):
    @property
    def leading(self) -> bool: ...

    async def run(self, on_change: OnChange) -> None:
        """Call ``on_change(True)`` on becoming leader and ``on_change(False)`` on stepping
        down, until cancelled (then step down, if leading, and release)."""

    def close(self) -> None: ...


def for_database(url: str) -> Leadership:
    """The leadership that fits the database; raises AlreadyRunningError for a held SQLite file."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return SoleInstance(parsed.database)
    return AdvisoryLock(parsed.set(drivername="postgresql").render_as_string(hide_password=False))


class SoleInstance:
    """SQLite: this process leads for its whole life, or does not start."""

    def __init__(self, database: str | None) -> None:
        self._fd: int | None = None
        if not database or database == ":memory:":
            return  # a private in-memory database: nobody else can open it
        path = Path(database).resolve()
        lock = path.with_name(path.name + ".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunningError(
                f"another 'neurocheck run' is already using {path} (it holds {lock}); "
                "SQLite allows one instance: stop it first, or use PostgreSQL for several"
            ) from None
        self._fd = fd

    @property
    def leading(self) -> bool:
        return True

    async def run(self, on_change: OnChange) -> None:
        await on_change(True)
        try:
            await asyncio.Event().wait()
        finally:
            await on_change(False)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None


class AdvisoryLock:
    """PostgreSQL: lead while holding ``pg_try_advisory_lock(LOCK_KEY)`` on our own session."""

    def __init__(self, conninfo: str, *, check_seconds: float = CHECK_SECONDS) -> None:
        self._conninfo = conninfo
        self._check = check_seconds
        self._conn: Any = None
        self._leading = False
        self._quiet_until = 0.0
        # Its own thread: queued behind the bot's database work in the default pool, a probe
        # could miss its timeout on a busy instance and make a healthy leader step down. One
        # thread, so probes never overlap: a probe that timed out but connects later hands
        # its session to the next probe instead of leaving a second one holding the lock.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leader-lock")

    @property
    def leading(self) -> bool:
        return self._leading

    async def run(self, on_change: OnChange) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                if loop.time() < self._quiet_until:
                    await asyncio.sleep(self._check)
                    continue
                holds = await self._probe()
                if holds != self._leading:
                    self._leading = holds
                    log.warning("this instance %s", "now leads" if holds else "stepped down")
                    await self._tell(on_change, holds)
                await asyncio.sleep(self._check)
        finally:
            if self._leading:
                self._leading = False
                await on_change(False)
            await asyncio.to_thread(self._release)

    async def _tell(self, on_change: OnChange, holds: bool) -> None:
        """A leader whose polling fails to start (an error PTB does not retry) lets go of the
        lock, so that another instance can try."""
        try:
            await on_change(holds)
        except Exception as error:
            log.warning("could not %s: %s", "lead" if holds else "step down", error)
            if holds:
                self._leading = False
                await asyncio.to_thread(self._release)

    async def _probe(self) -> bool:
        """Leader: is the lock session alive? Follower: can we take the lock now?"""
        try:
            asking = asyncio.get_running_loop().run_in_executor(self._pool, self._ask)
            return await asyncio.wait_for(asking, PROBE_TIMEOUT)
        except Exception as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            log.warning("leader lock connection lost (%s); not leading until it is back", reason)
            # Sit out a few rounds, so that an instance whose connection is sound takes over
            # rather than this one winning the lock back as soon as it reconnects.
            self._quiet_until = asyncio.get_running_loop().time() + QUIET_ROUNDS * self._check
            conn, self._conn = self._conn, None
            if conn is not None:  # may block on a dead socket: close it off the event loop
                asyncio.get_running_loop().run_in_executor(None, _close_quietly, conn)
            return False

    def _ask(self) -> bool:
        if self._conn is None:
            self._conn = _connect(self._conninfo)
        if self._leading:
            self._conn.execute("SELECT 1")
            return True
        row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        return bool(row and row[0])

    def _release(self) -> None:
        """Ending the session frees the lock at once for the next leader."""
        conn, self._conn = self._conn, None
        if conn is not None:
            _close_quietly(conn)

    def close(self) -> None:
        self._release()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _connect(conninfo: str) -> Any:
    """A dedicated autocommit connection with keepalives on both ends, so that a silent
    network failure is noticed in seconds by us (we step down) and by the server (it frees
    the lock for another instance), not after the system's two-hour TCP default."""
    import psycopg

    conn = psycopg.connect(
        conninfo,
        autocommit=True,
        connect_timeout=5,
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=2,
        application_name="neurocheck-leader",
    )
    conn.execute("SET tcp_keepalives_idle = 5")
    conn.execute("SET tcp_keepalives_interval = 2")
    conn.execute("SET tcp_keepalives_count = 2")
    return conn


def _close_quietly(conn: Any) -> None:
    with contextlib.suppress(Exception):
        conn.close()
