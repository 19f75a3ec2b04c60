"""second channel: outbox rows name their channel; staff have a second-channel address

outbound_message.channel ("telegram", "webhook", "email") and .address (URL or e-mail address
for the channels that are not Telegram); staff.contact_channel and .contact_address (an
e-mail or pager address set by an admin); escalation.second_channel_at (when an
unacknowledged alert leaves Telegram) and .second_channel_sent_at (when it did).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from storage.types import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "channel",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                nullable=False,
                server_default="telegram",
            )
        )
        batch_op.add_column(
            sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "contact_address", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True
            )
        )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("second_channel_at", UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("second_channel_sent_at", UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_escalation_second_channel_at"), ["second_channel_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_second_channel_at"))
        batch_op.drop_column("second_channel_sent_at")
        batch_op.drop_column("second_channel_at")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("contact_address")
        batch_op.drop_column("contact_channel")
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.drop_column("address")
        batch_op.drop_column("channel")
