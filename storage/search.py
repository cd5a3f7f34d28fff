"""Full-text search over requests: one function, each database's own index and ranking.

SQLite keeps an FTS5 table (`requests_fts`, external content, kept current by triggers) and
ranks with bm25; PostgreSQL keeps a generated `search` tsvector column with a GIN index and
ranks with ts_rank. Both are made and filled by migration 0014; the models do not describe
them, so the schema comparison leaves them out (see `include_name`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import UTCDateTime
from storage.models import RequestEvent
from storage.requests import OPEN_STATUSES

FTS_TABLE = "requests_fts"
_FTS_SHADOWS = ("data", "idx", "docsize", "config", "content")
SEARCH_TABLES = frozenset({FTS_TABLE, *(f"requests_fts_{s}" for s in _FTS_SHADOWS)})
SEARCH_COLUMN = "search"
SEARCH_INDEX = "ix_requests_search"
# A summary weighs twice as much as details (FTS5 column weights; tsvector labels A and B).
_SQLITE = """
WITH candidates(id) AS (
    SELECT id FROM requests WHERE service_id = :service AND status IN :open
    UNION
    SELECT id FROM requests WHERE service_id = :service AND resolved_at >= :since
)
SELECT r.id, r.number, r.status, r.summary, r.opened_at, r.resolved_at,
       bm25(requests_fts, 2.0, 1.0) AS score
FROM candidates AS c
CROSS JOIN requests_fts ON requests_fts.rowid = c.id
JOIN requests AS r ON r.id = c.id
WHERE requests_fts MATCH :query AND c.id <> :exclude
ORDER BY score, r.id DESC
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
    """For Alembic's schema comparison: skip the search objects only migration 0014 makes."""
    if type_ == "table":
        return name not in SEARCH_TABLES
    if type_ == "column":
        return not (parent_names.get("table_name") == "requests" and name == SEARCH_COLUMN)
    if type_ == "index":
        return name != SEARCH_INDEX
    return True


async def related_requests(
    session: AsyncSession,
    *,
    service_id: str,
    terms: Sequence[str],
    exclude_id: int,
    resolved_since: dt.datetime,
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
    query = " OR ".join(f'"{t}"' for t in terms) if sqlite else " | ".join(terms)
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


def _aware(utc: UTCDateTime, value: Any) -> dt.datetime:
    """Raw text() rows bypass the column type: read timestamps as the UTC type would."""
    moment = utc.process_result_value(value, None)  # type: ignore[arg-type]
    assert moment is not None
    return moment
