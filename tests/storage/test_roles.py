"""The bot's PostgreSQL role cannot erase the audit trail (``neurocheck db grant``).

Each test makes a fresh login role, grants it through the CLI entry point as the owner (the
suite's superuser), then connects as that role and tries what an attacker with the bot's
credentials would: TRUNCATE, DELETE with triggers silenced, UPDATE, DDL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from bot.services import audit_trail
from storage import migrate
from storage.db import Database
from storage.models import AuditLog, ClinicalEvent, Role, Ward
from storage.repositories import audit
from tests.e2e.conftest import TOKEN, running_bot
from tests.e2e.test_check import tap
from tests.support import factories
from tests.support.cli import run_main
from tests.support.clock import FakeClock

T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def bot_role(db: Database) -> Iterator[str]:
    if db.is_sqlite:
        pytest.skip("database roles and TRUNCATE exist only on PostgreSQL")
    role = f"nc_bot_{uuid.uuid4().hex[:8]}"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
    yield role
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP OWNED BY {role}")
        conn.exec_driver_sql(f"DROP ROLE {role}")


@pytest.fixture
def as_bot(
    db: Database,
    bot_role: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> Iterator[Database]:
    """The database as the bot sees it, after ``neurocheck db grant --role``."""
    ran = run_main(
        monkeypatch,
        capsys,
        "db",
        "grant",
        "--role",
        bot_role,
        cwd=tmp_path,
        env={"NEUROCHECK_DATABASE_URL": db.url},
    )
    assert (ran.status, ran.err) == (0, "")
    with db.session() as session:
        audit.record(session, at=T0, action="test.before")
    url = sa.make_url(db.url).set(username=bot_role, password=None)
    bot = Database(url.render_as_string(hide_password=False))
    yield bot
    bot.dispose()


def fails(bot: Database, *statements: str) -> str:
    """Run the statements as the bot in one transaction; the error it gets."""
    with pytest.raises(sa.exc.DBAPIError) as error, bot.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    return str(error.value.orig)


def test_the_bot_works_on_rows_and_appends_to_the_trail(as_bot: Database, db: Database) -> None:
    with as_bot.session() as session:
        session.add(Ward(code="H7", name="Haematology 7"))
        audit.record(session, at=T0, action="test.by_bot")
    with as_bot.session() as session:
        assert session.exec(select(Ward.code)).all() == ["H7"]
    report = audit_trail.verify(db)
    assert report.ok and report.rows == 2


def test_the_bot_cannot_truncate_the_trail(as_bot: Database) -> None:
    assert "permission denied" in fails(as_bot, "TRUNCATE audit_log")


def test_the_bot_cannot_silence_the_triggers_to_delete(as_bot: Database) -> None:
    error = fails(as_bot, "SET session_replication_role = replica", "DELETE FROM audit_log")
    assert "permission denied" in error and "session_replication_role" in error
    assert "permission denied" in fails(as_bot, "DELETE FROM audit_log")
    assert "permission denied" in fails(as_bot, "UPDATE audit_log SET action = 'x'")
    assert "must be owner" in fails(as_bot, "ALTER TABLE audit_log DISABLE TRIGGER ALL")


def test_the_bot_changes_no_schema(as_bot: Database) -> None:
    assert "permission denied" in fails(as_bot, "CREATE TABLE sneaky (id int)")
    assert "must be owner" in fails(as_bot, "DROP TABLE ward")
    assert "permission denied" in fails(as_bot, "UPDATE alembic_version SET version_num = 'x'")


def test_the_trail_survives_all_that(as_bot: Database, db: Database) -> None:
    for statement in ("TRUNCATE audit_log", "DELETE FROM audit_log"):
        fails(as_bot, "SET session_replication_role = replica", statement)
    with db.session() as session:
        assert session.exec(select(AuditLog.action)).all() == ["test.before"]
    assert audit_trail.verify(db).rows == 1


def test_even_the_owner_truncates_only_with_the_trigger_off(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE (its DELETE trigger covers DELETE without WHERE)")
    with db.session() as session:
        audit.record(session, at=T0, action="test.kept")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE audit_log")


def test_grant_refuses_a_superuser_or_a_missing_role_in_one_line(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    if db.is_sqlite:
        pytest.skip("database roles exist only on PostgreSQL")
    env = {"NEUROCHECK_DATABASE_URL": db.url}
    ran = run_main(monkeypatch, capsys, "db", "grant", "--role", "postgres", cwd=tmp_path, env=env)
    assert ran.status == 2 and "is a superuser" in ran.err and len(ran.err.splitlines()) == 1
    ran = run_main(monkeypatch, capsys, "db", "grant", "--role", "nobody_x", cwd=tmp_path, env=env)
    assert ran.status == 2 and "does not exist" in ran.err and len(ran.err.splitlines()) == 1


def test_grant_on_sqlite_says_there_are_no_roles(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env = {"NEUROCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'n.db'}"}
    ran = run_main(monkeypatch, capsys, "db", "grant", "--role", "bot", cwd=tmp_path, env=env)
    assert ran.status == 2 and "only on PostgreSQL" in ran.err


async def test_the_bot_runs_as_its_role(as_bot: Database, db: Database, tmp_path: Path) -> None:
    """The real Application on the bot's role: a nurse reports an event, which writes the
    event, its grade, an alert, the outbox and the audit trail (with the append lock)."""
    ward_id = factories.ward(db)
    factories.staff(db, 501, "Nurse Ada", Role.NURSE, [ward_id])
    factories.patient(db, ward_id, "Bed 4")
    async with FakeTelegram(token=TOKEN) as tg:
        settings = Settings(
            bot_token=TOKEN,
            database_url=as_bot.url,
            bot_api_url=tg.base_url,
            bot_api_file_url=tg.base_file_url,
        )
        async with running_bot(settings, as_bot, FakeClock(T0)) as bot:
            nurse = tg.user(501)
            await nurse.send("/event Bed 4")
            done = await tap(
                nurse, await nurse.next_message(), "Seizure over 5 minutes", "Report now"
            )
            assert "Reported for Bed 4" in (done.text or "")
            await bot.tick()
    with db.session() as session:
        assert session.exec(select(ClinicalEvent)).one().kind == "seizure"
    report = audit_trail.verify(db)
    assert report.ok and report.rows > 2


def test_db_upgrade_as_the_bot_passes_on_a_current_schema(
    as_bot: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The systemd unit runs 'db upgrade' before each start with the bot's URL: nothing to do
    is fine; a real upgrade needs the owner."""
    env = {"NEUROCHECK_DATABASE_URL": as_bot.url}
    ran = run_main(monkeypatch, capsys, "db", "upgrade", cwd=tmp_path, env=env)
    head = migrate.head_revision(as_bot.engine)
    assert (ran.status, ran.out.strip()) == (0, f"database at revision {head}")
