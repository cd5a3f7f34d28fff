"""Business-hours arithmetic, so promises to partners count only the time a shop is working."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
ONE_WEEK = timedelta(days=7)
MIDNIGHT = time(0)

Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class BusinessCalendar:
    """A shop's working week in its own time zone; a day_end of 00:00 means midnight ending the day.

    Working time is real elapsed time inside each day's window, whose ends are local wall times
    converted to UTC day by day, so daylight-saving changes move the window rather than stretch it.
    """

    timezone: ZoneInfo
    working_days: frozenset[int]  # 0=Monday … 6=Sunday
    day_start: time
    day_end: time
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        """Refuse calendars whose arithmetic would be meaningless or never end."""
        if not self.working_days:
            raise ValueError("a calendar needs at least one working day")
        if not self.working_days <= frozenset(range(7)):
            raise ValueError("working days are numbered 0 (Monday) to 6 (Sunday)")
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError("day_start and day_end are local wall times without tzinfo")
        if self.day_end != MIDNIGHT and self.day_end <= self.day_start:
            raise ValueError(
                f"the working day must end after it starts ({self.day_start:%H:%M}"
                f"-{self.day_end:%H:%M})"
            )

    def is_working_day(self, day: date) -> bool:
        """True on a working weekday that is not a holiday."""
        return day.weekday() in self.working_days and day not in self.holidays

    def is_working_time(self, moment: datetime) -> bool:
        """True when `moment` (aware) falls inside a working day's hours, end excluded."""
        instant = _utc(moment, "moment")
        window = self._window(self._local_date(instant))
        return window is not None and window[0] <= instant < window[1]

    def working_day_length(self) -> timedelta:
        """Nominal length of one working day, the unit behind "3d" in the catalogue."""
        end = ONE_DAY if self.day_end == MIDNIGHT else _since_midnight(self.day_end)
        return end - _since_midnight(self.day_start)

    def next_working_day(self, day: date) -> date:
        """First working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def closing_time(self, day: date) -> datetime:
        """When work stops on `day` (working or not), as aware UTC; "needed by" dates mean this."""
        if self.day_end == MIDNIGHT:
            return self._at(day + ONE_DAY, MIDNIGHT)
        return self._at(day, self.day_end)

    def add(
        self, start: datetime, duration: timedelta, *, around_the_clock: bool = False
    ) -> datetime:
        """The aware-UTC instant `duration` of working time after `start` (any aware zone).

        Counting begins at the first working moment at or after `start`, so a zero duration
        gives that moment; a result landing exactly on a day's end stays on that day.
        `around_the_clock` counts plain elapsed time instead, for work that runs 24/7.
        """
        moment = _utc(start, "start")
        if duration < ZERO:
            raise ValueError("duration must not be negative")
        if around_the_clock:
            return moment + duration
        remaining = duration
        day = self._local_date(moment)
        while True:
            window = self._window(day)
            if window is not None and moment < window[1]:
                begin = max(moment, window[0])
                if remaining <= window[1] - begin:
                    return begin + remaining
                remaining -= window[1] - begin
                moment = window[1]
                day, remaining = self._skip_weeks(day + ONE_DAY, remaining)
            else:
                day += ONE_DAY

    def elapsed(
        self, start: datetime, end: datetime, *, around_the_clock: bool = False
    ) -> timedelta:
        """Working time between two aware instants (zero if `end` is not after `start`)."""
        begin, finish = _utc(start, "start"), _utc(end, "end")
        if finish <= begin:
            return ZERO
        if around_the_clock:
            return finish - begin
        first, last = self._local_date(begin), self._local_date(finish)
        total = self._overlap(first, begin, finish)
        day = first + ONE_DAY
        # Every day strictly between the first and the last lies wholly inside the span.
        while day < last:
            if day + ONE_WEEK <= last:
                total += self._week_time(day)
                day += ONE_WEEK
            else:
                total += self._day_time(day)
                day += ONE_DAY
        if last > first:
            total += self._overlap(last, begin, finish)
        return total

    @cached_property
    def _working_holidays(self) -> tuple[date, ...]:
        """Holidays that remove a working day, sorted so a week's can be counted by bisection."""
        return tuple(sorted(d for d in self.holidays if d.weekday() in self.working_days))

    def _at(self, day: date, wall: time) -> datetime:
        """Local wall time on `day` as aware UTC (fold=0 for repeated or skipped times)."""
        return datetime.combine(day, wall, tzinfo=self.timezone).astimezone(UTC)

    def _local_date(self, instant: datetime) -> date:
        """The shop's calendar date at `instant`."""
        return instant.astimezone(self.timezone).date()

    def _window(self, day: date) -> Window | None:
        """The working hours of `day` in UTC, or None when nobody works that day."""
        if not self.is_working_day(day):
            return None
        start, end = self._at(day, self.day_start), self.closing_time(day)
        return (start, end) if end > start else None

    def _day_time(self, day: date) -> timedelta:
        """Real working time in the whole of `day`."""
        window = self._window(day)
        return ZERO if window is None else window[1] - window[0]

    def _overlap(self, day: date, begin: datetime, finish: datetime) -> timedelta:
        """Working time of `day` that falls between `begin` and `finish`."""
        window = self._window(day)
        if window is None:
            return ZERO
        return max(ZERO, min(finish, window[1]) - max(begin, window[0]))

    def _week_time(self, day: date) -> timedelta:
        """Working time in the seven days from `day`, without visiting each day when possible.

        When the UTC offset is the same at both ends of the week, no clock change happened
        inside it (time zones never change twice within a week), so every working day has its
        nominal length and only holidays need counting. Otherwise the days are summed one by one.
        """
        after = day + ONE_WEEK
        if self._offset(day) == self._offset(after):
            holidays = self._working_holidays
            off = bisect_left(holidays, after) - bisect_left(holidays, day)
            return (len(self.working_days) - off) * self.working_day_length()
        return sum((self._day_time(day + n * ONE_DAY) for n in range(7)), ZERO)

    def _skip_weeks(self, day: date, remaining: timedelta) -> tuple[date, timedelta]:
        """Jump whole weeks that `remaining` outlasts, so long durations cost per week, not day."""
        week = self.working_day_length() * len(self.working_days)
        while remaining > week:
            spent = self._week_time(day)
            if spent >= remaining:
                break
            remaining -= spent
            day += ONE_WEEK
        return day, remaining

    def _offset(self, day: date) -> timedelta | None:
        """UTC offset in force when `day` starts work."""
        return datetime.combine(day, self.day_start, tzinfo=self.timezone).utcoffset()


def _since_midnight(wall: time) -> timedelta:
    """A wall time as the duration since midnight."""
    return timedelta(
        hours=wall.hour, minutes=wall.minute, seconds=wall.second, microseconds=wall.microsecond
    )


def _utc(moment: datetime, name: str) -> datetime:
    """`moment` in UTC, refusing naive datetimes whose meaning would be a guess."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return moment.astimezone(UTC)


ALWAYS_OPEN = BusinessCalendar(
    timezone=ZoneInfo("UTC"),
    working_days=frozenset(range(7)),
    day_start=MIDNIGHT,
    day_end=MIDNIGHT,
    holidays=frozenset(),
)
"""Every day, all day, in UTC: for tests and for shops that run 24/7."""
