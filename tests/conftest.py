"""Fixtures shared by the whole suite.

The database under test is chosen by ``NEUROCHECK_TEST_DATABASE_URL``: unset means SQLite; a
``postgresql://`` URL names a server on which the session creates a fresh, uniquely named
database (migrated once) and drops it at the end, so every run starts clean.

The suite runs in parallel (pytest-xdist, ``-n`` in pyproject's addopts): each worker is a
process with its own session, so each has its own database (named after the worker, e.g.
``nc_test_gw1_...``), its own temporary folders and its own free ports (every server in the
tests binds port 0).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.telegram import prompts
from storage import migrate
from storage.db import Database, make_engine, normalise_url

TEST_DB_ENV = "NEUROCHECK_TEST_DATABASE_URL"

os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ["NO_PROXY"] = "127.0.0.1,localhost"


def pytest_report_header() -> str:
    return f"neurocheck database: {os.environ.get(TEST_DB_ENV) or 'sqlite (default)'}"


def _worker() -> str:
    """The xdist worker's id (``gw0``, ``gw1`` ...), or ``main`` when not in parallel."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class Backend:
    """Hands each test a migrated, empty database on the configured backend."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        server = os.environ.get(TEST_DB_ENV, "")
        self.postgres = server.startswith("postgres")
        if self.postgres:
            self.name = f"nc_test_{_worker()}_{uuid.uuid4().hex[:12]}"
            self._admin = make_engine(server, isolation_level="AUTOCOMMIT")
            with self._admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
            url = sa.make_url(normalise_url(server)).set(database=self.name)
            self.url = url.render_as_string(hide_password=False)
            self._shared = Database(self.url)
            migrate.upgrade(self._shared.engine)
        else:
            self.template = tmp / "template.db"
            engine = make_engine(f"sqlite:///{self.template}")
            migrate.upgrade(engine)
            engine.dispose()

    def fresh(self, path: Path) -> Database:
        if self.postgres:
            self._truncate()
            return self._shared
        target = path / "neurocheck.db"
        shutil.copyfile(self.template, target)
        return Database(f"sqlite:///{target}")

    def _truncate(self) -> None:
        with self._shared.engine.begin() as conn:
            tables = conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            ).scalars()
            names = ", ".join(f'"{t}"' for t in tables)
            # The audit trail refuses TRUNCATE by trigger; the suite's superuser turns
            # triggers off for this transaction, which the bot's own role cannot do.
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")

    def close(self) -> None:
        if self.postgres:
            self._shared.dispose()
            with self._admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin.dispose()


@pytest.fixture(autouse=True)
def no_chat_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages to one chat go out back to back, not a second apart: the fake Bot API does
    not enforce Telegram's rate (it counts what would break it), and that second per message
    was most of the end-to-end and sandbox tests' time. A test of the spacing itself sets
    ``bot.telegram.prompts.PER_CHAT_SPACING`` back."""
    monkeypatch.setattr(prompts, "PER_CHAT_SPACING", 0.0)


@pytest.fixture(scope="session")
def db_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    backend = Backend(tmp_path_factory.mktemp("db"))
    yield backend
    backend.close()


@pytest.fixture
def db(db_backend: Backend, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database for one test."""
    database = db_backend.fresh(tmp_path)
    yield database
    if not db_backend.postgres:
        database.dispose()


@pytest.fixture
def scratch_url(db_backend: Backend, tmp_path: Path) -> Iterator[str]:
    """The URL of an EMPTY database (no schema) on the configured backend."""
    if not db_backend.postgres:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"{db_backend.name}_s{uuid.uuid4().hex[:6]}"
    with db_backend._admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(db_backend.url).set(database=name)
    yield url.render_as_string(hide_password=False)
    with db_backend._admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
