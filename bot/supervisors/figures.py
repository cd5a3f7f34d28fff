"""Every supervisor figure from one place: digests, `/request stats`, the App Home, the export.

Each surface asks `measure` (or `build_digest`) for a `Period`; the counting is done once, in
`storage.digests`, and the rules that turn counts into rates are in `bot.domain.digest`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.awareness import burst_figures
from bot.domain.digest import (
    AgeCounts,
    Digest,
    DigestKind,
    Listed,
    LowScore,
    Period,
    PeriodFigures,
    QueueFigures,
    Rate,
    TechnicianLine,
    target_rate,
)
from bot.domain.fixes import FixFigures
from storage import bursts, digests, fixes
from storage.digests import Numbers, OpenCounts, PeriodCounts

PRIORITIES = ("P1", "P2", "P3", "P4")
Names = Callable[[str], str]


async def measure(session: AsyncSession, *, period: Period, names: Names) -> PeriodFigures:
    """What happened in `period` (its end included), as every surface reports it."""
    counts = await digests.period_counts(session, since=period.start, until=period.end)
    return await _with_awareness(session, period_figures(counts, names=names), period)


async def build_digest(
    session: AsyncSession,
    *,
    kind: DigestKind,
    period: Period,
    now: dt.datetime,
    names: Names,
    command: str = "/request",
) -> Digest:
    """The period's figures beside the previous period's, and the queue now, from SQL counts."""
    before = period.before()
    current = await digests.period_counts(session, since=period.start, until=period.end)
    previous = await measure(session, period=before, names=names)
    queue = await digests.open_counts(session, now=now)
    figures = await _with_awareness(session, period_figures(current, names=names), period)
    return Digest(
        kind=kind,
        period=period,
        current=figures,
        previous=previous,
        queue=_queue_figures(queue),
        technicians=_technicians(queue, current, figures.fixes),
        command=command,
    )


async def _with_awareness(
    session: AsyncSession, figures: PeriodFigures, period: Period
) -> PeriodFigures:
    """Add the period's suspected outages and the partners answered by shared fixes."""
    rows = await bursts.bursts_in(session, start=period.start, end=period.end)
    counted = burst_figures([(r.status, r.first_report_at, r.decided_at) for r in rows])
    answered = await fixes.fix_counts(session, since=period.start, until=period.end)
    return replace(
        figures,
        bursts=counted,
        fixes=FixFigures(answered.before_filing, answered.after_filing, answered.by_author),
    )


def period_figures(counts: PeriodCounts, *, names: Names) -> PeriodFigures:
    """The storage counts of one period as the digest's read model."""
    polls = counts.polls
    informed_yes = polls.informed.get("yes", 0)
    return PeriodFigures(
        new=_listed(counts.new),
        high_priority_new=counts.high_priority_new,
        resolved=_listed(counts.resolved),
        closed=_listed(counts.closed),
        reopened=_listed(counts.reopened),
        first_response=target_rate(
            counts.first_responses_in_time, counts.first_response_breached.total
        ),
        first_response_breached=_listed(counts.first_response_breached),
        resolution=target_rate(counts.resolutions_in_time, counts.resolution_breached.total),
        resolution_breached=_listed(counts.resolution_breached),
        promises_kept=counts.promises_kept,
        promises_lapsed=counts.promises_lapsed,
        promises_escalated=counts.promises_escalated,
        promises_to_supervisors=counts.promises_to_supervisors,
        promises_answered=counts.promises_answered,
        outage_updates_kept=counts.outage_promises.get("promise_kept", 0),
        outage_updates_lapsed=counts.outage_promises.get("promise_lapsed", 0),
        polls_eligible=polls.eligible,
        polls_sent=polls.sent,
        polls_answered=polls.answered,
        average_rating=polls.average_rating,
        informed=Rate(informed_yes, sum(polls.informed.values())),
        low_scores=tuple(LowScore(r.number, r.rating, r.comment) for r in counts.low_ratings),
        services=tuple((names(s), n) for s, n in counts.services),
        resolved_by=dict(counts.resolved_by),
    )


def _listed(numbers: Numbers) -> Listed:
    return Listed(numbers.total, numbers.numbers)


def _queue_figures(counts: OpenCounts) -> QueueFigures:
    grouped = counts.by_priority_age
    by_priority = tuple(
        AgeCounts(p, (grouped.get((p, 0), 0), grouped.get((p, 1), 0), grouped.get((p, 2), 0)))
        for p in PRIORITIES
        if any(grouped.get((p, band), 0) for band in range(3))
    )
    return QueueFigures(
        by_priority=by_priority,
        unclaimed=_listed(counts.unclaimed),
        oldest_unclaimed=counts.oldest_unclaimed,
        follow_ups_open=counts.follow_ups_open,
        follow_ups_overdue=counts.follow_ups_overdue,
    )


def _technicians(
    queue: OpenCounts, current: PeriodCounts, answered: FixFigures
) -> tuple[TechnicianLine, ...]:
    """Each technician's open and resolved requests, and partners their shared fixes answered."""
    open_by = dict(queue.open_by_assignee)
    resolved_by = dict(current.resolved_by)
    credit = dict(answered.by_author)
    lines = [
        TechnicianLine(user, open_by.get(user, 0), resolved_by.get(user, 0), credit.get(user, 0))
        for user in set(open_by) | set(resolved_by) | set(credit)
    ]
    return tuple(sorted(lines, key=lambda t: (-(t.open + t.resolved + t.fixes), t.user_id)))
