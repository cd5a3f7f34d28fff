"""Bursts: several reports on one service in a short window, each alerted once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Integer, insert, literal, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import core_table
from storage.models import Burst, BurstMember, Request
from storage.requests import OPEN_STATUSES

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


async def insert_burst(
    session: AsyncSession, *, request_ids: Collection[int], **fields: Any
) -> Burst:
    """Record a burst and the reports that set it off (flushed now: the alert's dedupe key
    names its id)."""
    members = set(request_ids)
    row = Burst(**fields, report_count=len(members))
    session.add(row)
    await session.flush()
    if members:  # one INSERT for the lot: a burst can start with hundreds
        rows = [{"burst_id": row.id, "request_id": i} for i in sorted(members)]
        await session.execute(insert(core_table(BurstMember)), rows)
    return row


async def add_reports(session: AsyncSession, *, burst_id: int, request_ids: Collection[int]) -> int:
    """Add requests to a burst's reports; returns how many joined (those not in it already).

    One INSERT ... SELECT for the lot, the same on both databases: it skips the burst's
    reports already in (a primary-key lookup of each id given, never the burst's whole list)
    and requests no longer there. The count moves by as many in the same transaction, as an
    increment the database applies, so another replica's additions are never overwritten; a
    burst loaded in this session sees its new count at once.
    """
    if not request_ids:
        return 0
    already = select(BurstMember.request_id).where(
        BurstMember.burst_id == burst_id, BurstMember.request_id == Request.id
    )
    joining = select(literal(burst_id, Integer), Request.id).where(
        Request.id.in_(request_ids), ~already.exists()
    )
    add = insert(core_table(BurstMember)).from_select(["burst_id", "request_id"], joining)
    result = await session.execute(add)
    added = int(result.rowcount)  # type: ignore[attr-defined]
    if added:
        bump = update(Burst).where(Burst.id == burst_id)
        await session.execute(bump.values(report_count=Burst.report_count + added))
    return added


async def shown_reports(
    session: AsyncSession, *, burst_id: int, first: int, last: int
) -> Sequence[Request]:
    """The burst's first `first` and last `last` reports, each once, in number order.

    What its alert and declare form show. Two short ranges of the primary key and the
    requests they name, in one statement, however long the burst.
    """
    of_burst = select(BurstMember.request_id).where(BurstMember.burst_id == burst_id)
    head = of_burst.order_by(BurstMember.request_id).limit(first).subquery()
    tail = of_burst.order_by(BurstMember.request_id.desc()).limit(last).subquery()
    ends = union(select(head.c.request_id), select(tail.c.request_id))
    query = select(Request).where(Request.id.in_(ends)).order_by(Request.number)
    return (await session.scalars(query)).all()


async def report_ids(session: AsyncSession, *, burst_id: int) -> list[int]:
    """Every report of a burst, oldest first (request ids)."""
    query = select(BurstMember.request_id).where(BurstMember.burst_id == burst_id)
    return list(await session.scalars(query.order_by(BurstMember.request_id)))


async def open_unlinked_reports(session: AsyncSession, *, burst_id: int) -> Sequence[Request]:
    """The burst's reports still open and in no outage, in number order: what declaring links.

    Resolved and already linked reports are not read at all.
    """
    query = (
        select(Request)
        .join(BurstMember, BurstMember.request_id == Request.id)
        .where(
            BurstMember.burst_id == burst_id,
            Request.outage_id.is_(None),
            Request.status.in_(OPEN_STATUSES),
        )
        .order_by(Request.number)
    )
    return (await session.scalars(query)).all()


async def get_burst(session: AsyncSession, *, burst_id: int) -> Burst | None:
    """A burst by id, as it is now."""
    query = select(Burst).where(Burst.id == burst_id).execution_options(populate_existing=True)
    return await session.scalar(query)


async def bursts_in(
    session: AsyncSession, *, start: dt.datetime, end: dt.datetime
) -> Sequence[Burst]:
    """Bursts detected in a period (after `start`, up to and including `end`), for the digest."""
    query = select(Burst).where(Burst.detected_at > start, Burst.detected_at <= end)
    return (await session.scalars(query.order_by(Burst.id))).all()
