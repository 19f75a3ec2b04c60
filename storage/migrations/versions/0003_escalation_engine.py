"""escalation engine: why an escalation started and ended, follow-up reminders, one page per step

escalation.source says what opened it (a check, an event, a missed check); closed_at and
closed_reason record an escalation that ended without an acknowledgement (superseded, the
missed check was done, information only); follow_up_at is when to remind the physician who
acknowledged a critical alert if no check follows. escalation_delivery is unique per person
and step, so a step that runs twice (a restart, a second instance) pages nobody twice.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from storage.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="check",
            )
        )
        batch_op.add_column(sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("closed_reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.add_column(sa.Column("follow_up_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_escalation_follow_up_at", ["follow_up_at"], unique=False)
    with op.batch_alter_table("escalation_delivery", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_delivery_escalation_step_staff", ["escalation_id", "step_index", "staff_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("escalation_delivery", schema=None) as batch_op:
        batch_op.drop_constraint("uq_delivery_escalation_step_staff", type_="unique")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index("ix_escalation_follow_up_at")
        batch_op.drop_column("follow_up_at")
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("source")
