"""digests

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "digests_sent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("period_start", sa.DateTime(), nullable=False),
        sa.Column("period_end", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests_sent")),
        sa.UniqueConstraint("kind", "period_start", name=op.f("uq_digests_sent_kind")),
    )
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index("ix_request_events_kind_at", ["kind", "at"], unique=False)

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_first_responded", ["first_responded_at"], unique=False)
        batch_op.create_index("ix_requests_opened", ["opened_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_opened")
        batch_op.drop_index("ix_requests_first_responded")

    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index("ix_request_events_kind_at")

    op.drop_table("digests_sent")
