"""Reading and changing requests; every state change is a conditional update."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import core_table
from storage.models import Request

OPEN_STATUSES = ("new", "in_progress", "waiting_partner", "waiting_third_party")


async def insert_request(session: AsyncSession, **fields: Any) -> Request:
    """Add a request row and flush so its id is known to the rest of the transaction."""
    row = Request(**fields)
    session.add(row)
    await session.flush()
    return row


async def insert_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert several requests in one statement; returns their ids in the order given.

    RETURNING gives rows in no promised order (SQLite would otherwise insert one row per
    statement to keep it), so ids are matched back by the unique request number.
    """
    if not rows:
        return []
    table = core_table(Request)
    result = await session.execute(insert(table).returning(table.c.id, table.c.number), list(rows))
    ids = {number: request_id for request_id, number in result.all()}
    return [int(ids[row["number"]]) for row in rows]


async def get_request(session: AsyncSession, *, number: int) -> Request | None:
    """The request with this number, if any."""
    return await session.scalar(select(Request).where(Request.number == number))


async def get_request_by_id(session: AsyncSession, *, request_id: int) -> Request | None:
    """The request with this primary key, if any."""
    return await session.get(Request, request_id)


async def get_requests_by_id(session: AsyncSession, *, ids: Collection[int]) -> Sequence[Request]:
    """Requests by primary key, oldest first (unknown ids are left out)."""
    if not ids:
        return []
    query = select(Request).where(Request.id.in_(ids)).order_by(Request.id)
    return (await session.scalars(query)).all()


async def find_by_card(session: AsyncSession, *, channel: str, ts: str) -> Request | None:
    """The request whose triage card is this message."""
    query = select(Request).where(Request.card_channel == channel, Request.card_ts == ts)
    return await session.scalar(query)


async def find_by_partner_thread(session: AsyncSession, *, channel: str, ts: str) -> Request | None:
    """The request whose confirmation DM starts this thread."""
    query = select(Request).where(Request.partner_channel == channel, Request.partner_ts == ts)
    return await session.scalar(query)


async def list_for_partner(
    session: AsyncSession, *, partner_id: str, statuses: Collection[str], limit: int = 50
) -> Sequence[Request]:
    """A partner's requests in the given statuses, newest first."""
    query = (
        select(Request)
        .where(Request.partner_id == partner_id, Request.status.in_(statuses))
        .order_by(Request.id.desc())
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def transition(
    session: AsyncSession,
    *,
    request_id: int,
    from_statuses: Collection[str],
    values: dict[str, Any],
    extra_where: Sequence[Any] = (),
) -> Request | None:
    """Apply `values` only if the request is still in one of `from_statuses`.

    Returns the updated row, or None when another change got there first; this is
    what makes two simultaneous clicks produce exactly one winner.
    """
    result = await session.execute(
        update(Request)
        .where(Request.id == request_id, Request.status.in_(from_statuses), *extra_where)
        .values(**values, version=Request.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = await session.get(Request, request_id, populate_existing=True)
    return row


async def get_for_update(session: AsyncSession, *, number: int) -> Request | None:
    """Lock and re-read a request inside a writing transaction, ignoring any cached copy.

    The request row is the first lock any change takes (then its timers, then its outbox rows),
    so two changes to one request queue instead of deadlocking. `FOR UPDATE` on PostgreSQL;
    on SQLite, BEGIN IMMEDIATE already lets one writer in at a time.
    """
    query = (
        select(Request)
        .where(Request.number == number)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return await session.scalar(query)


async def lock(session: AsyncSession, *, request_id: int, skip_locked: bool = False) -> bool:
    """Take the request's row lock before touching its timers (see get_for_update).

    With `skip_locked`, a request someone else holds is not waited for: False is returned.
    """
    query = select(Request.id).where(Request.id == request_id)
    query = query.with_for_update(skip_locked=skip_locked)
    return await session.scalar(query) is not None


async def set_fields(session: AsyncSession, *, request_id: int, values: dict[str, Any]) -> None:
    """Store bookkeeping (message ts, channels) that is not a state change."""
    await session.execute(
        update(Request)
        .where(Request.id == request_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many requests are in each status."""
    rows = await session.execute(select(Request.status, func.count()).group_by(Request.status))
    return {str(status): int(count) for status, count in rows.all()}


async def list_unclaimed(
    session: AsyncSession, *, channels: Collection[str], limit: int = 100
) -> Sequence[Request]:
    """Open requests nobody has claimed in these triage channels, most urgent and oldest first."""
    query = (
        select(Request)
        .where(
            Request.card_channel.in_(channels),
            Request.assignee_id.is_(None),
            Request.status.in_(OPEN_STATUSES),
        )
        .order_by(Request.priority, Request.opened_at)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def list_assigned(
    session: AsyncSession, *, assignee_id: str, limit: int = 100
) -> Sequence[Request]:
    """Open requests assigned to one technician, most urgent and oldest first."""
    query = (
        select(Request)
        .where(Request.assignee_id == assignee_id, Request.status.in_(OPEN_STATUSES))
        .order_by(Request.priority, Request.opened_at)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def count_by_status_and_priority(session: AsyncSession) -> dict[tuple[str, str], int]:
    """How many requests are in each (status, priority) pair, in one GROUP BY."""
    query = select(Request.status, Request.priority, func.count()).group_by(
        Request.status, Request.priority
    )
    rows = await session.execute(query)
    return {(status, priority): int(count) for status, priority, count in rows}
