"""Is the audit trail as it was written? Recompute the hash chain and name the first break."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.audit_chain import GENESIS, chain_hash
from storage.db import Database
from storage.repositories import audit


@dataclass(frozen=True)
class Break:
    """The first row whose stored hash is not the hash of its content after the row before:
    it, or a row before it, was changed, inserted or removed outside the bot."""

    row_id: int
    at: dt.datetime
    action: str


@dataclass(frozen=True)
class ChainReport:
    rows: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(db: Database) -> ChainReport:
    """Walk the trail oldest first, in one read-only transaction (a consistent snapshot on
    PostgreSQL; SQLite's transaction holds the write lock, so no row is appended meanwhile)."""
    previous, count = GENESIS, 0
    with db.session() as session:
        for row in audit.in_order(session):
            expected = chain_hash(previous, audit.fields_of(row))
            if row.chain_hash != expected:
                assert row.id is not None
                return ChainReport(count, Break(row.id, row.at, row.action))
            previous, count = row.chain_hash, count + 1
    return ChainReport(count, None)
