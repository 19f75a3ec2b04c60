"""``Database.snapshot``: a long read (an export) sees one state, writes nothing, and never
keeps the bot from writing meanwhile (on SQLite an ordinary session holds the write lock)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from storage.db import Database
from storage.models import Ward
from tests.support import factories


def wards(db: Database) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(Ward)).one()


def test_the_bot_writes_while_a_snapshot_is_open_and_the_snapshot_does_not_see_it(
    db: Database,
) -> None:
    factories.ward(db, "H7")
    with db.snapshot() as snapshot:
        assert snapshot.exec(select(func.count()).select_from(Ward)).one() == 1
        factories.ward(db, "H9")  # committed by another session while the snapshot reads
        assert wards(db) == 2
        assert snapshot.exec(select(func.count()).select_from(Ward)).one() == 1


def test_a_snapshot_writes_nothing(db: Database) -> None:
    with pytest.raises(sa.exc.DBAPIError), db.snapshot() as snapshot:
        snapshot.add(Ward(code="H8", name="Never"))
        snapshot.flush()
    assert wards(db) == 0
