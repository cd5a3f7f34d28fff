"""Polls, follow-ups and partners' preferences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FollowUp, PartnerPreference, Poll


async def insert_poll(session: AsyncSession, **fields: Any) -> Poll:
    """Add a poll row (open or skipped) and flush for its id."""
    row = Poll(**fields)
    session.add(row)
    await session.flush()
    return row


async def get_poll(session: AsyncSession, *, poll_id: int) -> Poll | None:
    """One poll, fresh from the database."""
    return await session.get(Poll, poll_id, populate_existing=True)


async def polled_since(session: AsyncSession, *, partner_id: str, since: dt.datetime) -> bool:
    """Whether this partner was sent a poll (not skipped) since `since`, for the cooldown."""
    query = select(Poll.id).where(
        Poll.partner_id == partner_id, Poll.created_at >= since, Poll.status != "skipped"
    )
    return await session.scalar(query.limit(1)) is not None


async def set_answer(
    session: AsyncSession, *, poll_id: int, values: dict[str, Any], now: dt.datetime
) -> bool:
    """Store answers on an open poll; False when it is no longer open."""
    result = await session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status == "open", Poll.expires_at > now)
        .values(**values, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def close_poll(session: AsyncSession, *, poll_id: int) -> bool:
    """Close a poll once; False if it was already closed."""
    result = await session.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status == "open")
        .values(status="closed")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def opted_out(session: AsyncSession, *, partner_id: str) -> bool:
    """Whether the partner asked not to be polled."""
    row = await session.get(PartnerPreference, partner_id)
    return bool(row and row.polls_opt_out)


async def set_opt_out(
    session: AsyncSession, *, partner_id: str, value: bool, now: dt.datetime
) -> None:
    """Record the partner's choice about polls."""
    row = await session.get(PartnerPreference, partner_id)
    if row is None:
        session.add(PartnerPreference(partner_id=partner_id, polls_opt_out=value, updated_at=now))
    else:
        row.polls_opt_out, row.updated_at = value, now
    await session.flush()


async def insert_follow_up(session: AsyncSession, **fields: Any) -> FollowUp:
    """Add a follow-up and flush for its id."""
    row = FollowUp(**fields)
    session.add(row)
    await session.flush()
    return row


async def follow_up_for_poll(session: AsyncSession, *, poll_id: int) -> FollowUp | None:
    """The follow-up a poll already raised, if any."""
    return await session.scalar(select(FollowUp).where(FollowUp.poll_id == poll_id))


async def get_follow_up(session: AsyncSession, *, follow_up_id: int) -> FollowUp | None:
    """One follow-up, fresh from the database."""
    return await session.get(FollowUp, follow_up_id, populate_existing=True)


async def take_follow_up(
    session: AsyncSession, *, follow_up_id: int, owner_id: str, now: dt.datetime
) -> bool:
    """Make `owner_id` the owner if nobody owns it yet; exactly one supervisor wins."""
    result = await session.execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up_id, FollowUp.owner_id.is_(None))
        .values(owner_id=owner_id, taken_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def finish_follow_up(session: AsyncSession, *, follow_up_id: int, now: dt.datetime) -> bool:
    """Mark a follow-up done once."""
    result = await session.execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up_id, FollowUp.done_at.is_(None))
        .values(done_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def open_follow_ups(session: AsyncSession, *, limit: int = 200) -> Sequence[FollowUp]:
    """Follow-ups not yet done, the most overdue first."""
    query = select(FollowUp).where(FollowUp.done_at.is_(None)).order_by(FollowUp.due_at)
    return (await session.scalars(query.limit(limit))).all()


@dataclass(frozen=True)
class PollCounts:
    """Aggregates of the polls created in a period (computed in SQL).

    Every closing that calls for a poll leaves a row: `sent` were shown to the partner,
    `skipped` were not (opted out, polled lately, sampled out); together they are the
    eligible closings that OMB Circular A-11 section 280 asks agencies to report.
    """

    sent: int
    answered: int
    skipped: int
    ratings: dict[int, int]
    informed: dict[str, int]
    average_rating: float | None

    @property
    def eligible(self) -> int:
        """Closings that called for a poll, shown or not."""
        return self.sent + self.skipped


async def poll_counts(
    session: AsyncSession, *, since: dt.datetime, until: dt.datetime
) -> PollCounts:
    """Response rate, score distribution and "kept informed" answers of polls in (since, until].

    The same period rule as every other figure (see `storage.digests`): a poll made this
    minute is counted in a period ending now.
    """
    period = (Poll.created_at > since, Poll.created_at <= until)
    sent_or_skipped = await session.execute(
        select(
            func.sum(case((Poll.status != "skipped", 1), else_=0)),
            func.sum(case((Poll.status == "skipped", 1), else_=0)),
            func.sum(case((Poll.answered_at.is_not(None), 1), else_=0)),
            func.avg(Poll.rating),
        ).where(*period)
    )
    sent, skipped, answered, average = sent_or_skipped.one()
    ratings = await session.execute(
        select(Poll.rating, func.count())
        .where(*period, Poll.rating.is_not(None))
        .group_by(Poll.rating)
    )
    informed = await session.execute(
        select(Poll.informed, func.count())
        .where(*period, Poll.informed.is_not(None))
        .group_by(Poll.informed)
    )
    return PollCounts(
        sent=int(sent or 0),
        answered=int(answered or 0),
        skipped=int(skipped or 0),
        ratings={int(r or 0): int(c) for r, c in ratings.all()},
        informed={str(k): int(c) for k, c in informed.all()},
        average_rating=float(average) if average is not None else None,
    )


async def polls_for_request(session: AsyncSession, *, request_id: int) -> Sequence[Poll]:
    """A request's polls that were sent (not skipped), oldest first."""
    query = (
        select(Poll)
        .where(Poll.request_id == request_id, Poll.status != "skipped")
        .order_by(Poll.id)
    )
    return (await session.scalars(query)).all()
