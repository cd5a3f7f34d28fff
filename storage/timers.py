"""Timers: what must happen when, found by an index on the due time and fired exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import core_table
from storage.models import Timer


async def schedule(
    session: AsyncSession,
    *,
    kind: str,
    due_at: dt.datetime,
    now: dt.datetime,
    request_id: int | None = None,
    outage_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> Timer:
    """Add a pending timer in the caller's transaction."""
    row = Timer(
        kind=kind,
        due_at=due_at,
        status="pending",
        request_id=request_id,
        outage_id=outage_id,
        data=data or {},
        created_at=now,
    )
    session.add(row)  # flushed with the change's other rows: one multi-row INSERT
    return row


async def schedule_many(
    session: AsyncSession, timers: Sequence[dict[str, Any]], *, now: dt.datetime
) -> None:
    """Add several pending timers in one statement (kind, due_at, request_id, outage_id, data)."""
    if timers:
        rows = [
            {"status": "pending", "created_at": now, "outage_id": None, "data": {}, **timer}
            for timer in timers
        ]
        await session.execute(insert(core_table(Timer)), rows)


async def cancel(
    session: AsyncSession,
    *,
    kinds: Collection[str],
    request_id: int | None = None,
    outage_id: int | None = None,
) -> int:
    """Cancel the pending timers of these kinds for one request or outage; returns how many."""
    conditions = [Timer.status == "pending", Timer.kind.in_(kinds)]
    if request_id is not None:
        conditions.append(Timer.request_id == request_id)
    if outage_id is not None:
        conditions.append(Timer.outage_id == outage_id)
    result = await session.execute(
        update(Timer)
        .where(*conditions)
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def due(session: AsyncSession, *, now: dt.datetime, limit: int) -> Sequence[Timer]:
    """Pending timers whose time has come, earliest first (an index range scan)."""
    query = (
        select(Timer)
        .where(Timer.status == "pending", Timer.parked_at.is_(None), Timer.due_at <= now)
        .order_by(Timer.due_at, Timer.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def fire(session: AsyncSession, *, timer_id: int, now: dt.datetime) -> bool:
    """Mark a timer fired if nobody else has; the caller does its work in the same transaction.

    A timer another replica is firing right now is skipped rather than waited for.
    """
    held = select(Timer.id).where(Timer.id == timer_id, Timer.status == "pending")
    if await session.scalar(held.with_for_update(skip_locked=True)) is None:
        return False
    result = await session.execute(
        update(Timer)
        .where(Timer.id == timer_id, Timer.status == "pending")
        .values(status="fired", fired_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def fire_many(
    session: AsyncSession, *, timer_ids: Collection[int], now: dt.datetime
) -> set[int]:
    """Mark timers fired that nobody else has; returns those this caller now owns.

    As fire(), for a handler that takes several timers at once: two statements, not two
    for each timer. Timers another replica is firing right now are left to it.

    Both statements name the timers by id alone, and whether each is still pending is read
    from the locked rows: given `status = 'pending'` as well, SQLite (planning without
    statistics) walks every pending timer through ix_timers_due instead of looking up the
    few ids, and a shop has a pending timer for every open request.
    """
    if not timer_ids:
        return set()
    held = select(Timer.id, Timer.status).where(Timer.id.in_(timer_ids))
    rows = await session.execute(held.with_for_update(skip_locked=True))
    owned = {timer_id for timer_id, status in rows if status == "pending"}
    if owned:  # locked by this transaction (PostgreSQL) or under the one writer (SQLite)
        await session.execute(
            update(Timer)
            .where(Timer.id.in_(owned))
            .values(status="fired", fired_at=now)
            .execution_options(synchronize_session=False)
        )
    return owned


async def next_due_at(session: AsyncSession) -> dt.datetime | None:
    """When the earliest pending timer falls due."""
    value: dt.datetime | None = await session.scalar(
        select(func.min(Timer.due_at)).where(Timer.status == "pending", Timer.parked_at.is_(None))
    )
    return value


async def record_failure(
    session: AsyncSession,
    *,
    timer_id: int,
    error: str,
    retry_at: dt.datetime | None,
    now: dt.datetime,
) -> int:
    """Note a failed try: due again at `retry_at`, or parked when None; returns the tries so far."""
    values: dict[str, Any] = {"attempts": Timer.attempts + 1, "last_error": error[:2000]}
    if retry_at is None:
        values["parked_at"] = now
    else:
        values["due_at"] = retry_at
    result = await session.execute(
        update(Timer)
        .where(Timer.id == timer_id, Timer.status == "pending")
        .values(**values)
        .returning(Timer.attempts)
    )
    attempts: int | None = result.scalar_one_or_none()
    return attempts or 0


async def parked_count(session: AsyncSession) -> int:
    """How many timers were given up on after failing again and again (for /metrics)."""
    query = select(func.count()).where(Timer.status == "pending", Timer.parked_at.is_not(None))
    return int(await session.scalar(query) or 0)


async def pending(
    session: AsyncSession, *, request_id: int | None = None, outage_id: int | None = None
) -> Sequence[Timer]:
    """Pending timers of one request or outage (for tests and the CLI)."""
    query = select(Timer).where(Timer.status == "pending")
    if request_id is not None:
        query = query.where(Timer.request_id == request_id)
    if outage_id is not None:
        query = query.where(Timer.outage_id == outage_id)
    return (await session.scalars(query.order_by(Timer.due_at))).all()
