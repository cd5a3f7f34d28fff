"""full-text search over requests (FTS5 on SQLite, tsvector + GIN on PostgreSQL) and bursts

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

# ruff: noqa: S608  (fixed DDL built from constants; nothing typed by anyone goes in)
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# SQLite: an FTS5 index of the requests a lookup can offer (open, or resolved and not yet
# pruned) with one tag naming the service and whether the request is open or in which week it
# was resolved. bm25 counts each query word over the whole index, so the index holds only
# live requests: its size follows the open queue and the last weeks, not the history.
# Triggers keep it current; storage.search prunes requests resolved over 30 days ago.
_OPEN = "'new', 'in_progress', 'waiting_partner', 'waiting_third_party'"
_TAG = (
    "'s' || lower(hex(new.service_id)) || CASE "
    f"WHEN new.status IN ({_OPEN}) THEN 'open' "
    "ELSE 'w' || CAST(julianday(new.resolved_at) / 7 AS INTEGER) END"
)
_LIVE = f"(new.status IN ({_OPEN}) OR new.resolved_at IS NOT NULL)"
_ADD = (
    "INSERT INTO requests_fts(rowid, summary, details, tag) "
    f"SELECT new.id, new.summary, new.details, {_TAG} WHERE {_LIVE};"
)
SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE requests_fts USING fts5(summary, details, tag, "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER requests_fts_insert AFTER INSERT ON requests BEGIN {_ADD} END",
    "CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN "
    "DELETE FROM requests_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER requests_fts_update "
    "AFTER UPDATE OF summary, details, service_id, status, resolved_at ON requests BEGIN "
    f"DELETE FROM requests_fts WHERE rowid = old.id; {_ADD} END",
    "INSERT INTO requests_fts(rowid, summary, details, tag) SELECT new.id, new.summary, "
    f"new.details, {_TAG} FROM requests AS new WHERE new.status IN ({_OPEN}) "
    "OR new.resolved_at >= datetime('now', '-31 days')",
    # ORDER BY rank: words in a summary weigh twice those in details; the tag weighs nothing.
    "INSERT INTO requests_fts(requests_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0, 0.0)')",
)
# PostgreSQL: a generated tsvector (summary weighs more than details) with a GIN index;
# adding a stored generated column computes it for every existing row.
POSTGRES_SEARCH_DDL = (
    "ALTER TABLE requests ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(summary, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(details, '')), 'B')) STORED",
    "CREATE INDEX ix_requests_search ON requests USING gin (search)",
)

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision: the search index is created and filled from every request."""
    op.create_index("ix_requests_service_status", "requests", ["service_id", "status"])
    op.create_index("ix_requests_service_resolved", "requests", ["service_id", "resolved_at"])
    ddl = SQLITE_SEARCH_DDL if op.get_bind().dialect.name == "sqlite" else POSTGRES_SEARCH_DDL
    for statement in ddl:
        op.execute(statement)
    op.create_table(
        "bursts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("first_report_at", sa.DateTime(), nullable=False),
        sa.Column("last_report_at", sa.DateTime(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("request_ids", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("outage_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'declared', 'dismissed')", name=op.f("ck_bursts_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bursts")),
    )
    op.create_index("ix_bursts_service_last", "bursts", ["service_id", "last_report_at"])
    op.create_index("ix_bursts_detected", "bursts", ["detected_at"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_bursts_detected", table_name="bursts")
    op.drop_index("ix_bursts_service_last", table_name="bursts")
    op.drop_table("bursts")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("requests_fts_insert", "requests_fts_delete", "requests_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS requests_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_requests_search")
        op.execute("ALTER TABLE requests DROP COLUMN IF EXISTS search")
    op.drop_index("ix_requests_service_resolved", table_name="requests")
    op.drop_index("ix_requests_service_status", table_name="requests")
