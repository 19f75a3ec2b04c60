"""check conversation: recorded findings on grade_result, idempotent clinical events

grade_result keeps the seizure and haemorrhage the nurse recorded: a physician may attribute
a seizure elsewhere, which removes it from the grade, but the escalation track and the
label's seizure count still need what was recorded. clinical_event.source_key makes a doubled
"Report" press record one event, not two.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("grade_result", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "recorded_seizure",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="none",
            )
        )
        batch_op.add_column(
            sa.Column(
                "recorded_hemorrhage", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )

    with op.batch_alter_table("clinical_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_unique_constraint("uq_clinical_event_source_key", ["source_key"])


def downgrade() -> None:
    with op.batch_alter_table("clinical_event", schema=None) as batch_op:
        batch_op.drop_constraint("uq_clinical_event_source_key", type_="unique")
        batch_op.drop_column("source_key")
    with op.batch_alter_table("grade_result", schema=None) as batch_op:
        batch_op.drop_column("recorded_hemorrhage")
        batch_op.drop_column("recorded_seizure")
