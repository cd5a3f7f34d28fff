"""Promised updates to a partner: when to nudge, what a lapse means, what to promise next.

Pure rules over plain values, tested without a database. The ladder's own steps, and when a
partner may be sent a "no news" message, are in `bot.domain.escalation`; this module puts
them together for one lapsed promise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.calendar import BusinessCalendar
from bot.domain.escalation import (
    DEFAULT_LADDER,
    LadderRules,
    next_partner_promise,
    next_partner_window,
    partner_may_hear,
    told_on_day,
)
from bot.domain.levels import ServiceLevel
from bot.domain.targets import Target, later, target_timers
from bot.domain.timers import TimerKind, Timing

LAPSED = "promise_lapsed"  # the history kind of a promise that passed without an update
PARTNER_NOTICE = "promise_notice"  # a deferred "no news" message about an earlier lapse
PARTNER_TOLD = (LAPSED, PARTNER_NOTICE)  # visible ones count against the daily allowance
PROMISE_TIMERS = (TimerKind.PROMISE_NUDGE, TimerKind.PROMISE_LAPSE, TimerKind.PROMISE_ESCALATE)
NO_LEVEL_CADENCE = timedelta(days=1)  # a service gone from the catalogue: promise a day


def ladder_rules(level: ServiceLevel | None) -> LadderRules:
    """The ladder of a level, or the default one when the service has left the catalogue."""
    return level.ladder if level else DEFAULT_LADDER


def cadence_due(calendar: BusinessCalendar, level: ServiceLevel | None, now: datetime) -> datetime:
    """When the next update is owed after one sent `now`, at the level's rhythm."""
    if level is None:
        return now + NO_LEVEL_CADENCE
    return later(calendar, level, now, level.update_every)


def nudge_at(promise: datetime, *, now: datetime, lead: timedelta) -> datetime | None:
    """When to remind whoever made a promise: `lead` before it, or a quarter of the time left.

    None when there is no time left for a reminder.
    """
    at = max(now, promise - min(lead, (promise - now) / 4))
    return at if at < promise else None


def promise_timers(
    promise: datetime | None, *, now: datetime, lead: timedelta, episode: bool = False
) -> list[Timing]:
    """The nudge before a promised update and its lapse; no nudge once the ladder climbs."""
    if promise is None:
        return []
    nudge = None if episode else nudge_at(promise, now=now, lead=lead)
    nudged = [(TimerKind.PROMISE_NUDGE, nudge)] if nudge is not None else []
    return [*nudged, (TimerKind.PROMISE_LAPSE, promise)]


@dataclass(frozen=True, kw_only=True)
class Opening:
    """A new request's targets and first promise, as filed."""

    opened_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    next_update_due: datetime | None


def opening_timers(
    calendar: BusinessCalendar,
    level: ServiceLevel | None,
    request: Opening,
    *,
    lead: float,
    nudge_lead: timedelta,
) -> list[Timing]:
    """The timers a new request starts with: each target's warning and breach, the promise."""
    start = request.opened_at
    return [
        *target_timers(
            calendar,
            level,
            Target.FIRST_RESPONSE,
            due=request.first_response_due,
            start=start,
            lead=lead,
        ),
        *target_timers(
            calendar, level, Target.RESOLUTION, due=request.resolution_due, start=start, lead=lead
        ),
        *promise_timers(request.next_update_due, now=start, lead=nudge_lead),
    ]


@dataclass(frozen=True, kw_only=True)
class Lapse:
    """What a promise that passed without an update means now."""

    missed: datetime  # the promised time that passed
    first_seen: bool  # the lapse itself, not a notice about it held back earlier
    starts_ladder: bool  # the first lapse of an episode of neglect sets the ladder going
    tell_partner: bool  # within the day's allowance and, unless 24/7, working hours
    retry_at: datetime | None  # when the partner may be told instead, if not now
    next_promise: datetime | None  # the time to promise in the message, if told now


def lapse(
    calendar: BusinessCalendar,
    level: ServiceLevel | None,
    *,
    now: datetime,
    promised: datetime,
    held_back: datetime | None,
    episode: bool,
    told: Iterable[datetime],
) -> Lapse:
    """Decide about a lapsed promise; `held_back` is the missed time of a notice held back.

    `told` are the moments the partner was sent automated notices. The ladder starts only at
    the first lapse of an episode; the partner hears the truth at most as often as the day's
    allowance lets, and the promise in that message is one the allowance lets us keep.
    """
    rules = ladder_rules(level)
    told_today = told_on_day(calendar, told, now)
    may = partner_may_hear(rules, calendar, now=now, told_today=told_today)
    window = None if may else next_partner_window(rules, calendar, now=now, told_today=told_today)
    promise = (
        next_partner_promise(
            rules,
            calendar,
            now=now,
            cadence_due=cadence_due(calendar, level, now),
            told_today=told_today + 1,
        )
        if may
        else None
    )
    return Lapse(
        missed=held_back or promised,
        first_seen=held_back is None,
        starts_ladder=not episode,
        tell_partner=may,
        retry_at=window,
        next_promise=promise,
    )


def kept(*, pending: bool, promised: datetime | None, now: datetime) -> bool:
    """An update that came while its promise was pending and not yet due keeps the promise."""
    return pending and promised is not None and now <= promised
