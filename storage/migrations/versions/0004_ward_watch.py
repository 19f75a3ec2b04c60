"""ward watch: scheduled checks record the cadence that set them

scheduled_check.kind gains "recovery" (the 4-hourly tail after an abnormal episode) and
"watch" (the 12-hourly ward watch after the intensive windows); scheduled_check.cadence_hours
keeps the interval that set the due time, so the board can say "ward watch, every 12 h"
without recomputing the cadence. The kind is a VARCHAR without a database constraint, so the
new values need no data change.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scheduled_check", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cadence_hours", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scheduled_check", schema=None) as batch_op:
        batch_op.drop_column("cadence_hours")
