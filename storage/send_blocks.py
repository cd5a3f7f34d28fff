"""Retry-After kept in the database, so every replica holds off a rate-limited method."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SendBlock


async def block_method(session: AsyncSession, *, method: str, until: dt.datetime) -> None:
    """Hold off `method` until `until`; a later block already stored is kept."""
    await session.execute(
        update(SendBlock)
        .where(SendBlock.method == method, SendBlock.blocked_until < until)
        .values(blocked_until=until)
        .execution_options(synchronize_session=False)
    )
    if await session.scalar(select(SendBlock.method).where(SendBlock.method == method)):
        return
    try:
        async with session.begin_nested():
            await session.execute(insert(SendBlock).values(method=method, blocked_until=until))
    except IntegrityError:
        # Another replica stored a block for the method first: keep the later of the two.
        await block_method(session, method=method, until=until)


async def blocked_methods(session: AsyncSession, *, now: dt.datetime) -> dict[str, dt.datetime]:
    """Methods Slack asked to hold off, and until when."""
    query = select(SendBlock.method, SendBlock.blocked_until).where(SendBlock.blocked_until > now)
    return {row[0]: row[1] for row in (await session.execute(query)).all()}
