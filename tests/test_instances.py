"""Leadership on the real databases: one PostgreSQL session holds the advisory lock, a leader
whose connection is cut steps down and another takes over; one process per SQLite file."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import instances
from bot.instances import AdvisoryLock, AlreadyRunningError, SoleInstance
from storage.db import Database, make_engine
from tests.conftest import TEST_DB_ENV

POSTGRES = os.environ.get(TEST_DB_ENV, "").startswith("postgres")


class Candidate:
    """An AdvisoryLock running as in the bot, with its changes of heart recorded."""

    def __init__(self, url: str) -> None:
        self.lock = instances.for_database(url)
        assert isinstance(self.lock, AdvisoryLock)
        self.changes: list[bool] = []
        self._seen = 0
        self._changed = asyncio.Event()
        self.task = asyncio.create_task(self.lock.run(self._record))

    async def _record(self, leading: bool) -> None:
        self.changes.append(leading)
        self._changed.set()

    async def next_change(self, timeout: float = 15.0) -> bool:  # noqa: ASYNC109
        """The first change not yet returned (it may have happened already)."""
        while len(self.changes) == self._seen:
            self._changed.clear()
            await asyncio.wait_for(self._changed.wait(), timeout)
        self._seen += 1
        return self.changes[self._seen - 1]

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        self.lock.close()


@pytest.fixture
async def candidates(db: Database) -> AsyncIterator[list[Candidate]]:
    started: list[Candidate] = []
    yield started
    for candidate in started:
        await candidate.stop()


def terminate_leader_session(db: Database) -> int:
    """Cut the lock connection from the server side, as a network failure or a DBA would."""
    admin = make_engine(db.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            pids = conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks l "
                    "WHERE l.locktype = 'advisory' AND l.granted "
                    "AND l.objid = (:key & 4294967295) AND l.classid = (:key >> 32) "
                    # this test's database only: parallel workers' bots hold the same key in
                    # theirs (pg_locks lists the whole server's locks)
                    "AND l.database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"
                ),
                {"key": instances.LOCK_KEY},
            ).all()
    finally:
        admin.dispose()
    return len(pids)


@pytest.mark.skipif(not POSTGRES, reason="the advisory lock is PostgreSQL's")
async def test_one_leads_and_a_leader_cut_off_steps_down_for_the_other(
    db: Database, candidates: list[Candidate]
) -> None:
    first = Candidate(db.url)
    candidates.append(first)
    assert await first.next_change() is True
    second = Candidate(db.url)
    candidates.append(second)
    with pytest.raises(TimeoutError):
        await second.next_change(timeout=instances.CHECK_SECONDS * 2)  # follows, silently
    assert terminate_leader_session(db) == 1
    assert await first.next_change() is False  # noticed at its next probe: stepped down
    assert await second.next_change() is True
    assert first.lock.leading is False and second.lock.leading is True
    await second.stop()  # a clean stop ends the session: the first leads again
    assert second.changes[-1] is False
    assert await first.next_change() is True


def test_second_instance_on_a_sqlite_file_is_refused_until_the_first_ends(tmp_path: Path) -> None:
    path = tmp_path / "ward.db"
    first = instances.for_database(f"sqlite:///{path}")
    assert isinstance(first, SoleInstance) and first.leading
    with pytest.raises(AlreadyRunningError) as refused:
        instances.for_database(f"sqlite:///{path}")
    assert str(refused.value).startswith(f"another 'neurocheck run' is already using {path} ")
    assert "\n" not in str(refused.value)
    first.close()
    instances.for_database(f"sqlite:///{path}").close()  # free again
