"""Full-text search over requests: one function, each database's own index and ranking.

Both databases index only the requests a lookup can offer: open ones, and resolved ones not yet
forgotten. A lookup's cost then follows the live queue, not the length of the history.

- SQLite keeps an FTS5 table (`requests_fts`, migration 0010), each row tagged with its
  service and whether it is open or the week it was resolved in; it ranks with bm25.
- PostgreSQL keeps `request_search` (migration 0013): the service, when the request was
  resolved (NULL while open) and a tsvector, with a GIN index; it ranks with ts_rank.

Triggers on `requests` keep both current on every change; `forget_resolved` drops requests
resolved before the lookback, and the lookup checks the time itself, so a request that aged
out is never offered even before it is forgotten. The models do not describe these objects, so
the schema comparison leaves them out (see `include_name`).
"""

# ruff: noqa: S608  (the SQL is built from constants; what people wrote is bound, never pasted)
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import UTCDateTime
from storage.fixes import FIX_SEARCH_INDEX, FIX_SEARCH_TABLE, FIX_SEARCH_TABLES
from storage.requests import OPEN_STATUSES

FTS_TABLE = "requests_fts"
_FTS_SHADOWS = ("data", "idx", "docsize", "config", "content")
PG_TABLE = "request_search"
SEARCH_TABLES = frozenset({FTS_TABLE, PG_TABLE, *(f"requests_fts_{s}" for s in _FTS_SHADOWS)})
PRUNE_WEEKS = 12  # weeks before the lookback that forget_resolved clears on SQLite
SPARE = 20  # rows ranked beyond the limit, for the ones the exact checks then leave out
RESOLVED_STATUSES = ("resolved", "closed")
# The latest resolution of a resolved (or closed) match, read in the same statement: a lookup
# is one round trip, which is most of its cost when the database is another process.
_RESOLUTION = """
    CASE WHEN r.status IN ('resolved', 'closed') THEN (
        SELECT e.text FROM request_events AS e
        WHERE e.request_id = r.id AND e.kind = 'resolve'
        ORDER BY e.id DESC LIMIT 1
    ) END AS resolution"""
# A summary weighs twice as much as details (FTS5 column weights; tsvector labels A and B).
# FTS5 ranks inside the index (ORDER BY rank); the tag has already narrowed the matches to
# the service's open and recently resolved requests, so a few spare rows cover the exact checks.
_SQLITE = f"""
SELECT r.id, r.number, r.status, r.summary, r.opened_at, r.resolved_at, {_RESOLUTION}
FROM (
    SELECT rowid AS id, rank AS score FROM requests_fts
    WHERE requests_fts MATCH :query ORDER BY rank LIMIT :spare
) AS best
CROSS JOIN requests AS r ON r.id = best.id
WHERE r.id <> :exclude
  AND r.service_id = :service
  AND (r.status IN :open OR r.resolved_at >= :since)
ORDER BY best.score, r.id DESC
LIMIT :limit
"""
# request_search holds exactly what the trigger derives from requests, so the ranking reads
# only its narrow rows, and the requests table is visited for the few best.
_POSTGRES = f"""
SELECT r.id, r.number, r.status, r.summary, r.opened_at, r.resolved_at, {_RESOLUTION}
FROM (
    SELECT s.request_id, ts_rank(s.words, q.query) AS score
    FROM request_search AS s, to_tsquery('english', :query) AS q(query)
    WHERE s.service_id = :service
      AND (s.resolved_at IS NULL OR s.resolved_at >= :since)
      AND s.request_id <> :exclude
      AND s.words @@ q.query
    ORDER BY score DESC, s.request_id DESC
    LIMIT :limit
) AS best
JOIN requests AS r ON r.id = best.request_id
ORDER BY best.score DESC, r.id DESC
"""
# SKIP LOCKED: a row a change is rewriting right now is left for the next call.
_PG_FORGET = """
DELETE FROM request_search WHERE request_id IN (
    SELECT request_id FROM request_search
    WHERE service_id = :service AND resolved_at < :before
    FOR UPDATE SKIP LOCKED
)
"""
SQLITE_MERGE = "INSERT INTO requests_fts(requests_fts) VALUES ('optimize')"
_SQLITE_FORGET = """
DELETE FROM requests_fts WHERE rowid IN (
    SELECT rowid FROM requests_fts WHERE requests_fts MATCH :old
)
"""


@dataclass(frozen=True)
class RelatedRow:
    """A request that shares words with another, as the search found it."""

    id: int
    number: int
    status: str
    summary: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str | None  # the latest resolution's text, for resolved and closed ones


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """For Alembic's schema comparison: skip the search objects only migrations make."""
    if type_ == "table":
        return name not in SEARCH_TABLES | FIX_SEARCH_TABLES
    if type_ == "column":  # shared fixes' tsvector column (migration 0012)
        return not (parent_names.get("table_name") == FIX_SEARCH_TABLE and name == "search")
    if type_ == "index":
        return name != FIX_SEARCH_INDEX
    return True


