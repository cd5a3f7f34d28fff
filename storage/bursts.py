"""Bursts: several reports on one service in a short window, each alerted once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Burst, Request

UNDECIDED_OR_SILENCED = ("active", "dismissed")


async def current_burst(
    session: AsyncSession, *, service_id: str, since: dt.datetime
) -> Burst | None:
    """The service's burst still under way (a report since `since`), alerted or silenced."""
    query = (
        select(Burst)
        .where(
            Burst.service_id == service_id,
            Burst.status.in_(UNDECIDED_OR_SILENCED),
            Burst.last_report_at >= since,
        )
        .order_by(Burst.id.desc())
        .limit(1)
    )
    return await session.scalar(query)


async def under_way(session: AsyncSession, *, since: dt.datetime) -> dict[str, dt.datetime]:
    """Services with an undecided burst that had a report since `since`: its latest report."""
    query = select(Burst.service_id, Burst.last_report_at).where(
        Burst.status == "active", Burst.last_report_at >= since
    )
    latest: dict[str, dt.datetime] = {}
    for service_id, last in await session.execute(query):
        latest[service_id] = max(last, latest.get(service_id, last))
    return latest


async def reports_since(
    session: AsyncSession, *, service_id: str, since: dt.datetime, until: dt.datetime
) -> list[tuple[int, dt.datetime]]:
    """Requests (id, when filed) on a service in a window no outage has claimed, oldest first.

    Only the two columns: a busy service can have thousands of requests in a window.
    """
    query = (
        select(Request.id, Request.opened_at)
        .where(
            Request.service_id == service_id,
            Request.opened_at >= since,
            Request.opened_at <= until,
            Request.outage_id.is_(None),
        )
        .order_by(Request.opened_at, Request.id)
    )
    return [(row.id, row.opened_at) for row in await session.execute(query)]


async def insert_burst(session: AsyncSession, **fields: Any) -> Burst:
    """Record a burst (flushed now: the alert's dedupe key names its id)."""
    row = Burst(**fields)
    session.add(row)
    await session.flush()
    return row


async def get_burst(session: AsyncSession, *, burst_id: int) -> Burst | None:
    """A burst by id, as it is now."""
    query = select(Burst).where(Burst.id == burst_id).execution_options(populate_existing=True)
    return await session.scalar(query)


async def requests_by_id(session: AsyncSession, *, ids: Collection[int]) -> Sequence[Request]:
    """Requests by id, in number order."""
    if not ids:
        return []
    query = select(Request).where(Request.id.in_(ids)).order_by(Request.number)
    return (await session.scalars(query)).all()


async def bursts_in(
    session: AsyncSession, *, start: dt.datetime, end: dt.datetime
) -> Sequence[Burst]:
    """Bursts detected in a period (after `start`, up to and including `end`), for the digest."""
    query = select(Burst).where(Burst.detected_at > start, Burst.detected_at <= end)
    return (await session.scalars(query.order_by(Burst.id))).all()
