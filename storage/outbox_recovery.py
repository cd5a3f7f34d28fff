"""Messages that can no longer go out as queued: replies whose parent failed, lapsed leases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import OutboxMessage

_DEAD_PARENT = ("failed", "superseded")


@dataclass(frozen=True)
class Orphan:
    """A pending reply whose parent will never be sent, with why the parent was given up."""

    id: int
    method: str
    args: dict[str, Any]
    parent_field: str | None
    parent_id: int
    parent_status: str
    parent_error: str | None


async def orphans(session: AsyncSession, *, limit: int = 100) -> list[Orphan]:
    """Pending messages that thread under (or update) a message that failed or was dropped.

    The claim never returns them, so without settling they would wait forever.
    """
    child, parent = OutboxMessage, aliased(OutboxMessage)
    query = (
        select(
            child.id,
            child.method,
            child.args,
            child.parent_field,
            parent.id,
            parent.status,
            parent.last_error,
        )
        .join(parent, parent.id == child.parent_id)
        .where(child.status == "pending", parent.status.in_(_DEAD_PARENT))
        .order_by(child.id)
        .limit(limit)
    )
    return [Orphan(*row) for row in await session.execute(query)]


async def detach(
    session: AsyncSession, *, message_id: int, args: dict[str, Any], note: str
) -> None:
    """Send a reply as a message of its own (its thread never existed), noting why."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(parent_id=None, parent_field=None, args=args, last_error=note)
        .execution_options(synchronize_session=False)
    )


async def expired_sending(
    session: AsyncSession, *, now: dt.datetime | None, limit: int = 50
) -> Sequence[OutboxMessage]:
    """Messages whose sender's lease ran out (all of them with `now=None`: a restart)."""
    query = select(OutboxMessage).where(OutboxMessage.status == "sending")
    if now is not None:
        query = query.where(OutboxMessage.lease_until < now)
    return (await session.scalars(query.order_by(OutboxMessage.id).limit(limit))).all()


async def release(
    session: AsyncSession, *, message_ids: Collection[int], now: dt.datetime | None
) -> int:
    """Put messages never seen at Slack back in line; a lease renewed meanwhile is respected.

    `now=None` (a restart of the only process) releases whatever the lease says.
    """
    conditions = [OutboxMessage.id.in_(message_ids), OutboxMessage.status == "sending"]
    if now is not None:
        conditions.append(OutboxMessage.lease_until < now)
    result = await session.execute(
        update(OutboxMessage)
        .where(*conditions)
        .values(status="pending", lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def extend_leases(
    session: AsyncSession, *, message_ids: Collection[int], until: dt.datetime
) -> None:
    """Keep holding messages still being sent (or whose fate Slack could not yet tell)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.status == "sending")
        .values(lease_until=until)
        .execution_options(synchronize_session=False)
    )
