"""home viewers remember whose Home they have (partner, technician, supervisor)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("home_viewers", sa.Column("audience", sa.String(length=12), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("home_viewers") as batch:
        batch.drop_column("audience")
