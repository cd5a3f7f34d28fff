"""outages

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "outages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("next_update_due", sa.DateTime(), nullable=True),
        sa.Column("declared_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("announcement_channel", sa.String(length=32), nullable=True),
        sa.Column("announcement_ts", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "kind IN ('outage', 'degradation', 'maintenance')", name=op.f("ck_outages_kind")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'resolved', 'scheduled', 'completed', 'cancelled')",
            name=op.f("ck_outages_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outages")),
        sa.UniqueConstraint("number", name=op.f("uq_outages_number")),
    )
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.create_index("ix_outages_status_service", ["status", "service_id"], unique=False)

    op.create_table(
        "outage_followers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outage_id"],
            ["outages.id"],
            name=op.f("fk_outage_followers_outage_id_outages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_followers")),
        sa.UniqueConstraint("outage_id", "user_id", name=op.f("uq_outage_followers_outage_id")),
    )
    with (
        _children_of_requests_kept(),
        op.batch_alter_table("requests", schema=None) as batch_op,
    ):
        batch_op.add_column(sa.Column("outage_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_requests_outage_id_outages"),
            "outages",
            ["outage_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Revert this revision."""
    with (
        _children_of_requests_kept(),
        op.batch_alter_table("requests", schema=None) as batch_op,
    ):
        batch_op.drop_constraint(batch_op.f("fk_requests_outage_id_outages"), type_="foreignkey")
        batch_op.drop_column("outage_id")

    op.drop_table("outage_followers")
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.drop_index("ix_outages_status_service")

    op.drop_table("outages")


# The rows that point at `requests` at this revision, and what dropping `requests` does to them.
_KEPT = (
    ("request_events", "SELECT * FROM request_events"),
    ("timers", "SELECT * FROM timers WHERE request_id IS NOT NULL"),
    ("outbox", "SELECT id, request_id FROM outbox WHERE request_id IS NOT NULL"),
)


@contextmanager
def _children_of_requests_kept() -> Iterator[None]:
    """Keep the rows that refer to requests through SQLite's rebuild of the table.

    Batch mode rebuilds `requests` on SQLite (copy, drop, rename). Liaison runs with foreign
    keys on, which cannot be turned off inside the migration's transaction, so dropping the
    old table cascades: request history and timers are deleted and outbox rows lose their
    request. Copy them aside first and put them back once the new table holds the same ids.
    """
    if op.get_context().dialect.name != "sqlite":
        yield
        return
    for table, query in _KEPT:
        op.execute(f"CREATE TEMP TABLE kept_{table} AS {query}")
    yield
    op.execute(
        "INSERT INTO request_events SELECT * FROM kept_request_events "
        "WHERE id NOT IN (SELECT id FROM request_events)"
    )
    op.execute(
        "INSERT INTO timers SELECT * FROM kept_timers WHERE id NOT IN (SELECT id FROM timers)"
    )
    op.execute(
        "UPDATE outbox SET request_id = "
        "(SELECT k.request_id FROM kept_outbox AS k WHERE k.id = outbox.id) "
        "WHERE id IN (SELECT id FROM kept_outbox)"
    )
    for table, _ in _KEPT:
        op.execute(f"DROP TABLE kept_{table}")
