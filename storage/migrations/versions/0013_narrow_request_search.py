"""request search on PostgreSQL: a narrow table of the requests a lookup can offer

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

# ruff: noqa: S608  (fixed DDL built from constants; nothing typed by anyone goes in)
from collections.abc import Sequence

from alembic import op

# Migration 0010 gave every request a generated tsvector and one GIN index over the whole
# history. A lookup then ranked every open or recently resolved request of the service, read
# from a table of a million wide rows scattered over hundreds of pages, and every write to a
# request recomputed its tsvector. Here the words move to `request_search`, which holds only
# the requests a lookup can offer (open, or resolved and not yet forgotten): a trigger keeps
# it current on every change, and storage.search forgets requests resolved over 30 days ago.
# `resolved_at` is NULL while a request is open, so "open or resolved since" is one range of
# the (service_id, resolved_at) index. SQLite keeps the FTS5 index of 0010, already narrow.
_OPEN = "'new', 'in_progress', 'waiting_partner', 'waiting_third_party'"
_WORDS = (
    "setweight(to_tsvector('english', coalesce({r}summary, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({r}details, '')), 'B')"
)
_RESOLVED = f"CASE WHEN {{r}}status IN ({_OPEN}) THEN NULL ELSE {{r}}resolved_at END"
_SYNC = f"""
CREATE FUNCTION request_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.status IN ({_OPEN}) OR NEW.resolved_at IS NOT NULL) THEN
        DELETE FROM request_search WHERE request_id = NEW.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.summary IS NOT DISTINCT FROM OLD.summary
            AND NEW.details IS NOT DISTINCT FROM OLD.details THEN
        -- the words are unchanged: no need to parse them again
        UPDATE request_search
        SET service_id = NEW.service_id, resolved_at = {_RESOLVED.format(r="NEW.")}
        WHERE request_id = NEW.id;
        IF FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO request_search (request_id, service_id, resolved_at, words)
    VALUES (NEW.id, NEW.service_id, {_RESOLVED.format(r="NEW.")}, {_WORDS.format(r="NEW.")})
    ON CONFLICT (request_id) DO UPDATE
    SET service_id = EXCLUDED.service_id, resolved_at = EXCLUDED.resolved_at,
        words = EXCLUDED.words;
    RETURN NULL;
END
$$
"""
# Only changes that alter what the index holds rewrite it: the words, the service, when it was
# resolved, or whether it is open. Claiming, waiting and closing a resolved request do not.
_CHANGED = (
    " OR ".join(
        f"OLD.{c} IS DISTINCT FROM NEW.{c}"
        for c in ("summary", "details", "service_id", "resolved_at")
    )
    + f" OR (OLD.status IN ({_OPEN})) <> (NEW.status IN ({_OPEN}))"
)
POSTGRES_UP = (
    "CREATE TABLE request_search ("
    " request_id integer PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,"
    " service_id varchar(40) NOT NULL,"
    " resolved_at timestamp without time zone,"
    " words tsvector NOT NULL)",
    "CREATE INDEX ix_request_search_service ON request_search (service_id, resolved_at)",
    _SYNC,
    "CREATE TRIGGER request_search_insert AFTER INSERT ON requests "
    "FOR EACH ROW EXECUTE FUNCTION request_search_sync()",
    "CREATE TRIGGER request_search_update "
    "AFTER UPDATE OF summary, details, service_id, status, resolved_at ON requests "
    f"FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION request_search_sync()",
    # Filled before its GIN index is built: one pass over the rows instead of one per insert.
    "INSERT INTO request_search (request_id, service_id, resolved_at, words) "
    f"SELECT r.id, r.service_id, {_RESOLVED.format(r='r.')}, {_WORDS.format(r='r.')} "
    f"FROM requests AS r WHERE r.status IN ({_OPEN}) "
    "OR r.resolved_at >= (now() AT TIME ZONE 'UTC') - interval '31 days'",
    "CREATE INDEX ix_request_search_words ON request_search USING gin (words)",
    "ANALYZE request_search",
    "DROP INDEX IF EXISTS ix_requests_search",
    "ALTER TABLE requests DROP COLUMN IF EXISTS search",
)
POSTGRES_DOWN = (
    "DROP TRIGGER IF EXISTS request_search_update ON requests",
    "DROP TRIGGER IF EXISTS request_search_insert ON requests",
    "DROP FUNCTION IF EXISTS request_search_sync()",
    "DROP TABLE IF EXISTS request_search",
    "ALTER TABLE requests ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    f"{_WORDS.format(r='')}) STORED",
    "CREATE INDEX ix_requests_search ON requests USING gin (search)",
)

# SQLite: 0010's update trigger rewrote the FTS5 row on every status change (claiming, waiting,
# closing), and FTS5 keeps each rewrite's deletion marker until segments merge. The same
# trigger, fired only by the changes that alter the row.
_FTS_TAG = (
    "'s' || lower(hex(new.service_id)) || CASE "
    f"WHEN new.status IN ({_OPEN}) THEN 'open' "
    "ELSE 'w' || CAST(julianday(new.resolved_at) / 7 AS INTEGER) END"
)
_FTS_ADD = (
    "INSERT INTO requests_fts(rowid, summary, details, tag) "
    f"SELECT new.id, new.summary, new.details, {_FTS_TAG} "
    f"WHERE new.status IN ({_OPEN}) OR new.resolved_at IS NOT NULL;"
)
_FTS_UPDATE = (
    "CREATE TRIGGER requests_fts_update "
    "AFTER UPDATE OF summary, details, service_id, status, resolved_at ON requests "
    "WHEN {when} BEGIN "
    f"DELETE FROM requests_fts WHERE rowid = old.id; {_FTS_ADD} END"
)
_FTS_CHANGED = (
    " OR ".join(
        f"old.{c} IS NOT new.{c}" for c in ("summary", "details", "service_id", "resolved_at")
    )
    + f" OR (old.status IN ({_OPEN})) <> (new.status IN ({_OPEN}))"
)
SQLITE_UP = (
    "DROP TRIGGER requests_fts_update",
    _FTS_UPDATE.format(when=_FTS_CHANGED),
)
SQLITE_DOWN = (
    "DROP TRIGGER requests_fts_update",
    _FTS_UPDATE.replace("WHEN {when} ", ""),
)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision: PostgreSQL's search moves to a table of live requests, filled here.

    Neither lookup reads (service_id, resolved_at) on requests any more; every filing and
    resolution stops paying for it.
    """
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_UP if sqlite else POSTGRES_UP:
        op.execute(statement)
    op.drop_index("ix_requests_service_resolved", table_name="requests")


def downgrade() -> None:
    """Revert this revision: the generated column and its GIN index come back, recomputed."""
    op.create_index("ix_requests_service_resolved", "requests", ["service_id", "resolved_at"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in SQLITE_DOWN if sqlite else POSTGRES_DOWN:
        op.execute(statement)
