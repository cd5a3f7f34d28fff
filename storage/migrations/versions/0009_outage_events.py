"""outage events: the promise ledger of outages (updates kept, lapsed, nudged)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "outage_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["outages.id"],
            name=op.f("fk_outage_events_outage_id_outages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_events")),
    )
    op.create_index("ix_outage_events_outage", "outage_events", ["outage_id", "id"])
    op.create_index("ix_outage_events_kind_at", "outage_events", ["kind", "at"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_outage_events_kind_at", table_name="outage_events")
    op.drop_index("ix_outage_events_outage", table_name="outage_events")
    op.drop_table("outage_events")
