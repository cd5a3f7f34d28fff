"""The supervisors' figures as plain values, and when each daily or weekly digest falls due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.awareness import BurstFigures
from bot.domain.calendar import BusinessCalendar
from bot.domain.fixes import FixFigures

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AGE_BANDS = ("under 1 day", "1–7 days", "over 7 days")
HIGH_PRIORITY_WARNING = 50  # percent of new requests at P1/P2 that suggests inflated priorities
_LOOK_BACK = 31  # days searched for the previous working day (long holiday runs included)


class DigestKind(StrEnum):
    """Which digest: the scheduled ones are recorded as sent; the others are on demand."""

    DAILY = "daily"
    WEEKLY = "weekly"
    NOW = "now"
    STATS = "stats"


@dataclass(frozen=True)
class Period:
    """A span of time (start, end], aware UTC: it includes its end, usually "now".

    Every figure (digests, `/request stats`, the App Home, `liaison export --figures`)
    counts what happened after `start` up to and including `end`, so what happened this
    minute is in, and back-to-back periods share no moment.
    """

    start: dt.datetime
    end: dt.datetime

    def before(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - (self.end - self.start), self.start)


@dataclass(frozen=True)
class Listed:
    """A count and the request numbers of the first few behind it."""

    total: int = 0
    numbers: tuple[int, ...] = ()

    @property
    def more(self) -> int:
        """How many are counted but not listed."""
        return max(0, self.total - len(self.numbers))


@dataclass(frozen=True)
class Rate:
    """`met` out of `total`; no percentage when there is nothing to measure."""

    met: int
    total: int

    @property
    def percent(self) -> int | None:
        """Rounded percentage, or None for 0 of 0."""
        return round(100 * self.met / self.total) if self.total else None


@dataclass(frozen=True)
class LowScore:
    """A low poll rating, with the partner's comment as typed (escape before showing)."""

    number: int
    rating: int
    comment: str


@dataclass(frozen=True)
class PeriodFigures:
    """What happened in one period."""

    new: Listed = Listed()
    high_priority_new: int = 0
    resolved: Listed = Listed()
    closed: Listed = Listed()
    reopened: Listed = Listed()
    first_response: Rate = Rate(0, 0)
    first_response_breached: Listed = Listed()
    resolution: Rate = Rate(0, 0)
    resolution_breached: Listed = Listed()
    promises_kept: int = 0
    promises_lapsed: int = 0
    promises_escalated: int = 0  # lapses that climbed past the assignee
    promises_to_supervisors: int = 0
    promises_answered: int = 0  # escalated lapses someone then acted on
    outage_updates_kept: int = 0  # outages' promised updates posted in time
    outage_updates_lapsed: int = 0
    polls_eligible: int = 0  # closings that called for a poll, shown or skipped
    bursts: BurstFigures = field(default_factory=BurstFigures)  # suspected outages alerted
    fixes: FixFigures = field(default_factory=FixFigures)  # partners answered by shared fixes
    polls_sent: int = 0
    polls_answered: int = 0
    average_rating: float | None = None
    informed: Rate = Rate(0, 0)
    low_scores: tuple[LowScore, ...] = ()
    services: tuple[tuple[str, int], ...] = ()  # busiest first, by display name
    resolved_by: dict[str, int] = field(default_factory=dict)

    @property
    def high_priority(self) -> Rate:
        """New requests at P1 or P2, out of all new requests."""
        return Rate(self.high_priority_new, self.new.total)

    @property
    def response_rate(self) -> Rate:
        """Polls answered out of polls sent."""
        return Rate(self.polls_answered, self.polls_sent)

    @property
    def quiet(self) -> bool:
        """Nothing at all happened: the digest says so in one line."""
        activity = (
            self.new.total,
            self.resolved.total,
            self.closed.total,
            self.reopened.total,
            self.first_response.total,
            self.resolution.total,
            self.promises_kept,
            self.promises_lapsed,
            self.outage_updates_kept,
            self.outage_updates_lapsed,
            self.polls_eligible,
            self.bursts.detected,
            self.fixes.total,
            self.polls_sent,
            self.polls_answered,
        )
        return not any(activity)


def target_rate(met: int, missed: int) -> Rate:
    """A service-level target is measured once, when it is settled in the period.

    Met counts when the response (or resolution) came before its due time; missed counts
    when the target breached, whether or not the work was done since.
    """
    return Rate(met, met + missed)


Figure = int | float | None


