"""The persisted outbox: Slack calls owed to people, claimed with a lease and sent in order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.base import core_table
from storage.models import OutboxMessage, Request

# Which request columns learn the channel and ts of a message once Slack has it.
_ROLE_COLUMNS = {
    "card": ("card_channel", "card_ts"),
    "partner_thread": ("partner_channel", "partner_ts"),
}
_OPEN = ("pending", "sending")


@dataclass(frozen=True)
class ClaimedMessage:
    """A message this dispatcher now holds the lease on, with its thread or target resolved."""

    id: int
    method: str
    args: dict[str, Any]
    attempts: int
    ordering_key: str
    request_id: int | None
    role: str | None
    created_at: dt.datetime | None = None


async def enqueue(
    session: AsyncSession,
    *,
    now: dt.datetime,
    method: str,
    args: dict[str, Any],
    ordering_key: str,
    request_id: int | None = None,
    parent_id: int | None = None,
    parent_field: str | None = None,
    role: str | None = None,
    dedupe_key: str | None = None,
    supersede: bool = False,
) -> OutboxMessage:
    """Queue a call in the caller's transaction; `supersede` drops older unsent ones of its role.

    The row's id is set when the transaction flushes (at commit, or before its next query).
    """
    if supersede and role:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.ordering_key == ordering_key,
                OutboxMessage.role == role,
                OutboxMessage.status == "pending",
            )
            .values(status="superseded")
            .execution_options(synchronize_session=False)
        )
    row = OutboxMessage(
        created_at=now,
        method=method,
        args=args,
        ordering_key=ordering_key,
        request_id=request_id,
        parent_id=parent_id,
        parent_field=parent_field,
        role=role,
        dedupe_key=dedupe_key,
        status="pending",
        attempts=0,
        next_attempt_at=now,
    )
    # No flush: the rows of one change go to the database together at commit (or at the
    # next query, by autoflush), as one multi-row INSERT.
    session.add(row)
    return row


async def enqueue_many(
    session: AsyncSession, messages: Sequence[dict[str, Any]], *, now: dt.datetime
) -> None:
    """Queue several new top-level calls in one statement (no parents, nothing superseded).

    Each message names method, args, ordering_key and optionally request_id, role, dedupe_key.
    """
    if not messages:
        return
    rows = [
        {
            "created_at": now,
            "request_id": None,
            "parent_id": None,
            "parent_field": None,
            "role": None,
            "dedupe_key": None,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            **message,
        }
        for message in messages
    ]
    await session.execute(insert(core_table(OutboxMessage)), rows)


async def dedupe_exists(session: AsyncSession, *, dedupe_key: str) -> bool:
    """True when a message with this key was already queued (sent or not)."""
    query = select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    return await session.scalar(query) is not None


def _claimable() -> list[Any]:
    """What makes a pending message claimable, whatever the time: the claim and the wake-up
    time share these conditions, so the dispatcher never wakes for a row it cannot take."""
    earlier = aliased(OutboxMessage)
    parent = aliased(OutboxMessage)
    head_of_line = ~exists().where(
        earlier.ordering_key == OutboxMessage.ordering_key,
        earlier.id < OutboxMessage.id,
        earlier.status.in_(_OPEN),
    )
    parent_sent = or_(
        OutboxMessage.parent_id.is_(None),
        exists().where(parent.id == OutboxMessage.parent_id, parent.status == "sent"),
    )
    return [OutboxMessage.status == "pending", head_of_line, parent_sent]


def _due_query(now: dt.datetime, limit: int, blocked_methods: Collection[str]) -> Any:
    query = select(OutboxMessage.id).where(*_claimable(), OutboxMessage.next_attempt_at <= now)
    if blocked_methods:
        query = query.where(OutboxMessage.method.not_in(blocked_methods))
    # Rows another replica is claiming right now are skipped, not waited for (PostgreSQL; on
    # SQLite there is one writer and the clause is not rendered).
    return (
        query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )


async def next_due_by_method(session: AsyncSession) -> dict[str, dt.datetime]:
    """When each method's earliest claimable message falls due (the claim's own conditions).

    Rows behind a message waiting to retry, and replies whose parent is unsent, are left out:
    they become claimable only through a change that wakes the dispatcher anyway.
    """
    query = (
        select(OutboxMessage.method, func.min(OutboxMessage.next_attempt_at))
        .where(*_claimable())
        .group_by(OutboxMessage.method)
    )
    return {row[0]: row[1] for row in (await session.execute(query)).all()}


async def next_lease_expiry(session: AsyncSession) -> dt.datetime | None:
    """When the earliest lease of a message being sent runs out (it is then recovered)."""
    query = select(func.min(OutboxMessage.lease_until)).where(OutboxMessage.status == "sending")
    value: dt.datetime | None = await session.scalar(query)
    return value


async def claim_due(
    session: AsyncSession,
    *,
    now: dt.datetime,
    lease: dt.timedelta,
    limit: int,
    blocked_methods: Collection[str] = (),
) -> list[ClaimedMessage]:
    """Take the lease on up to `limit` due messages, at most one per conversation, in order.

    Three statements whatever the batch: find, claim with RETURNING, read the parents' ts.
    """
    ids = (await session.scalars(_due_query(now, limit, blocked_methods))).all()
    if not ids:
        return []
    m = OutboxMessage
    claimed = (
        await session.execute(
            update(m)
            .where(m.id.in_(ids), m.status == "pending")  # another dispatcher may have won
            .values(status="sending", lease_until=now + lease, attempts=m.attempts + 1)
            .returning(m.id, m.method, m.args, m.attempts, m.ordering_key, m.request_id, m.role)
            .returning(m.parent_id, m.parent_field)
            .execution_options(synchronize_session=False)
        )
    ).all()
    parents = await _parent_targets(session, {r.parent_id for r in claimed if r.parent_field})
    order = {message_id: place for place, message_id in enumerate(ids)}
    return [_claimed(row, parents) for row in sorted(claimed, key=lambda r: order[r.id])]


async def _parent_targets(
    session: AsyncSession, parent_ids: set[int | None]
) -> dict[int, tuple[str | None, str | None]]:
    """Where each parent message landed (channel, ts), for replies that thread under it."""
    wanted = [p for p in parent_ids if p is not None]
    if not wanted:
        return {}
    query = select(OutboxMessage.id, OutboxMessage.slack_channel, OutboxMessage.slack_ts).where(
        OutboxMessage.id.in_(wanted)
    )
    return {row.id: (row.slack_channel, row.slack_ts) for row in await session.execute(query)}


def _claimed(row: Any, parents: dict[int, tuple[str | None, str | None]]) -> ClaimedMessage:
    args = dict(row.args)
    if row.parent_id is not None and row.parent_field:
        channel, ts = parents.get(row.parent_id, (None, None))
        args["channel"] = channel or args.get("channel")
        args[row.parent_field] = ts
    return ClaimedMessage(
        id=row.id,
        method=row.method,
        args=args,
        attempts=row.attempts,
        ordering_key=row.ordering_key,
        request_id=row.request_id,
        role=row.role,
        created_at=getattr(row, "created_at", None),
    )


async def as_claimed(session: AsyncSession, rows: Sequence[OutboxMessage]) -> list[ClaimedMessage]:
    """Stored rows with their thread or target resolved, as a claim would return them."""
    parents = await _parent_targets(session, {r.parent_id for r in rows if r.parent_field})
    return [_claimed(row, parents) for row in rows]


@dataclass(frozen=True)
class Delivered:
    """Slack's answer to one sent message: where it landed."""

    message: ClaimedMessage
    channel: str | None
    ts: str | None


