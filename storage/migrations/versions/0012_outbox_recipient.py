"""outbox recipient: a message names the person it is for and its address on its channel

outbound_message.staff_id (the recipient, when the message is for a person; no foreign key,
like the audit trail: the outbox records what was sent to whom), and .address filled for
Telegram rows too (the chat id as text), so every channel's sender reads the same field.
``chat_id`` stays for the Telegram copies already sent (their edits address it).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE outbound_message SET address = CAST(chat_id AS VARCHAR(500)) "
        "WHERE channel = 'telegram' AND address IS NULL"
    )


def downgrade() -> None:
    op.execute("UPDATE outbound_message SET address = NULL WHERE channel = 'telegram'")
    with op.batch_alter_table("outbound_message", schema=None) as batch_op:
        batch_op.drop_column("staff_id")
