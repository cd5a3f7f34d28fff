"""What the App Home needs: who has opened it, stale marks, and a few small aggregates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import HomeViewer, Request, RequestEvent
from storage.requests import OPEN_STATUSES

CLOSED_STATUSES = ("resolved", "closed", "withdrawn")
# History kinds that end (or pause at "resolved") a request; the latest says how it closed.
CLOSING_KINDS = ("resolve", "confirm", "auto_close", "withdraw", "solved_by_fix")


@dataclass(frozen=True)
class QueueState:
    """What the team's Homes show at a glance: when it moves, their Homes are out of date."""

    open: int
    last_event: int | None  # every change to a request appends to its history
    near_breach: int


TEAM_AUDIENCES = ("technician", "supervisor")


async def queue_state(session: AsyncSession, *, until: dt.datetime) -> QueueState:
    """Open requests, the latest history entry, and how many are near a breach.

    Index lookups only (status, and the history's primary key), so a year of closed requests
    costs nothing.
    """
    open_now = select(func.count()).select_from(Request).where(Request.status.in_(OPEN_STATUSES))
    near = select(func.count()).select_from(Request).where(_due_soon(until))
    return QueueState(
        int(await session.scalar(open_now) or 0),
        await session.scalar(select(func.max(RequestEvent.id))),
        int(await session.scalar(near) or 0),
    )


async def set_audience(session: AsyncSession, *, user_id: str, audience: str) -> None:
    """Remember whose Home this person has (their role can change with channel membership)."""
    await session.execute(
        update(HomeViewer)
        .where(HomeViewer.user_id == user_id)
        .values(audience=audience)
        .execution_options(synchronize_session=False)
    )


async def mark_team_stale(session: AsyncSession) -> int:
    """The shared queue moved: every technician's and supervisor's Home is out of date."""
    result = await session.execute(
        update(HomeViewer)
        .where(HomeViewer.audience.in_(TEAM_AUDIENCES))
        .values(refresh_pending=HomeViewer.refresh_pending + 1)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def mark_all_stale(session: AsyncSession) -> int:
    """Something everyone's Home shows moved (the current outages): all are out of date."""
    result = await session.execute(
        update(HomeViewer)
        .values(refresh_pending=HomeViewer.refresh_pending + 1)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def record_viewer(session: AsyncSession, *, user_id: str, now: dt.datetime) -> int:
    """Remember that this person has opened the Home; returns their stale mark (0 when new)."""
    query = select(HomeViewer.refresh_pending).where(HomeViewer.user_id == user_id)
    pending = await session.scalar(query)
    if pending is not None:
        return int(pending)
    try:
        async with session.begin_nested():
            session.add(HomeViewer(user_id=user_id, first_opened_at=now, refresh_pending=0))
    except IntegrityError:  # opened twice at once: the other one recorded it
        pass
    return 0


async def count_open_for_partner(session: AsyncSession, *, partner_id: str) -> int:
    """How many open requests a partner has."""
    query = select(func.count()).where(
        Request.partner_id == partner_id, Request.status.in_(OPEN_STATUSES)
    )
    return int(await session.scalar(query) or 0)


async def count_unclaimed(session: AsyncSession, *, channels: Collection[str]) -> int:
    """How many open requests nobody has claimed in these triage channels."""
    query = select(func.count()).where(
        Request.card_channel.in_(channels),
        Request.assignee_id.is_(None),
        Request.status.in_(OPEN_STATUSES),
    )
    return int(await session.scalar(query) or 0)


async def count_assigned(session: AsyncSession, *, assignee_id: str) -> int:
    """How many open requests one technician has."""
    query = select(func.count()).where(
        Request.assignee_id == assignee_id, Request.status.in_(OPEN_STATUSES)
    )
    return int(await session.scalar(query) or 0)


async def mark_stale(session: AsyncSession, *, user_ids: Collection[str | None]) -> None:
    """Note that these people's Homes are out of date (people who never opened one are skipped)."""
    wanted = sorted({u for u in user_ids if u})
    if not wanted:
        return
    await session.execute(
        update(HomeViewer)
        .where(HomeViewer.user_id.in_(wanted))
        .values(refresh_pending=HomeViewer.refresh_pending + 1)
        .execution_options(synchronize_session=False)
    )


async def stale_viewers(session: AsyncSession, *, limit: int) -> list[tuple[str, int]]:
    """Viewers whose Home is out of date, with the mark the refresher must clear afterwards."""
    query = (
        select(HomeViewer.user_id, HomeViewer.refresh_pending)
        .where(HomeViewer.refresh_pending > 0)
        .order_by(HomeViewer.user_id)
        .limit(limit)
    )
    return [(str(user), int(pending)) for user, pending in (await session.execute(query)).all()]


async def clear_stale(session: AsyncSession, *, user_id: str, seen: int) -> None:
    """Clear a stale mark, unless another change arrived while the Home was being rendered."""
    await session.execute(
        update(HomeViewer)
        .where(HomeViewer.user_id == user_id, HomeViewer.refresh_pending == seen)
        .values(refresh_pending=0)
        .execution_options(synchronize_session=False)
    )


async def recently_closed(
    session: AsyncSession, *, partner_id: str, limit: int
) -> list[tuple[Request, str | None]]:
    """A partner's latest finished requests, each with the history kind that finished it."""
    how = (
        select(RequestEvent.kind)
        .where(RequestEvent.request_id == Request.id, RequestEvent.kind.in_(CLOSING_KINDS))
        .order_by(RequestEvent.id.desc())
        .limit(1)
        .correlate(Request)
        .scalar_subquery()
    )
    finished = func.coalesce(Request.closed_at, Request.resolved_at, Request.updated_at)
    query = (
        select(Request, how)
        .where(Request.partner_id == partner_id, Request.status.in_(CLOSED_STATUSES))
        .order_by(finished.desc(), Request.id.desc())
        .limit(limit)
    )
    return [(row, kind) for row, kind in (await session.execute(query)).all()]


def _due_soon(until: dt.datetime) -> Any:
    """Open, and breached or due before `until`."""
    due_soon = or_(
        Request.first_response_breached_at.is_not(None),
        Request.resolution_breached_at.is_not(None),
        and_(Request.first_responded_at.is_(None), Request.first_response_due <= until),
        # A paused clock (waiting on the partner) does not run towards its resolution target.
        and_(Request.paused_at.is_(None), Request.resolution_due <= until),
    )
    return and_(Request.status.in_(OPEN_STATUSES), due_soon)


def _near_breach(channels: Collection[str], assignee_id: str, until: dt.datetime) -> Any:
    mine_or_theirs = or_(Request.card_channel.in_(channels), Request.assignee_id == assignee_id)
    return and_(mine_or_theirs, _due_soon(until))


async def near_breach(
    session: AsyncSession,
    *,
    channels: Collection[str],
    assignee_id: str,
    until: dt.datetime,
    limit: int,
) -> tuple[Sequence[Request], int]:
    """Open requests of these channels (or this assignee) breached or due before `until`.

    Returns the first `limit`, soonest due first, and how many there are in all.
    """
    where = _near_breach(channels, assignee_id, until)
    # LEAST() is spelled min() on SQLite; a CASE says the same on every dialect.
    soonest = case(
        (Request.first_response_due < Request.resolution_due, Request.first_response_due),
        else_=Request.resolution_due,
    )
    rows = await session.scalars(
        select(Request).where(where).order_by(soonest, Request.id).limit(limit)
    )
    total = await session.scalar(select(func.count()).select_from(Request).where(where))
    return rows.all(), int(total or 0)
