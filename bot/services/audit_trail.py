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


def verify(db: Database, *, batch: int = 1000) -> ChainReport:
    """Walk the trail oldest first, a batch per transaction: rows are only ever appended, so
    the batches join up, and the bot (which SQLite's transactions would lock out) waits for
    one batch at most, not for the whole trail."""
    previous, count, last_id = GENESIS, 0, 0
    while True:
        with db.session() as session:
            rows = audit.batch_after(session, after_id=last_id, size=batch)
        if not rows:
            return ChainReport(count, None)
        for row in rows:
            assert row.id is not None
            if row.chain_hash != chain_hash(previous, audit.fields_of(row)):
                return ChainReport(count, Break(row.id, row.at, row.action))
            previous, count, last_id = row.chain_hash, count + 1, row.id
