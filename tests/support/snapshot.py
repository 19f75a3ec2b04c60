"""Every row of every table, to show that something changed nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import Database

ATTEMPT_RECORDS = frozenset({"audit_log", "refusal_tally"})
"""Where an attempt is recorded: a refused or invalid press adds to these on purpose."""
BOOKKEEPING = frozenset({("staff", "last_seen_at")})
"""Columns that any update from a member of staff may touch: when they were last seen."""


def snapshot(db: Database, *, skip: frozenset[str] = ATTEMPT_RECORDS) -> dict[str, list[Any]]:
    """Table name -> its rows (as tuples, in primary-key order), except ``skip``."""
    found: dict[str, list[Any]] = {}
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skip:
                continue
            order = list(table.primary_key.columns)
            columns = [c for c in table.columns if (table.name, c.name) not in BOOKKEEPING]
            rows = conn.execute(sa.select(*columns).order_by(*order))
            found[table.name] = [tuple(r) for r in rows]
    return found
