"""The models and the Alembic migrations must describe the same schema, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import storage.models  # noqa: F401
from storage import migrate
from storage.db import Database, make_engine


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == [], f"models differ from migrations; run 'neurocheck db revision': {diff}"


def test_upgrade_downgrade_upgrade_round_trip(scratch_url: str) -> None:
    engine = make_engine(scratch_url)
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.is_up_to_date(engine)
        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
    finally:
        engine.dispose()


def test_0012_gives_telegram_rows_their_address_and_takes_it_back(scratch_url: str) -> None:
    """Rows queued before the outbox named recipients get the chat id as their address (what
    every sender now reads); a downgrade leaves them as 0011 wrote them."""
    engine = make_engine(scratch_url)
    insert = sa.text(
        "INSERT INTO outbound_message (channel, address, chat_id, purpose, payload, dedupe_key,"
        " status, attempts, next_attempt_at, created_at) VALUES (:channel, :address, :chat,"
        " 'test', '{}', :key, 'pending', 0, '2026-12-01 08:00:00', '2026-12-01 08:00:00')"
    )
    read = sa.text("SELECT dedupe_key, address FROM outbound_message ORDER BY dedupe_key")
    try:
        migrate.upgrade(engine, "0011")
        with engine.begin() as conn:
            conn.execute(insert, {"channel": "telegram", "address": None, "chat": 42, "key": "a"})
            conn.execute(insert, {"channel": "email", "address": "x@y.org", "chat": 0, "key": "b"})
        migrate.upgrade(engine, "0012")
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(read)] == [("a", "42"), ("b", "x@y.org")]
        migrate.downgrade(engine, "0011")
        with engine.connect() as conn:
            assert [tuple(r) for r in conn.execute(read)] == [("a", None), ("b", "x@y.org")]
    finally:
        engine.dispose()
