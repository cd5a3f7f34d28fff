"""One row per request for reporting: its targets, history counts and latest poll, streamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Poll, Request, RequestEvent

CHUNK = 500


@dataclass(frozen=True)
class ExportRow:
    """A request with the facts a report needs, flat; timestamps are aware UTC."""

    number: int
    service_id: str
    partner_id: str
    assignee_id: str | None
    priority: str
    impact: str
    status: str
    opened_at: dt.datetime
    first_response_due: dt.datetime
    first_responded_at: dt.datetime | None
    resolution_due: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    first_response_breached_at: dt.datetime | None
    resolution_breached_at: dt.datetime | None
    paused_seconds: int
    promises_kept: int
    promises_lapsed: int
    reopened: int
    poll_status: str | None
    poll_answered_at: dt.datetime | None
    poll_skip_reason: str | None
    rating: int | None
    kept_informed: str | None
    trust: int | None
    comment: str | None


def _count(kind: str) -> ColumnElement[int]:
    return func.sum(case((RequestEvent.kind == kind, 1), else_=0)).cast(Integer)


def export_query(*, since: dt.datetime) -> Select[*tuple[Any, ...]]:
    """The export as one SELECT: requests, left-joined to event counts and the latest poll."""
    opened = select(Request.id).where(Request.opened_at >= since).scalar_subquery()
    counts = (
        select(
            RequestEvent.request_id.label("request_id"),
            _count("promise_kept").label("promises_kept"),
            _count("promise_lapsed").label("promises_lapsed"),
            _count("reopen").label("reopened"),
        )
        .where(
            RequestEvent.request_id.in_(opened),
            RequestEvent.kind.in_(("promise_kept", "promise_lapsed", "reopen")),
        )
        .group_by(RequestEvent.request_id)
        .subquery("counts")
    )
    # Poll ids grow with time, so the highest id is the latest poll of a request.
    latest = (
        select(Poll.request_id.label("request_id"), func.max(Poll.id).label("poll_id"))
        .where(Poll.request_id.in_(opened))
        .group_by(Poll.request_id)
        .subquery("latest")
    )
    return (
        select(
            Request.number,
            Request.service_id,
            Request.partner_id,
            Request.assignee_id,
            Request.priority,
            Request.impact,
            Request.status,
            Request.opened_at,
            Request.first_response_due,
            Request.first_responded_at,
            Request.resolution_due,
            Request.resolved_at,
            Request.closed_at,
            Request.first_response_breached_at,
            Request.resolution_breached_at,
            Request.paused_seconds,
            func.coalesce(counts.c.promises_kept, 0),
            func.coalesce(counts.c.promises_lapsed, 0),
            func.coalesce(counts.c.reopened, 0),
            Poll.status,
            Poll.answered_at,
            Poll.skip_reason,
            Poll.rating,
            Poll.informed,
            Poll.trust,
            Poll.comment,
        )
        .select_from(Request)
        .outerjoin(counts, counts.c.request_id == Request.id)
        .outerjoin(latest, latest.c.request_id == Request.id)
        .outerjoin(Poll, Poll.id == latest.c.poll_id)
        .where(Request.opened_at >= since)
        .order_by(Request.id)
    )


async def stream_export(
    session: AsyncSession, *, since: dt.datetime, chunk: int = CHUNK
) -> AsyncIterator[ExportRow]:
    """Requests opened at or after `since`, oldest first, fetched `chunk` rows at a time.

    The rows come from a server-side cursor (`yield_per`), so memory stays flat however
    large the export; the caller keeps the session's transaction open while it iterates.
    """
    query = export_query(since=since).execution_options(yield_per=chunk)
    result = await session.stream(query)
    async for row in result:
        yield ExportRow(*row)
