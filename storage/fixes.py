"""Shared fixes: stored, found by full-text search like related requests, and their answers.

SQLite keeps an FTS5 table (`shared_fixes_fts`, kept current by triggers) of the fixes still
offered, each tagged with its service, ranked with bm25. PostgreSQL keeps a generated
`search` tsvector column with a GIN index, ranked with ts_rank. Migration 0012 makes both;
the models do not describe them (see `storage.search.include_name`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FixAnswer, SharedFix

FIX_FTS_TABLE = "shared_fixes_fts"
_FTS_SHADOWS = ("data", "idx", "docsize", "config", "content")
FIX_SEARCH_TABLES = frozenset({FIX_FTS_TABLE, *(f"{FIX_FTS_TABLE}_{s}" for s in _FTS_SHADOWS)})
FIX_SEARCH_TABLE = "shared_fixes"
FIX_SEARCH_INDEX = "ix_shared_fixes_search"
SPARE = 20  # rows ranked beyond the limit, for the retired ones the join then leaves out
_SQLITE = """
SELECT f.id FROM (
    SELECT rowid AS id, rank AS score FROM shared_fixes_fts
    WHERE shared_fixes_fts MATCH :query ORDER BY rank LIMIT :spare
) AS best
CROSS JOIN shared_fixes AS f ON f.id = best.id
WHERE f.retired_at IS NULL AND f.service_id = :service
ORDER BY best.score, f.id DESC
LIMIT :limit
"""
_POSTGRES = """
SELECT f.id FROM shared_fixes AS f, to_tsquery('english', :query) AS q(query)
WHERE f.service_id = :service AND f.retired_at IS NULL AND f.search @@ q.query
ORDER BY ts_rank(f.search, q.query) DESC, f.id DESC
LIMIT :limit
"""


async def insert_fix(session: AsyncSession, **fields: Any) -> SharedFix:
    """Store a shared fix; its search entry follows (trigger or generated column)."""
    row = SharedFix(**fields)
    session.add(row)
    await session.flush()
    return row


async def retire_for_request(session: AsyncSession, *, request_id: int, now: dt.datetime) -> int:
    """Stop offering the fixes shared from a request (it was reopened); returns how many."""
    result = await session.execute(
        update(SharedFix)
        .where(SharedFix.request_id == request_id, SharedFix.retired_at.is_(None))
        .values(retired_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def get_fix(session: AsyncSession, *, fix_id: int) -> SharedFix | None:
    """One shared fix, retired or not."""
    return await session.get(SharedFix, fix_id)


async def get_fixes(session: AsyncSession, *, fix_ids: Sequence[int]) -> list[SharedFix]:
    """Shared fixes by id, in the order asked (unknown ids are left out)."""
    if not fix_ids:
        return []
    rows = await session.scalars(select(SharedFix).where(SharedFix.id.in_(fix_ids)))
    found = {row.id: row for row in rows}
    return [found[i] for i in fix_ids if i in found]


async def services_with_fixes(session: AsyncSession, *, service_ids: Collection[str]) -> set[str]:
    """Which of these services have a fix still offered (most have none: no search needed)."""
    if not service_ids:
        return set()
    query = (
        select(SharedFix.service_id)
        .where(SharedFix.service_id.in_(service_ids), SharedFix.retired_at.is_(None))
        .distinct()
    )
    return set(await session.scalars(query))


async def find_fixes(
    session: AsyncSession, *, service_id: str, terms: Sequence[str], limit: int = 3
) -> list[SharedFix]:
    """A service's fixes still offered that share any of `terms`, best match first.

    `terms` are plain lower-case words (letters and digits only), as for related requests.
    """
    if not terms:
        return []
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        words = " OR ".join(f'"{t}"' for t in terms)
        tag = "s" + service_id.encode().hex()
        query = f'tag : "{tag}" AND {{summary details text}} : ({words})'
    else:
        query = " | ".join(terms)
    result = await session.execute(
        text(_SQLITE if sqlite else _POSTGRES),
        {"service": service_id, "query": query, "limit": limit, "spare": limit + SPARE},
    )
    return await get_fixes(session, fix_ids=[int(row.id) for row in result])


async def insert_answer(session: AsyncSession, **fields: Any) -> FixAnswer:
    """Record that a shared fix answered a partner."""
    row = FixAnswer(**fields)
    session.add(row)
    await session.flush()
    return row


async def get_answer(session: AsyncSession, *, answer_id: int) -> FixAnswer | None:
    """One recorded answer."""
    return await session.get(FixAnswer, answer_id)


@dataclass(frozen=True)
class FixCounts:
    """Partners answered by shared fixes in a period, and whose fixes they were."""

    before_filing: int  # "This solved it" in the form: nothing was filed
    after_filing: int  # from the confirmation DM: the request closed
    by_author: tuple[tuple[str, int], ...]  # technician, answers; most first


def _counted(since: dt.datetime, until: dt.datetime) -> list[ColumnElement[bool]]:
    """The figures' period rule (after `since`, up to and including `until`), not withdrawn."""
    return [FixAnswer.at > since, FixAnswer.at <= until, FixAnswer.withdrawn_at.is_(None)]


async def fix_counts(session: AsyncSession, *, since: dt.datetime, until: dt.datetime) -> FixCounts:
    """How many partners shared fixes answered in the period, by where and by whose fix."""
    counted = _counted(since, until)
    rows = await session.execute(
        select(FixAnswer.via, func.count()).where(*counted).group_by(FixAnswer.via)
    )
    vias = {str(via): int(count) for via, count in rows.all()}
    n = func.count().label("n")
    authors = await session.execute(
        select(SharedFix.author_id, n)
        .select_from(FixAnswer)
        .join(SharedFix, SharedFix.id == FixAnswer.fix_id)
        .where(*counted)
        .group_by(SharedFix.author_id)
        .order_by(n.desc(), SharedFix.author_id)
    )
    return FixCounts(
        before_filing=vias.get("form", 0),
        after_filing=vias.get("dm", 0),
        by_author=tuple((str(a), int(c)) for a, c in authors.all()),
    )
