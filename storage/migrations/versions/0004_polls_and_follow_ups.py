"""polls and follow-ups

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "partner_preferences",
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("polls_opt_out", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_partner_preferences")),
    )
    op.create_table(
        "polls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("skip_reason", sa.String(length=16), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("informed", sa.String(length=8), nullable=True),
        sa.Column("trust", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "informed IS NULL OR informed IN ('yes', 'partly', 'no')",
            name=op.f("ck_polls_informed"),
        ),
        sa.CheckConstraint(
            "skip_reason IS NULL OR skip_reason IN ('opted_out', 'cooldown', 'sampled_out')",
            name=op.f("ck_polls_skip"),
        ),
        sa.CheckConstraint("status IN ('open', 'closed', 'skipped')", name=op.f("ck_polls_status")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_polls_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index("ix_polls_created", ["created_at"], unique=False)
        batch_op.create_index("ix_polls_partner", ["partner_id", "created_at"], unique=False)
        batch_op.create_index("ix_polls_request", ["request_id"], unique=False)

    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_follow_ups_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_follow_ups_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("poll_id", name=op.f("uq_follow_ups_poll_id")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index("ix_follow_ups_open", ["done_at", "due_at"], unique=False)

    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index("ix_requests_outage", ["outage_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index("ix_requests_outage")

    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ups_open")

    op.drop_table("follow_ups")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index("ix_polls_request")
        batch_op.drop_index("ix_polls_partner")
        batch_op.drop_index("ix_polls_created")

    op.drop_table("polls")
    op.drop_table("partner_preferences")
