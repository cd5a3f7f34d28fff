"""Outages and maintenance: storing them, their followers, and the requests linked to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Outage, OutageFollower, OutboxMessage, Request
from storage.requests import OPEN_STATUSES

LIVE_STATUSES = ("open", "scheduled")


async def insert_outage(session: AsyncSession, **fields: Any) -> Outage:
    """Add an outage row and flush so its id is known to the rest of the transaction."""
    row = Outage(**fields)
    session.add(row)
    await session.flush()
    return row


async def get_outage(session: AsyncSession, *, number: int) -> Outage | None:
    """The outage with this number, if any (re-read, ignoring any cached copy)."""
    query = select(Outage).where(Outage.number == number)
    return await session.scalar(query.execution_options(populate_existing=True))


async def get_outage_by_id(session: AsyncSession, *, outage_id: int) -> Outage | None:
    """The outage with this primary key, if any."""
    return await session.get(Outage, outage_id, populate_existing=True)


async def list_live(
    session: AsyncSession, *, kinds: Collection[str] = (), service_id: str | None = None
) -> Sequence[Outage]:
    """Open outages and scheduled maintenance, earliest start first."""
    query = select(Outage).where(Outage.status.in_(LIVE_STATUSES))
    if kinds:
        query = query.where(Outage.kind.in_(kinds))
    if service_id is not None:
        query = query.where(Outage.service_id == service_id)
    return (await session.scalars(query.order_by(Outage.starts_at, Outage.id))).all()


async def change_outage(
    session: AsyncSession, *, outage_id: int, from_statuses: Collection[str], values: dict[str, Any]
) -> Outage | None:
    """Apply `values` only if the outage is still in one of `from_statuses`; None otherwise."""
    result = await session.execute(
        update(Outage)
        .where(Outage.id == outage_id, Outage.status.in_(from_statuses))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return await get_outage_by_id(session, outage_id=outage_id)


async def add_follower(
    session: AsyncSession, *, outage_id: int, user_id: str, now: dt.datetime
) -> bool:
    """Record a follower; False when they already followed (a second click changes nothing)."""
    exists = await session.scalar(
        select(OutageFollower.id).where(
            OutageFollower.outage_id == outage_id, OutageFollower.user_id == user_id
        )
    )
    if exists is not None:
        return False
    try:
        async with session.begin_nested():
            await session.execute(
                insert(OutageFollower).values(outage_id=outage_id, user_id=user_id, created_at=now)
            )
    except IntegrityError:
        return False  # the same person's other click got there first
    return True


async def followers(session: AsyncSession, *, outage_id: int) -> list[str]:
    """Everyone following an outage, in the order they started."""
    query = (
        select(OutageFollower.user_id)
        .where(OutageFollower.outage_id == outage_id)
        .order_by(OutageFollower.id)
    )
    return list((await session.scalars(query)).all())


async def followed_by(
    session: AsyncSession, *, user_id: str, outage_ids: Collection[int]
) -> set[int]:
    """Which of these outages the person follows."""
    if not outage_ids:
        return set()
    query = select(OutageFollower.outage_id).where(
        OutageFollower.user_id == user_id, OutageFollower.outage_id.in_(outage_ids)
    )
    return set((await session.scalars(query)).all())


async def partners_with_open_requests(session: AsyncSession, *, service_id: str) -> list[str]:
    """Distinct partners with at least one open request on a service, in a stable order."""
    query = (
        select(Request.partner_id)
        .where(Request.service_id == service_id, Request.status.in_(OPEN_STATUSES))
        .group_by(Request.partner_id)
        .order_by(Request.partner_id)
    )
    return list((await session.scalars(query)).all())


async def open_linked_requests(session: AsyncSession, *, outage_id: int) -> Sequence[Request]:
    """Open requests filed during an outage and linked to it, oldest first."""
    query = (
        select(Request)
        .where(Request.outage_id == outage_id, Request.status.in_(OPEN_STATUSES))
        .order_by(Request.number)
    )
    return (await session.scalars(query)).all()


async def open_unlinked_requests(session: AsyncSession, *, service_id: str) -> Sequence[Request]:
    """Open requests on a service that no outage claims yet, oldest first."""
    query = (
        select(Request)
        .where(
            Request.service_id == service_id,
            Request.status.in_(OPEN_STATUSES),
            Request.outage_id.is_(None),
        )
        .order_by(Request.number)
    )
    return (await session.scalars(query)).all()


async def link_request(session: AsyncSession, *, request_id: int, outage_id: int) -> None:
    """Link a request to the outage it was filed during."""
    await session.execute(
        update(Request)
        .where(Request.id == request_id)
        .values(outage_id=outage_id)
        .execution_options(synchronize_session=False)
    )


async def message_by_dedupe_key(session: AsyncSession, *, dedupe_key: str) -> OutboxMessage | None:
    """The outbox row queued under a dedupe key (an announcement, to thread replies under it)."""
    query = select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    return await session.scalar(query.execution_options(populate_existing=True))
