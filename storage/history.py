"""The append-only history of each request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import core_table
from storage.models import Request, RequestEvent


async def append_event(
    session: AsyncSession,
    *,
    request_id: int,
    at: dt.datetime,
    kind: str,
    actor_id: str | None,
    partner_visible: bool,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> RequestEvent:
    """Record who did what and when; whether the partner may see it is decided here, once."""
    row = RequestEvent(
        request_id=request_id,
        at=at,
        kind=kind,
        actor_id=actor_id,
        partner_visible=partner_visible,
        text=text,
        data=data or {},
    )
    session.add(row)  # flushed with the change's other rows
    return row


async def append_many(session: AsyncSession, events: Sequence[dict[str, Any]]) -> None:
    """Record several history lines in one statement (columns as append_event names them)."""
    if events:
        rows = [{"text": "", "data": {}, **event} for event in events]
        await session.execute(insert(core_table(RequestEvent)), rows)


async def timeline(
    session: AsyncSession, *, request_id: int, partner_only: bool = False
) -> Sequence[RequestEvent]:
    """A request's history in order, optionally only what the partner may see."""
    query = select(RequestEvent).where(RequestEvent.request_id == request_id)
    if partner_only:
        query = query.where(RequestEvent.partner_visible.is_(True))
    return (await session.scalars(query.order_by(RequestEvent.id))).all()


async def filings(
    session: AsyncSession, *, request_ids: Collection[int]
) -> list[tuple[int, str, dt.datetime, dict[str, Any] | None]]:
    """Each new request's id, service, filing time and what its filing recorded (offered
    fixes, whether others were reporting), oldest first.

    Four columns in one read: the after-filing pass places every filing of a busy second in
    its service's burst and needs the whole request only for the few it writes about.
    """
    if not request_ids:
        return []
    query = (
        select(Request.id, Request.service_id, Request.opened_at, RequestEvent.data)
        .join(RequestEvent, RequestEvent.request_id == Request.id)
        .where(Request.id.in_(request_ids), RequestEvent.kind == "opened")
        .order_by(Request.id)
    )
    return [(r.id, r.service_id, r.opened_at, r.data) for r in await session.execute(query)]


async def latest_event(
    session: AsyncSession, *, request_id: int, kinds: Sequence[str]
) -> RequestEvent | None:
    """The most recent event of one of `kinds` (how a request last closed, what it was fixed by)."""
    query = (
        select(RequestEvent)
        .where(RequestEvent.request_id == request_id, RequestEvent.kind.in_(kinds))
        .order_by(RequestEvent.id.desc())
        .limit(1)
    )
    row: RequestEvent | None = await session.scalar(query)
    return row