async def related_requests(
    session: AsyncSession,
    *,
    service_id: str,
    terms: Sequence[str],
    exclude_id: int,
    resolved_since: dt.datetime,
    now: dt.datetime,
    limit: int = 3,
) -> list[RelatedRow]:
    """Open requests, or ones resolved since `resolved_since`, on a service, best match first,
    each resolved one with its latest resolution.

    `terms` are plain lower-case words (letters and digits only); any one of them may match.
    Only the service's open and recently resolved requests are ranked, so the cost follows
    the size of that set, not of the whole history. Reads only.
    """
    if not terms:
        return []
    since = bindparam("since", type_=UTCDateTime)
    values: dict[str, object] = {
        "service": service_id,
        "since": resolved_since,
        "exclude": exclude_id,
        "limit": limit,
    }
    if _is_sqlite(session):
        statement = text(_SQLITE).bindparams(bindparam("open", expanding=True), since)
        values |= {
            "query": _fts5_query(service_id, terms, resolved_since, now),
            "open": list(OPEN_STATUSES),
            "spare": limit + SPARE,
        }
    else:
        statement = text(_POSTGRES).bindparams(since)
        values["query"] = " | ".join(terms)
    result = await session.execute(statement, values)
    utc = UTCDateTime()
    return [
        RelatedRow(
            id=row.id,
            number=row.number,
            status=row.status,
            summary=row.summary,
            opened_at=_aware(utc, row.opened_at),
            resolved_at=None if row.resolved_at is None else _aware(utc, row.resolved_at),
            resolution=row.resolution,
        )
        for row in result
    ]


def _fts5_query(service_id: str, terms: Sequence[str], since: dt.datetime, now: dt.datetime) -> str:
    """The FTS5 query: the service's open or recently resolved tags, and any of the words.

    The tags are those migration 0010's triggers write: "s" + the service id in hex + "open",
    or + "w" + the week (Julian day / 7) it was resolved in: a handful of tags, because bm25
    costs a little for every phrase of the query on every match. The week before is
    included, so rounding can never hide a match; the exact time is checked afterwards.
    """
    prefix = "s" + service_id.encode().hex()
    first, last = _week(since) - 1, _week(now)
    tags = [f'"{prefix}open"', *(f'"{prefix}w{w}"' for w in range(first, last + 1))]
    words = " OR ".join(f'"{t}"' for t in terms)
    return f"tag : ({' OR '.join(tags)}) AND {{summary details}} : ({words})"


async def forget_resolved(session: AsyncSession, *, service_id: str, before: dt.datetime) -> int:
    """Drop the service's requests resolved before `before` from the search index; how many.

    Keeps the index to what a lookup can offer; a lookup never depends on it having run.
    SQLite drops whole weeks by their tag: those ending over a week before `before`, and only
    the last few (PRUNE_WEEKS), since each call clears them and older ones went earlier; a
    service quiet for longer keeps a few extra rows, which lookups leave out. FTS5 records a
    deletion as a marker beside the words it deletes, and bm25 reads both until segments
    merge, so having deleted anything (about once a week per service) it merges the index
    into one segment, which is as small as the live requests.
    """
    if not _is_sqlite(session):
        statement = text(_PG_FORGET).bindparams(bindparam("before", type_=UTCDateTime))
        result = await session.execute(statement, {"service": service_id, "before": before})
        return _count(result)
    prefix = "s" + service_id.encode().hex()
    last = _week(before) - 2
    old = " OR ".join(f'"{prefix}w{w}"' for w in range(last - PRUNE_WEEKS, last + 1))
    forgotten = _count(await session.execute(text(_SQLITE_FORGET), {"old": f"tag : ({old})"}))
    if forgotten:
        await session.execute(text(SQLITE_MERGE))
    return forgotten


def _count(result: Any) -> int:
    """Rows a DELETE removed (SQLAlchemy types execute()'s result as the generic Result)."""
    return int(result.rowcount)


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def _week(moment: dt.datetime) -> int:
    """SQLite's CAST(julianday(t) / 7 AS INTEGER) for a UTC moment."""
    return int((moment.timestamp() / 86400 + 2440587.5) // 7)


def _aware(utc: UTCDateTime, value: Any) -> dt.datetime:
    """Raw text() rows bypass the column type: read timestamps as the UTC type would."""
    moment = utc.process_result_value(value, None)  # type: ignore[arg-type]
    assert moment is not None
    return moment
