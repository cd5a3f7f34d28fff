"""shared fixes (full-text indexed like requests) and the answers partners took from them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

# ruff: noqa: S608  (fixed DDL built from constants; nothing typed by anyone goes in)
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# SQLite: an FTS5 index of the fixes still offered, tagged with their service, ranked with
# bm25. A fix retired (its request reopened: it did not fix it) leaves the index.
_TAG = "'s' || lower(hex(new.service_id))"
_ADD = (
    "INSERT INTO shared_fixes_fts(rowid, summary, details, text, tag) "
    f"SELECT new.id, new.summary, new.details, new.text, {_TAG} WHERE new.retired_at IS NULL;"
)
SQLITE_FIX_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE shared_fixes_fts USING fts5(summary, details, text, tag, "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER shared_fixes_fts_insert AFTER INSERT ON shared_fixes BEGIN {_ADD} END",
    "CREATE TRIGGER shared_fixes_fts_delete AFTER DELETE ON shared_fixes BEGIN "
    "DELETE FROM shared_fixes_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER shared_fixes_fts_update AFTER UPDATE OF summary, details, text, "
    "service_id, retired_at ON shared_fixes BEGIN "
    f"DELETE FROM shared_fixes_fts WHERE rowid = old.id; {_ADD} END",
    # The problem's summary weighs most, then the fix's words, then the problem's details.
    "INSERT INTO shared_fixes_fts(shared_fixes_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0, 1.5, 0.0)')",
)
POSTGRES_FIX_SEARCH_DDL = (
    "ALTER TABLE shared_fixes ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(summary, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(text, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(details, '')), 'C')) STORED",
    "CREATE INDEX ix_shared_fixes_search ON shared_fixes USING gin (search)",
)

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision: two new tables and the fixes' search index (empty to start)."""
    op.create_table(
        "shared_fixes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.String(length=150), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_shared_fixes_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_fixes")),
    )
    op.create_index("ix_shared_fixes_request", "shared_fixes", ["request_id"])
    op.create_table(
        "fix_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("fix_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=40), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("summary", sa.String(length=150), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("via IN ('form', 'dm')", name=op.f("ck_fix_answers_via")),
        sa.ForeignKeyConstraint(
            ["fix_id"],
            ["shared_fixes.id"],
            name=op.f("fk_fix_answers_fix_id_shared_fixes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_fix_answers_request_id_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fix_answers")),
    )
    op.create_index("ix_fix_answers_at", "fix_answers", ["at"])
    ddl = (
        SQLITE_FIX_SEARCH_DDL if op.get_bind().dialect.name == "sqlite" else POSTGRES_FIX_SEARCH_DDL
    )
    for statement in ddl:
        op.execute(statement)


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        for trigger in (
            "shared_fixes_fts_insert",
            "shared_fixes_fts_delete",
            "shared_fixes_fts_update",
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS shared_fixes_fts")
    op.drop_index("ix_fix_answers_at", table_name="fix_answers")
    op.drop_table("fix_answers")
    op.drop_index("ix_shared_fixes_request", table_name="shared_fixes")
    op.drop_table("shared_fixes")
