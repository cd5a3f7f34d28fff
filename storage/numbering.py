"""Sequential numbers from a counter row, inside the caller's transaction."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Counter


async def next_number(session: AsyncSession, name: str) -> int:
    """Take the next value of `name`; the row lock makes concurrent writers queue, not collide."""
    taken = await session.execute(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    value = taken.scalar_one_or_none()
    if value is not None:
        return value
    try:
        async with session.begin_nested():
            await session.execute(insert(Counter).values(name=name, value=1))
    except IntegrityError:
        # Another transaction created the row first; take the next value from it.
        return await next_number(session, name)
    return 1


async def take_numbers(session: AsyncSession, name: str, count: int) -> range:
    """Take `count` consecutive values at once (one statement for a whole batch of filings)."""
    taken = await session.execute(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    )
    last = taken.scalar_one_or_none()
    if last is None:
        first = await next_number(session, name)
        if count > 1:
            rest = await take_numbers(session, name, count - 1)
            return range(first, rest.stop)
        return range(first, first + 1)
    return range(last - count + 1, last + 1)


async def peek_number(session: AsyncSession, name: str) -> int:
    """The last value taken, 0 when none yet."""
    value = await session.scalar(select(Counter.value).where(Counter.name == name))
    return value or 0
