"""Slack events already handled, so a redelivery changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SeenEvent


async def mark_seen(session: AsyncSession, *, event_id: str, now: dt.datetime) -> bool:
    """Record the event in the caller's transaction; False when it was already recorded."""
    if await session.scalar(select(SeenEvent.event_id).where(SeenEvent.event_id == event_id)):
        return False
    try:
        async with session.begin_nested():
            await session.execute(insert(SeenEvent).values(event_id=event_id, seen_at=now))
    except IntegrityError:
        return False  # a concurrent delivery of the same event got there first
    return True


async def forget_before(session: AsyncSession, *, cutoff: dt.datetime) -> int:
    """Drop ids older than Slack's redelivery window."""
    result = await session.execute(delete(SeenEvent).where(SeenEvent.seen_at < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]
