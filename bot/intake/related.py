"""Related requests: the first reply under a new card lists what may be the same problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import notices
from bot.domain.awareness import (
    RELATED_LIMIT,
    RESOLVED_LOOKBACK,
    RelatedRequest,
    first_line,
    search_terms,
)
from bot.domain.model import RequestStatus
from bot.domain.summary import RequestSummary
from bot.views.awareness import related_requests_note
from storage import search


async def find_related(
    session: AsyncSession, request: RequestSummary, *, limit: int = RELATED_LIMIT
) -> list[RelatedRequest]:
    """Open or recently resolved requests on the same service that share its words."""
    found = await search.related_requests(
        session,
        service_id=request.service_id,
        terms=search_terms(request.summary, request.details),
        exclude_id=request.id,
        resolved_since=request.opened_at - RESOLVED_LOOKBACK,
        now=request.opened_at,
        limit=limit,
    )
    return [
        RelatedRequest(
            number=row.number,
            status=RequestStatus(row.status),
            summary=row.summary,
            opened_at=row.opened_at,
            resolved_at=row.resolved_at,
            resolution=first_line(row.resolution) if row.resolution else None,
        )
        for row in found
    ]


async def note_related(
    session: AsyncSession,
    found: Sequence[tuple[RequestSummary, Sequence[RelatedRequest]]],
    *,
    now: dt.datetime,
) -> int:
    """Queue each card's first thread reply listing what find_related found; how many cards.

    `found` are new requests on one service. First forgets the service's requests resolved
    before the lookback, once, so the index holds only what a lookup can offer (the lookup
    checks the time itself, so this is upkeep only).
    """
    if not found:
        return 0
    before = min(r.opened_at for r, _ in found) - RESOLVED_LOOKBACK
    await search.forget_resolved(session, service_id=found[0][0].service_id, before=before)
    noted = 0
    for request, related in found:
        if related:
            await notices.card_thread_reply(
                session,
                request=request,
                rendered=related_requests_note(related, now=now),
                now=now,
                dedupe_key=f"req:{request.id}:related",
            )
            noted += 1
    return noted
