"""CRS in the check round and laboratory values

grade_result gains the CRS grade asked in the round (crs_grade), the temperature
(temperature_c) and what the grade was computed from (crs_inputs: hypotension, oxygen,
treatment given, the engine's flags); all empty for checks that did not ask. lab_result holds
IL-6, CRP and ferritin values in their canonical units beside what was entered.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

from storage.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("grade_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("crs_grade", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("temperature_c", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("crs_inputs", _JSON, nullable=False, server_default=sa.text("'{}'"))
        )
    op.create_table(
        "lab_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column(
            "test",
            sa.Enum("il6", "crp", "ferritin", name="labtest", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("entered_value", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("entered_unit", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("sampled_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patient.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lab_patient_sampled", "lab_result", ["patient_id", "sampled_at"])


def downgrade() -> None:
    op.drop_index("ix_lab_patient_sampled", table_name="lab_result")
    op.drop_table("lab_result")
    with op.batch_alter_table("grade_result", schema=None) as batch_op:
        batch_op.drop_column("crs_inputs")
        batch_op.drop_column("temperature_c")
        batch_op.drop_column("crs_grade")
