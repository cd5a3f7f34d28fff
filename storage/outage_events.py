"""The promise ledger of outages: when an update was promised, kept, nudged or let lapse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutageEvent


async def append(
    session: AsyncSession,
    *,
    outage_id: int,
    at: dt.datetime,
    kind: str,
    data: dict[str, Any] | None = None,
) -> OutageEvent:
    """Record one ledger line in the caller's transaction."""
    row = OutageEvent(outage_id=outage_id, at=at, kind=kind, data=data or {})
    session.add(row)
    return row


async def times(
    session: AsyncSession, *, outage_id: int, kinds: Collection[str]
) -> Sequence[dt.datetime]:
    """When each event of these kinds happened to one outage, oldest first."""
    query = (
        select(OutageEvent.at)
        .where(OutageEvent.outage_id == outage_id, OutageEvent.kind.in_(kinds))
        .order_by(OutageEvent.id)
    )
    return (await session.scalars(query)).all()


async def counts(
    session: AsyncSession, *, kinds: Collection[str], since: dt.datetime, until: dt.datetime
) -> dict[str, int]:
    """How many ledger lines of each kind fell in [since, until), for the digests."""
    rows = await session.execute(
        select(OutageEvent.kind, func.count())
        .where(OutageEvent.kind.in_(kinds), OutageEvent.at >= since, OutageEvent.at < until)
        .group_by(OutageEvent.kind)
    )
    return {kind: int(count) for kind, count in rows}
