"""Full-text search over requests: one function, each database's own index and ranking.

SQLite keeps an FTS5 table (`requests_fts`, kept current by triggers on requests) holding
only the requests a lookup can offer, each with a tag naming its service and whether it is
open or when it was resolved; it ranks with bm25. PostgreSQL keeps a generated `search`
tsvector column with a GIN index and ranks with ts_rank. Both are made and filled by
migration 0010; the models do not describe them, so the schema comparison leaves them out
(see `include_name`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import UTCDateTime
from storage.fixes import FIX_SEARCH_INDEX, FIX_SEARCH_TABLE, FIX_SEARCH_TABLES
from storage.models import RequestEvent
from storage.requests import OPEN_STATUSES

FTS_TABLE = "requests_fts"
_FTS_SHADOWS = ("data", "idx", "docsize", "config", "content")
SEARCH_TABLES = frozenset({FTS_TABLE, *(f"requests_fts_{s}" for s in _FTS_SHADOWS)})
SEARCH_COLUMN = "search"
SEARCH_INDEX = "ix_requests_search"
PRUNE_WEEKS = 12  # weeks before the lookback pruned on each lookup
SPARE = 20  # rows ranked beyond the limit, for the ones the exact checks then leave out
# A summary weighs twice as much as details (FTS5 column weights; tsvector labels A and B).
# FTS5 ranks inside the index (ORDER BY rank); the tag has already narrowed the matches to
# the service's open and recently resolved requests, so a few spare rows cover the exact checks.
_SQLITE = """
SELECT r.id, r.number, r.status, r.summary, r.opened_at, r.resolved_at, best.score
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
_POSTGRES = """
SELECT r.id, r.number, r.status, r.summary, r.opened_at, r.resolved_at,
       ts_rank(r.search, q.query) AS score
FROM requests AS r, to_tsquery('english', :query) AS q(query)
WHERE r.service_id = :service
  AND (r.status IN :open OR r.resolved_at >= :since)
  AND r.id <> :exclude
  AND r.search @@ q.query
ORDER BY score DESC, r.id DESC
LIMIT :limit
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


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """For Alembic's schema comparison: skip the search objects migrations 0010 and 0012 make."""
    if type_ == "table":
        return name not in SEARCH_TABLES | FIX_SEARCH_TABLES
    if type_ == "column":
        table = parent_names.get("table_name")
        return not (table in ("requests", FIX_SEARCH_TABLE) and name == SEARCH_COLUMN)
    if type_ == "index":
        return name not in (SEARCH_INDEX, FIX_SEARCH_INDEX)
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
    """Open requests, or ones resolved since `resolved_since`, on a service, best match first.

    `terms` are plain lower-case words (letters and digits only); any one of them may match.
    Only the service's open and recently resolved requests are ranked, so the cost follows
    the size of that set, not of the whole history.
    """
    if not terms:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        await _prune(session, service_id=service_id, since=resolved_since)
    query = _fts5_query(service_id, terms, resolved_since, now) if sqlite else " | ".join(terms)
    statement = text(_SQLITE if sqlite else _POSTGRES).bindparams(
        bindparam("open", expanding=True), bindparam("since", type_=UTCDateTime)
    )
    result = await session.execute(
        statement,
        {
            "service": service_id,
            "open": list(OPEN_STATUSES),
            "since": resolved_since,
            "query": query,
            "exclude": exclude_id,
            "limit": limit,
            "spare": limit + SPARE,
        },
    )
    utc = UTCDateTime()
    return [
        RelatedRow(
            id=row.id,
            number=row.number,
            status=row.status,
            summary=row.summary,
            opened_at=_aware(utc, row.opened_at),
            resolved_at=None if row.resolved_at is None else _aware(utc, row.resolved_at),
        )
        for row in result
    ]


async def resolutions(session: AsyncSession, *, request_ids: Collection[int]) -> dict[int, str]:
    """The latest partner-visible resolution text of each request that has one."""
    if not request_ids:
        return {}
    latest = (
        select(func.max(RequestEvent.id))
        .where(RequestEvent.request_id.in_(request_ids), RequestEvent.kind == "resolve")
        .group_by(RequestEvent.request_id)
    )
    query = select(RequestEvent.request_id, RequestEvent.text).where(RequestEvent.id.in_(latest))
    return {row.request_id: row.text for row in await session.execute(query)}


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


async def _prune(session: AsyncSession, *, service_id: str, since: dt.datetime) -> None:
    """Drop the service's requests resolved before the lookback from the SQLite index.

    The weeks just before it are enough: each lookup prunes, so older ones went earlier (a
    service quiet for longer keeps a few extra rows, which the exact checks leave out).
    """
    prefix = "s" + service_id.encode().hex()
    last = _week(since) - 2
    old = " OR ".join(f'"{prefix}w{w}"' for w in range(last - PRUNE_WEEKS, last + 1))
    await session.execute(
        text(
            "DELETE FROM requests_fts WHERE rowid IN "
            "(SELECT rowid FROM requests_fts WHERE requests_fts MATCH :old)"
        ),
        {"old": f"tag : ({old})"},
    )


def _week(moment: dt.datetime) -> int:
    """SQLite's CAST(julianday(t) / 7 AS INTEGER) for a UTC moment."""
    return int((moment.timestamp() / 86400 + 2440587.5) // 7)


def _aware(utc: UTCDateTime, value: Any) -> dt.datetime:
    """Raw text() rows bypass the column type: read timestamps as the UTC type would."""
    moment = utc.process_result_value(value, None)  # type: ignore[arg-type]
    assert moment is not None
    return moment
