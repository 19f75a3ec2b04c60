"""Every row of every table, to show that something changed nothing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import Database

ATTEMPT_RECORDS = frozenset({"audit_log", "refusal_tally"})
"""Where an attempt is recorded: a refused or invalid press adds to these on purpose."""


def snapshot(db: Database, *, skip: frozenset[str] = ATTEMPT_RECORDS) -> dict[str, list[Any]]:
    """Table name -> its rows (as tuples, in primary-key order), except ``skip``."""
    found: dict[str, list[Any]] = {}
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skip:
                continue
            order = list(table.primary_key.columns)
            found[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*order))]
    return found
