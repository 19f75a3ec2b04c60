"""staff lifecycle: when a member of staff was last seen and when they were deactivated

staff.last_seen_at is written when one of the person's updates is handled (at most every few
minutes); staff.deactivated_at records when an administrator removed the person (with
staff.active false), so that `neurocheck staff list` and `/staff` can show both.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deactivated_at", UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("last_seen_at")