def headline(figures: PeriodFigures) -> dict[str, Figure]:
    """The period's figures by name, in a fixed order: what `liaison export --figures` writes.

    New counts join here (and in the digest view) so every surface reports the same ones.
    """
    return {
        "new": figures.new.total,
        "high_priority_new": figures.high_priority_new,
        "resolved": figures.resolved.total,
        "closed": figures.closed.total,
        "reopened": figures.reopened.total,
        "first_response_met": figures.first_response.met,
        "first_response_measured": figures.first_response.total,
        "first_response_breached": figures.first_response_breached.total,
        "resolution_met": figures.resolution.met,
        "resolution_measured": figures.resolution.total,
        "resolution_breached": figures.resolution_breached.total,
        "promises_kept": figures.promises_kept,
        "promises_lapsed": figures.promises_lapsed,
        "promises_escalated": figures.promises_escalated,
        "promises_to_supervisors": figures.promises_to_supervisors,
        "promises_answered": figures.promises_answered,
        "outage_updates_kept": figures.outage_updates_kept,
        "outage_updates_lapsed": figures.outage_updates_lapsed,
        "polls_eligible": figures.polls_eligible,
        "polls_shown": figures.polls_sent,
        "polls_answered": figures.polls_answered,
        "average_rating": figures.average_rating,
        "kept_informed_yes": figures.informed.met,
        "kept_informed_answered": figures.informed.total,
        "answered_by_shared_fixes": figures.fixes.total,
        "answered_by_shared_fixes_before_filing": figures.fixes.before_filing,
    }


@dataclass(frozen=True)
class AgeCounts:
    """Open requests of one priority by age band (under 1 day, 1–7 days, over 7 days)."""

    priority: str
    bands: tuple[int, int, int]

    @property
    def total(self) -> int:
        """All open requests of this priority."""
        return sum(self.bands)


@dataclass(frozen=True)
class QueueFigures:
    """The queue at the moment the digest was built."""

    by_priority: tuple[AgeCounts, ...] = ()
    unclaimed: Listed = Listed()
    oldest_unclaimed: tuple[int, dt.datetime] | None = None
    follow_ups_open: int = 0
    follow_ups_overdue: int = 0

    @property
    def open_total(self) -> int:
        """Every open request."""
        return sum(a.total for a in self.by_priority)


@dataclass(frozen=True)
class TechnicianLine:
    """One technician's open requests now, requests resolved and partners their fixes answered."""

    user_id: str
    open: int
    resolved: int
    fixes: int = 0  # partners a fix this technician shared answered in the period


@dataclass(frozen=True)
class Digest:
    """Everything one digest or `/request stats` answer shows."""

    kind: DigestKind
    period: Period
    current: PeriodFigures
    previous: PeriodFigures
    queue: QueueFigures
    technicians: tuple[TechnicianLine, ...]
    command: str = "/request"

    @property
    def days(self) -> int:
        """The period's length in whole days, at least one (for `liaison export --since`)."""
        return max(1, -(-(self.period.end - self.period.start) // dt.timedelta(days=1)))


@dataclass(frozen=True)
class DigestSchedule:
    """When digests fall due: a local time on working days, and a weekly day."""

    at: dt.time
    zone: ZoneInfo
    calendar: BusinessCalendar
    weekly_day: int | None  # 0=Monday; None means no weekly digest

    def _instant(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.at, tzinfo=self.zone).astimezone(dt.UTC)

    def latest_daily(self, moment: dt.datetime) -> dt.datetime | None:
        """The latest daily digest time at or before `moment` (working days only)."""
        day = moment.astimezone(self.zone).date()
        for _ in range(_LOOK_BACK):
            if self.calendar.is_working_day(day) and self._instant(day) <= moment:
                return self._instant(day)
            day -= dt.timedelta(days=1)
        return None

    def next_due(self, moment: dt.datetime) -> dt.datetime | None:
        """The first daily or weekly digest time after `moment`, to wake up for it on time."""
        day = moment.astimezone(self.zone).date()
        candidates: list[dt.datetime] = []
        for offset in range(_LOOK_BACK):
            current = day + dt.timedelta(days=offset)
            daily = self.calendar.is_working_day(current)
            weekly = self.weekly_day is not None and current.weekday() == self.weekly_day
            if (daily or weekly) and self._instant(current) > moment:
                candidates.append(self._instant(current))
                break
        return min(candidates, default=None)

    def daily_period(self, due: dt.datetime) -> Period:
        """A daily digest covers everything since the previous working day's digest time."""
        previous = self.latest_daily(due - dt.timedelta(microseconds=1))
        return Period(previous or due - dt.timedelta(days=1), due)

    def latest_weekly(self, moment: dt.datetime) -> dt.datetime | None:
        """The latest weekly digest time at or before `moment` (sent on holidays too)."""
        if self.weekly_day is None:
            return None
        day = moment.astimezone(self.zone).date()
        day -= dt.timedelta(days=(day.weekday() - self.weekly_day) % 7)
        due = self._instant(day)
        return due if due <= moment else self._instant(day - dt.timedelta(days=7))

    @staticmethod
    def weekly_period(due: dt.datetime) -> Period:
        """A weekly digest covers the seven days before it."""
        return Period(due - dt.timedelta(days=7), due)
