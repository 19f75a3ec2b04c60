"""The audit trail: one function to append, so every row has the same shape and its hash.

Rows recorded in a transaction are appended when it commits, under one lock for the whole
database (a transaction-scoped advisory lock on PostgreSQL; SQLite transactions already begin
IMMEDIATE), each chained to the row before it (``storage.audit_chain``). Appending at commit
keeps that lock for the last few statements only: a transaction holding it waits for nothing
else, so it cannot deadlock with the row locks the use case took earlier. Inside a savepoint
(``Session.begin_nested``) the row is appended at once instead, so that rolling the savepoint
back takes its audit rows with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from storage.audit_chain import GENESIS, ChainedFields, chain_hash, normalise_detail
from storage.models import AuditLog

_PENDING = "neurocheck.audit_pending"
APPEND_LOCK_KEY = 0x4E43_4155  # "NCAU": the advisory lock that serialises appends on PostgreSQL


def record(
    session: Session,
    *,
    at: dt.datetime,
    action: str,
    actor_staff_id: int | None = None,
    actor_telegram_id: int | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    patient_id: int | None = None,
    ward_id: int | None = None,
    **detail: Any,
) -> None:
    """Append an audit row in the caller's transaction (it commits or rolls back with it)."""
    row = AuditLog(
        at=at,
        action=action,
        actor_staff_id=actor_staff_id,
        actor_telegram_id=actor_telegram_id,
        entity=entity,
        entity_id=entity_id,
        patient_id=patient_id,
        ward_id=ward_id,
        detail=normalise_detail(detail),
        chain_hash="",
    )
    if session.in_nested_transaction():
        _append(session, [row])
        return
    session.info.setdefault(_PENDING, []).append(row)


def pending(session: Session) -> list[AuditLog]:
    """Rows recorded in this transaction and not yet appended (they are, at commit); a use
    case that reads the trail back in the transaction that wrote it adds these."""
    return list(session.info.get(_PENDING, ()))


def fields_of(row: AuditLog) -> ChainedFields:
    return ChainedFields(
        at=row.at,
        action=row.action,
        actor_staff_id=row.actor_staff_id,
        actor_telegram_id=row.actor_telegram_id,
        entity=row.entity,
        entity_id=row.entity_id,
        patient_id=row.patient_id,
        ward_id=row.ward_id,
        detail=row.detail,
    )


def batch_after(session: Session, *, after_id: int, size: int = 1000) -> Sequence[AuditLog]:
    """The next ``size`` audit rows after ``after_id``, oldest first."""
    return session.exec(
        select(AuditLog).where(col(AuditLog.id) > after_id).order_by(col(AuditLog.id)).limit(size)
    ).all()


_TABLE: sa.Table = AuditLog.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(column.name for column in _TABLE.columns if column.name != "id")
_INSERT = sa.insert(_TABLE)
_NEWEST = "SELECT chain_hash FROM audit_log ORDER BY id DESC LIMIT 1"
_LOCK_THEN_NEWEST = f"SELECT pg_advisory_xact_lock({APPEND_LOCK_KEY}); {_NEWEST}"
"""Both in one round trip on PostgreSQL (a simple query of two statements). Under READ
COMMITTED each statement takes its own snapshot, so the second, run once the lock is held,
sees the row that the previous holder committed."""


def _append(session: OrmSession, rows: list[AuditLog]) -> None:
    """Take the append lock, chain ``rows`` to the newest row and insert them: on PostgreSQL
    one round trip for the lock and the newest hash, one for the rows, however many."""
    previous = _lock_and_newest(session) or GENESIS
    values = []
    for row in rows:
        row.chain_hash = chain_hash(previous, fields_of(row))
        previous = row.chain_hash
        values.append({name: getattr(row, name) for name in _COLUMNS})
    # Core, not the unit of work: one INSERT (an executemany) and no ids read back, which
    # nothing needs (the rows are evidence; the trail is read by id range).
    session.connection().execute(_INSERT, values)


def _lock_and_newest(session: OrmSession) -> str | None:
    connection = session.connection()
    if connection.dialect.name != "postgresql":  # SQLite: BEGIN IMMEDIATE holds the lock
        newest: str | None = connection.exec_driver_sql(_NEWEST).scalar()
        return newest
    # No parameters: psycopg sends it as a simple query, and never prepares a query with two
    # results. The result read is the lock's; the hash is the cursor's next result set.
    result = connection.exec_driver_sql(_LOCK_THEN_NEWEST)
    try:
        cursor = result.cursor
        cursor.nextset()
        row = cursor.fetchone()
    finally:
        result.close()
    return None if row is None else str(row[0])


@event.listens_for(OrmSession, "before_commit")
def _seal_pending(session: OrmSession) -> None:
    pending: list[AuditLog] | None = session.info.pop(_PENDING, None)
    if pending:
        _append(session, pending)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_rolled_back(session: OrmSession, transaction: SessionTransaction) -> None:
    """Rows of a transaction that ended without committing are never appended."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
