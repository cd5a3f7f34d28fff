"""The append-only history of each request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import core_table
from storage.models import RequestEvent


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


async def opened_data(
    session: AsyncSession, *, request_ids: Collection[int]
) -> dict[int, dict[str, Any]]:
    """What each request's filing recorded (offered fixes, whether others were reporting)."""
    if not request_ids:
        return {}
    query = select(RequestEvent.request_id, RequestEvent.data).where(
        RequestEvent.request_id.in_(request_ids), RequestEvent.kind == "opened"
    )
    return {request_id: data or {} for request_id, data in await session.execute(query)}


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
