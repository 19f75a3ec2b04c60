"""audit trail that cannot be erased: a hash chain, a TRUNCATE guard, a refusal tally

audit_log.chain_hash chains every row to the one before it (storage.audit_chain); existing
rows are chained here, oldest first. audit_log loses its foreign keys (an insert under the
append lock must wait for no other row). PostgreSQL also refuses TRUNCATE on audit_log by
trigger. refusal_tally counts a stranger's refusals after the first in each hour.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from storage.audit_chain import GENESIS, ChainedFields, chain_hash
from storage.types import JSONType, UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAMES = {"fk": "%(table_name)s_%(column_0_name)s_fkey"}  # PostgreSQL's names, for SQLite
_FOREIGN_KEYS = (("actor_staff_id", "staff"), ("patient_id", "patient"), ("ward_id", "ward"))


def upgrade() -> None:
    _drop_guard()
    with op.batch_alter_table("audit_log", schema=None, naming_convention=_NAMES) as batch_op:
        batch_op.add_column(
            sa.Column("chain_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        for column, _table in _FOREIGN_KEYS:
            batch_op.drop_constraint(f"audit_log_{column}_fkey", type_="foreignkey")
    _chain_existing_rows()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column(
            "chain_hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        )
    _create_guard(truncate=True)
    op.create_table(
        "refusal_tally",
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("hour", UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", "hour"),
    )


def downgrade() -> None:
    op.drop_table("refusal_tally")
    _drop_guard()
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("chain_hash")
        for column, table in _FOREIGN_KEYS:
            batch_op.create_foreign_key(f"audit_log_{column}_fkey", table, [column], ["id"])
    _create_guard(truncate=False)


_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", UTCDateTime(timezone=True)),
    sa.column("actor_staff_id", sa.Integer()),
    sa.column("actor_telegram_id", sa.BigInteger()),
    sa.column("action", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.Integer()),
    sa.column("patient_id", sa.Integer()),
    sa.column("ward_id", sa.Integer()),
    sa.column("detail", JSONType),
    sa.column("chain_hash", sa.String()),
)


def _chain_existing_rows() -> None:
    """Chain the rows written before this revision, oldest first (the guard is down)."""
    bind = op.get_bind()
    previous = GENESIS
    rows = bind.execute(sa.select(_AUDIT).order_by(_AUDIT.c.id)).mappings().all()
    for row in rows:
        fields = ChainedFields(
            at=row["at"],
            action=row["action"],
            actor_staff_id=row["actor_staff_id"],
            actor_telegram_id=row["actor_telegram_id"],
            entity=row["entity"],
            entity_id=row["entity_id"],
            patient_id=row["patient_id"],
            ward_id=row["ward_id"],
            detail=row["detail"],
        )
        previous = chain_hash(previous, fields)
        bind.execute(sa.update(_AUDIT).where(_AUDIT.c.id == row["id"]).values(chain_hash=previous))


def _create_guard(*, truncate: bool) -> None:
    """The database itself refuses UPDATE and DELETE on audit_log (and TRUNCATE on PostgreSQL;
    SQLite has no TRUNCATE, and its DELETE without WHERE fires the DELETE trigger)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
        if truncate:
            op.execute(
                "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
            )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def _drop_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
