"""service level clocks and timers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("outage_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("fired_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'fired', 'cancelled')", name=op.f("ck_timers_status")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_timers_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
    )
    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.create_index("ix_timers_due", ["status", "due_at"], unique=False)
        batch_op.create_index("ix_timers_outage", ["outage_id", "status"], unique=False)
        batch_op.create_index("ix_timers_request", ["request_id", "status"], unique=False)

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_request_role", ["request_id", "role"], unique=False)

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("paused_seconds", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("first_response_breached_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("resolution_breached_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_partner_update_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_request_role")

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("last_partner_update_at")
        batch_op.drop_column("resolution_breached_at")
        batch_op.drop_column("first_response_breached_at")
        batch_op.drop_column("paused_seconds")
        batch_op.drop_column("paused_at")

    with op.batch_alter_table("timers", schema=None) as batch_op:
        batch_op.drop_index("ix_timers_request")
        batch_op.drop_index("ix_timers_outage")
        batch_op.drop_index("ix_timers_due")

    op.drop_table("timers")