async def mark_sent_many(
    session: AsyncSession, *, delivered: Sequence[Delivered], now: dt.datetime
) -> None:
    """Record a pass's sent messages; a card or partner thread's ts is copied onto its request.

    One executemany per table rather than statements per message.
    """
    if not delivered:
        return
    # Requests before outbox rows: the lock order every change to a request follows.
    for role, (channel_column, ts_column) in _ROLE_COLUMNS.items():
        learned = [
            {"id": d.message.request_id, channel_column: d.channel, ts_column: d.ts}
            for d in sorted(delivered, key=lambda d: d.message.request_id or 0)  # one order
            if d.message.role == role and d.message.request_id is not None and d.ts
        ]
        if learned:
            await session.execute(update(Request), learned)
    await session.execute(
        update(OutboxMessage),
        [
            {
                "id": d.message.id,
                "status": "sent",
                "sent_at": now,
                "lease_until": None,
                "last_error": None,
                "slack_channel": d.channel,
                "slack_ts": d.ts,
            }
            for d in delivered
        ],
    )


async def mark_sent(
    session: AsyncSession, *, message_id: int, now: dt.datetime, channel: str | None, ts: str | None
) -> None:
    """Record Slack's answer for one message (see mark_sent_many)."""
    row = await session.get_one(OutboxMessage, message_id)
    message = _claimed(row, parents={})
    await mark_sent_many(session, delivered=[Delivered(message, channel, ts)], now=now)


async def reschedule(
    session: AsyncSession, *, message_id: int, at: dt.datetime, error: str
) -> None:
    """Put a message back in line to be tried again at `at`."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status="pending", next_attempt_at=at, lease_until=None, last_error=error)
        .execution_options(synchronize_session=False)
    )


async def mark_failed(session: AsyncSession, *, message_id: int, error: str) -> list[int]:
    """Give up on a message and on everything that threads under it; returns all failed ids."""
    failed, frontier = [message_id], [message_id]
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status="failed", lease_until=None, last_error=error)
        .execution_options(synchronize_session=False)
    )
    while frontier:
        children = (
            await session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.parent_id.in_(frontier), OutboxMessage.status == "pending"
                )
            )
        ).all()
        if children:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(children))
                .values(status="failed", last_error=f"parent message {message_id} failed")
                .execution_options(synchronize_session=False)
            )
        failed.extend(children)
        frontier = list(children)
    return failed


async def depth(session: AsyncSession) -> tuple[int, dt.datetime | None]:
    """How many messages wait to be sent, and since when the oldest has waited."""
    query = select(func.count(), func.min(OutboxMessage.created_at)).where(
        OutboxMessage.status.in_(_OPEN)
    )
    count, oldest = (await session.execute(query)).one()
    return int(count), oldest


async def list_messages(
    session: AsyncSession, *, request_id: int | None = None, statuses: Collection[str] = ()
) -> Sequence[OutboxMessage]:
    """Outbox rows for inspection (tests, the CLI), oldest first."""
    query = select(OutboxMessage)
    conditions = []
    if request_id is not None:
        conditions.append(OutboxMessage.request_id == request_id)
    if statuses:
        conditions.append(OutboxMessage.status.in_(statuses))
    if conditions:
        query = query.where(and_(*conditions))
    return (await session.scalars(query.order_by(OutboxMessage.id))).all()


async def find_role_message(
    session: AsyncSession, *, request_id: int, role: str, latest: bool = False
) -> int | None:
    """The outbox id of a request's card or partner thread root, which replies hang under.

    `latest` finds the newest of a role that recurs (each resolution message, say) instead.
    """
    query = select(OutboxMessage.id).where(
        OutboxMessage.request_id == request_id, OutboxMessage.role == role
    )
    order = OutboxMessage.id.desc() if latest else OutboxMessage.id
    return await session.scalar(query.order_by(order).limit(1))
