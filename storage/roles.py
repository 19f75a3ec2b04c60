"""The PostgreSQL role the bot runs as: rows, yes; schema, TRUNCATE and the audit trail, no.

Migrations run as the owner of the tables; the bot connects as a second role that may read
and write the rows it works with and only append to ``audit_log``. A non-owner cannot
TRUNCATE without the privilege, ALTER a table, disable a trigger, or set
``session_replication_role`` (which would silence the append-only triggers): those need the
owner or a superuser, so the role must be neither.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

AUDIT_TABLE = "audit_log"
VERSION_TABLE = "alembic_version"


class RoleError(Exception):
    """The role cannot be the bot's runtime role; the message says why, in one line."""


def grant_runtime(engine: Engine, role: str) -> list[str]:
    """Grant ``role`` what the bot needs and nothing more; returns the statements it ran.

    Idempotent: run it after every upgrade (a new table gets its grants then, and the
    default privileges cover tables the owner creates later as well).
    """
    if engine.dialect.name != "postgresql":
        raise RoleError("database roles exist only on PostgreSQL; SQLite has no roles")
    with engine.begin() as conn:
        _check(conn, role)
        quoted = conn.dialect.identifier_preparer.quote(role)
        statements = _statements(quoted)
        for statement in statements:
            conn.exec_driver_sql(statement)
    return statements


def _statements(role: str) -> list[str]:
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"REVOKE CREATE ON SCHEMA public FROM {role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE ON {AUDIT_TABLE} FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON {VERSION_TABLE} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]


def _check(conn: sa.Connection, role: str) -> None:
    found = conn.execute(
        sa.text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :role"),
        {"role": role},
    ).first()
    if found is None:
        raise RoleError(
            f"role {role!r} does not exist: create it first "
            f"(CREATE ROLE {role} LOGIN PASSWORD '...')"
        )
    if found.rolsuper:
        raise RoleError(f"role {role!r} is a superuser: the bot needs a role without that right")
    owner = conn.execute(
        sa.text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = :t"),
        {"t": AUDIT_TABLE},
    ).scalar()
    if owner is None:
        raise RoleError("the schema is not there yet: run 'neurocheck db upgrade' first")
    if conn.execute(
        sa.text("SELECT pg_has_role(:role, :owner, 'MEMBER')"), {"role": role, "owner": owner}
    ).scalar():
        raise RoleError(
            f"role {role!r} owns the tables: the bot needs a role of its own, not the owner"
        )
