"""The escalation ladder: when a promise to a partner lapses, climb instead of repeating.

Pure rules, so they can be tested without a database: which rung comes next and when, how
far the ladder has climbed (read back from a request's history), and whether the partner may
be sent an automated "no news" message now or only later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum

from bot.domain.calendar import BusinessCalendar


class Rung(IntEnum):
    """Who hears of a lapsed promise, in the order the ladder climbs."""

    ASSIGNEE = 1
    TRIAGE = 2
    SUPERVISORS = 3

    @property
    def event(self) -> str:
        """The history kind recording that this rung was told."""
        return f"promise_escalated_{self.name.lower()}"


RUNG_EVENTS = {rung.event: rung for rung in Rung}
ANSWERED = "promise_answered"  # someone acted after the ladder climbed past the assignee
ESCALATIONS = (Rung.TRIAGE.event, Rung.SUPERVISORS.event)


@dataclass(frozen=True, kw_only=True)
class LadderRules:
    """One priority's ladder: the time between rungs and the partner's daily allowance."""

    step_after: timedelta
    partner_notices_per_day: int
    around_the_clock: bool


DEFAULT_LADDER = LadderRules(
    step_after=timedelta(hours=1), partner_notices_per_day=3, around_the_clock=False
)
"""The ladder of a request whose service has left the catalogue."""


def first_rung(*, assigned: bool) -> Rung:
    """The assignee first; when nobody has claimed the request, the triage channel."""
    return Rung.ASSIGNEE if assigned else Rung.TRIAGE


def next_rung(rung: Rung) -> Rung | None:
    """The rung above `rung`, or None at the top: the ladder never repeats itself."""
    return Rung(rung + 1) if rung < Rung.SUPERVISORS else None


def next_step_at(rules: LadderRules, calendar: BusinessCalendar, after: datetime) -> datetime:
    """When the next rung hears, counting business time unless the priority runs 24/7."""
    return calendar.add(after, rules.step_after, around_the_clock=rules.around_the_clock)


def climbed(kinds: Iterable[str]) -> Rung | None:
    """The highest rung told since the ladder last started, from history kinds in order."""
    rung: Rung | None = None
    for kind in kinds:
        if kind in RUNG_EVENTS:
            rung = max(rung or Rung.ASSIGNEE, RUNG_EVENTS[kind])
        elif kind in (ANSWERED, "promise_kept"):
            rung = None
    return rung


def told_on_day(calendar: BusinessCalendar, told: Iterable[datetime], now: datetime) -> int:
    """How many automated notices went to the partner on the shop's calendar day of `now`."""
    today = _local_day(calendar, now)
    return sum(1 for moment in told if _local_day(calendar, moment) == today)


def partner_may_hear(
    rules: LadderRules, calendar: BusinessCalendar, *, now: datetime, told_today: int
) -> bool:
    """Within the day's allowance, and inside working hours unless the priority runs 24/7."""
    if told_today >= rules.partner_notices_per_day:
        return False
    return rules.around_the_clock or calendar.is_working_time(now)


def next_partner_window(
    rules: LadderRules, calendar: BusinessCalendar, *, now: datetime, told_today: int
) -> datetime:
    """The earliest moment at or after `now` when the partner may be sent a notice."""
    if partner_may_hear(rules, calendar, now=now, told_today=told_today):
        return now
    if told_today >= rules.partner_notices_per_day:
        return _next_day_opening(rules, calendar, now)
    return calendar.add(now, timedelta(0))


def next_partner_promise(
    rules: LadderRules,
    calendar: BusinessCalendar,
    *,
    now: datetime,
    cadence_due: datetime,
    told_today: int,
) -> datetime:
    """The time to promise in a notice that is the `told_today`-th of the day.

    The last notice a day allows promises no earlier than the next day's opening, so the
    partner is never promised a message the allowance would then forbid.
    """
    if told_today < rules.partner_notices_per_day:
        return cadence_due
    return max(cadence_due, _next_day_opening(rules, calendar, now))


def _next_day_opening(rules: LadderRules, calendar: BusinessCalendar, now: datetime) -> datetime:
    """The start of the next day's hours (the next working day's unless the priority is 24/7)."""
    tomorrow = _local_day(calendar, now) + timedelta(days=1)
    midnight = datetime.combine(tomorrow, datetime.min.time(), tzinfo=calendar.timezone)
    if rules.around_the_clock:
        opening = datetime.combine(tomorrow, calendar.day_start, tzinfo=calendar.timezone)
        return opening.astimezone(UTC)
    return calendar.add(midnight.astimezone(UTC), timedelta(0))


def _local_day(calendar: BusinessCalendar, moment: datetime) -> date:
    return moment.astimezone(calendar.timezone).date()
