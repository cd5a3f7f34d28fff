"""The digests' figures, aggregated in SQL over indexed ranges, and the periods already sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import outage_events
from storage.models import DigestSent, FollowUp, Poll, Request, RequestEvent
from storage.polls import PollCounts, poll_counts
from storage.requests import OPEN_STATUSES

LIST_LIMIT = 10  # request numbers fetched behind each figure; the total is counted apart
CLOSINGS = ("confirm", "auto_close", "solved_by_fix")
BREACHES = ("first_response_breached", "resolution_breached")
# The escalation ladder's history kinds (bot.domain.escalation): every lapse that climbs past
# the assignee reaches the triage channel exactly once, so that count is the escalations.
PROMISE_KINDS = ("promise_kept", "promise_lapsed")
ESCALATED, TO_SUPERVISORS = "promise_escalated_triage", "promise_escalated_supervisors"
ANSWERED = "promise_answered"


@dataclass(frozen=True)
class Numbers:
    """How many requests, and the numbers of the first few of them (in time order)."""

    total: int
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class LowRating:
    """A low poll answer and the request it was about."""

    number: int
    rating: int
    comment: str


@dataclass(frozen=True)
class PeriodCounts:
    """What happened in one period (since, until]."""

    new: Numbers
    high_priority_new: int
    resolved: Numbers
    closed: Numbers
    reopened: Numbers
    first_responses: int
    first_responses_in_time: int
    first_response_breached: Numbers
    resolutions_in_time: int
    resolution_breached: Numbers
    promises_kept: int
    promises_lapsed: int
    promises_escalated: int  # lapsed promises that reached the triage channel or supervisors
    promises_to_supervisors: int
    promises_answered: int  # escalated promises someone then acted on
    outage_promises: dict[str, int]  # the outages' ledger: "promise_kept", "promise_lapsed"
    polls: PollCounts
    low_ratings: tuple[LowRating, ...]
    services: tuple[tuple[str, int], ...]
    resolved_by: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class OpenCounts:
    """The queue at one moment."""

    by_priority_age: dict[tuple[str, int], int]  # (priority, band 0 <1d, 1 1-7d, 2 >7d) → count
    unclaimed: Numbers
    oldest_unclaimed: tuple[int, dt.datetime] | None
    open_by_assignee: tuple[tuple[str, int], ...]
    follow_ups_open: int
    follow_ups_overdue: int


def _in(column: Any, since: dt.datetime, until: dt.datetime) -> list[ColumnElement[bool]]:
    """The one period rule of every figure: after `since`, up to and including `until`.

    A period ends at "now" and includes it, so what happened this very minute is counted;
    consecutive periods (each daily digest's start is the previous one's end) never overlap.
    """
    return [column > since, column <= until]


async def _event_requests(
    session: AsyncSession,
    *,
    kinds: Collection[str],
    since: dt.datetime,
    until: dt.datetime,
    limit: int,
) -> Numbers:
    """Distinct requests with an event of these kinds in the period (kind, at index)."""
    period = (RequestEvent.kind.in_(kinds), *_in(RequestEvent.at, since, until))
    total = await session.scalar(
        select(func.count(func.distinct(RequestEvent.request_id))).where(*period)
    )
    # In the order they happened: the plan starts from the events' (kind, at) index range
    # (ordering by number lets PostgreSQL walk every request by number instead).
    first = func.min(RequestEvent.at)
    numbers = await session.scalars(
        select(Request.number)
        .join(RequestEvent, RequestEvent.request_id == Request.id)
        .where(*period)
        .group_by(Request.number)
        .order_by(first, Request.number)
        .limit(limit)
    )
    return Numbers(int(total or 0), tuple(numbers.all()))


async def _event_counts(
    session: AsyncSession, *, kinds: Collection[str], since: dt.datetime, until: dt.datetime
) -> dict[str, int]:
    rows = await session.execute(
        select(RequestEvent.kind, func.count())
        .where(RequestEvent.kind.in_(kinds), *_in(RequestEvent.at, since, until))
        .group_by(RequestEvent.kind)
    )
    return {str(kind): int(count) for kind, count in rows.all()}


async def _new(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime, limit: int
) -> tuple[Numbers, int, tuple[tuple[str, int], ...]]:
    period = _in(Request.opened_at, since, until)
    high = func.sum(case((Request.priority.in_(("P1", "P2")), 1), else_=0)).cast(Integer)
    total, high_count = (await session.execute(select(func.count(), high).where(*period))).one()
    numbers = await session.scalars(
        select(Request.number).where(*period).order_by(Request.opened_at, Request.id).limit(limit)
    )
    services = await session.execute(
        select(Request.service_id, func.count().label("n"))
        .where(*period)
        .group_by(Request.service_id)
        .order_by(func.count().desc(), Request.service_id)
        .limit(limit)
    )
    return (
        Numbers(int(total or 0), tuple(numbers.all())),
        int(high_count or 0),
        tuple((str(s), int(n)) for s, n in services.all()),
    )


async def _first_responses(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> tuple[int, int]:
    """First responses given in the period, and how many came before the target."""
    in_time = case((Request.first_response_breached_at.is_(None), 1), else_=0)
    row = await session.execute(
        select(func.count(), func.sum(in_time).cast(Integer)).where(
            *_in(Request.first_responded_at, since, until)
        )
    )
    total, met = row.one()
    return int(total or 0), int(met or 0)


async def _resolutions_in_time(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> int:
    """Requests resolved in the period whose resolution target never breached."""
    resolved = select(RequestEvent.request_id).where(
        RequestEvent.kind == "resolve", *_in(RequestEvent.at, since, until)
    )
    return int(
        await session.scalar(
            select(func.count()).where(
                Request.id.in_(resolved), Request.resolution_breached_at.is_(None)
            )
        )
        or 0
    )


async def _low_ratings(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime, limit: int
) -> tuple[LowRating, ...]:
    rows = await session.execute(
        select(Request.number, Poll.rating, Poll.comment)
        .join(Request, Request.id == Poll.request_id)
        .where(*_in(Poll.created_at, since, until), Poll.rating.is_not(None), Poll.rating <= 3)
        .order_by(Poll.rating, Request.number)
        .limit(limit)
    )
    return tuple(LowRating(int(n), int(r or 0), str(c or "")) for n, r, c in rows.all())


async def _resolved_by(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> tuple[tuple[str, int], ...]:
    rows = await session.execute(
        select(RequestEvent.actor_id, func.count(func.distinct(RequestEvent.request_id)))
        .where(
            RequestEvent.kind == "resolve",
            RequestEvent.actor_id.is_not(None),
            *_in(RequestEvent.at, since, until),
        )
        .group_by(RequestEvent.actor_id)
    )
    return tuple((str(a), int(n)) for a, n in rows.all())


async def period_counts(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime, limit: int = LIST_LIMIT
) -> PeriodCounts:
    """Everything the figures say about the period (since, until], counted by the database."""
    new, high, services = await _new(session, since=since, until=until, limit=limit)
    promises = await _event_counts(
        session,
        kinds=(*PROMISE_KINDS, ESCALATED, TO_SUPERVISORS, ANSWERED),
        since=since,
        until=until,
    )
    responses, responses_in_time = await _first_responses(session, since=since, until=until)
    return PeriodCounts(
        new=new,
        high_priority_new=high,
        resolved=await _event_requests(
            session, kinds=("resolve",), since=since, until=until, limit=limit
        ),
        closed=await _event_requests(
            session, kinds=CLOSINGS, since=since, until=until, limit=limit
        ),
        reopened=await _event_requests(
            session, kinds=("reopen",), since=since, until=until, limit=limit
        ),
        first_responses=responses,
        first_responses_in_time=responses_in_time,
        first_response_breached=await _event_requests(
            session, kinds=(BREACHES[0],), since=since, until=until, limit=limit
        ),
        resolutions_in_time=await _resolutions_in_time(session, since=since, until=until),
        resolution_breached=await _event_requests(
            session, kinds=(BREACHES[1],), since=since, until=until, limit=limit
        ),
        promises_kept=promises.get("promise_kept", 0),
        promises_lapsed=promises.get("promise_lapsed", 0),
        promises_escalated=promises.get(ESCALATED, 0),
        promises_to_supervisors=promises.get(TO_SUPERVISORS, 0),
        promises_answered=promises.get(ANSWERED, 0),
        outage_promises=await outage_events.counts(
            session, kinds=PROMISE_KINDS, since=since, until=until
        ),
        polls=await poll_counts(session, since=since, until=until),
        low_ratings=await _low_ratings(session, since=since, until=until, limit=3),
        services=services,
        resolved_by=await _resolved_by(session, since=since, until=until),
    )


async def open_counts(
    session: AsyncSession, *, now: dt.datetime, limit: int = LIST_LIMIT
) -> OpenCounts:
    """The queue now: open requests by priority and age, unclaimed ones, follow-ups."""
    band = case(
        (Request.opened_at > now - dt.timedelta(days=1), 0),
        (Request.opened_at > now - dt.timedelta(days=7), 1),
        else_=2,
    )
    grouped = await session.execute(
        select(Request.priority, band, func.count())
        .where(Request.status.in_(OPEN_STATUSES))
        .group_by(Request.priority, band)
    )
    unclaimed_where = (Request.status == "new", Request.assignee_id.is_(None))
    unclaimed = int(await session.scalar(select(func.count()).where(*unclaimed_where)) or 0)
    oldest = await session.execute(
        select(Request.number, Request.opened_at)
        .where(*unclaimed_where)
        .order_by(Request.opened_at, Request.id)
        .limit(limit)
    )
    oldest_rows = [(int(n), at) for n, at in oldest.all()]
    assignees = await session.execute(
        select(Request.assignee_id, func.count())
        .where(Request.status.in_(OPEN_STATUSES), Request.assignee_id.is_not(None))
        .group_by(Request.assignee_id)
    )
    overdue = func.sum(case((FollowUp.due_at < now, 1), else_=0)).cast(Integer)
    follow_ups, late = (
        await session.execute(select(func.count(), overdue).where(FollowUp.done_at.is_(None)))
    ).one()
    return OpenCounts(
        by_priority_age={(str(p), int(b)): int(c) for p, b, c in grouped.all()},
        unclaimed=Numbers(unclaimed, tuple(n for n, _ in oldest_rows)),
        oldest_unclaimed=oldest_rows[0] if oldest_rows else None,
        open_by_assignee=tuple((str(a), int(c)) for a, c in assignees.all()),
        follow_ups_open=int(follow_ups or 0),
        follow_ups_overdue=int(late or 0),
    )


async def was_sent(session: AsyncSession, *, kind: str, period_start: dt.datetime) -> bool:
    """True when this kind of digest has already been sent for the period starting then."""
    found = await session.scalar(
        select(DigestSent.id).where(
            DigestSent.kind == kind, DigestSent.period_start == period_start
        )
    )
    return found is not None


async def record_sent(
    session: AsyncSession,
    *,
    kind: str,
    period_start: dt.datetime,
    period_end: dt.datetime,
    now: dt.datetime,
) -> None:
    """Record a period as sent, in the transaction that queues its messages.

    The (kind, period_start) unique constraint makes a second replica's insert fail, so its
    transaction, messages included, rolls back.
    """
    session.add(
        DigestSent(kind=kind, period_start=period_start, period_end=period_end, sent_at=now)
    )
    await session.flush()
