"""Business-hours arithmetic: nights, weekends, holidays, clock changes and long durations."""

from __future__ import annotations

import time as perf
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import ALWAYS_OPEN, BusinessCalendar

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
M = timedelta(minutes=1)
DAY = 9 * H  # one working day at the squadron

SQUADRON = BusinessCalendar(
    timezone=NEW_YORK,
    working_days=frozenset(range(5)),
    day_start=time(7, 30),
    day_end=time(16, 30),
    holidays=frozenset(
        {date(2026, 1, 19), date(2026, 2, 16), date(2026, 11, 26), date(2026, 12, 25)}
        | {date(2027, 1, 1)}
    ),
)
BERLIN_SHOP = BusinessCalendar(
    timezone=BERLIN,
    working_days=frozenset(range(5)),
    day_start=time(8, 0),
    day_end=time(17, 0),
)
NEW_YORK_24_7 = BusinessCalendar(
    timezone=NEW_YORK,
    working_days=frozenset(range(7)),
    day_start=time(0),
    day_end=time(0),
)
NIGHT_SHIFT = BusinessCalendar(  # 01:00-05:00 New York: spans the 02:00 clock change
    timezone=NEW_YORK,
    working_days=frozenset(range(7)),
    day_start=time(1),
    day_end=time(5),
)


def ny(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """Squadron wall time."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """UTC wall time."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


ADD_CASES = [
    # (calendar, start, duration, expected)
    pytest.param(SQUADRON, ny(11, 23, 9), 2 * H, ny(11, 23, 11), id="same-day"),
    pytest.param(SQUADRON, ny(11, 23, 15, 30), 2 * H, ny(11, 24, 8, 30), id="overnight"),
    pytest.param(SQUADRON, ny(11, 20, 15), 4 * H, ny(11, 23, 10), id="friday-into-monday"),
    pytest.param(SQUADRON, ny(11, 23, 6), H, ny(11, 23, 8, 30), id="before-opening"),
    pytest.param(SQUADRON, ny(11, 23, 20), H, ny(11, 24, 8, 30), id="after-closing"),
    pytest.param(SQUADRON, ny(11, 21, 10), H, ny(11, 23, 8, 30), id="saturday-start"),
    pytest.param(SQUADRON, ny(11, 26, 10), H, ny(11, 27, 8, 30), id="holiday-start"),
    pytest.param(SQUADRON, ny(11, 25, 16), H, ny(11, 27, 8), id="across-thanksgiving"),
    pytest.param(SQUADRON, ny(12, 24, 16), H, ny(12, 28, 8), id="across-christmas-weekend"),
    pytest.param(SQUADRON, ny(11, 23, 10), timedelta(0), ny(11, 23, 10), id="zero-in-hours"),
    pytest.param(SQUADRON, ny(11, 23, 16, 30), timedelta(0), ny(11, 24, 7, 30), id="zero-at-close"),
    pytest.param(SQUADRON, ny(11, 21, 9), timedelta(0), ny(11, 23, 7, 30), id="zero-on-weekend"),
    pytest.param(SQUADRON, ny(11, 23, 16, 30), H, ny(11, 24, 8, 30), id="start-at-close"),
    pytest.param(SQUADRON, ny(11, 23, 7, 30), H, ny(11, 23, 8, 30), id="start-at-open"),
    pytest.param(SQUADRON, ny(11, 23, 15, 30), H, ny(11, 23, 16, 30), id="land-on-close"),
    pytest.param(SQUADRON, ny(11, 23, 16, 29), M, ny(11, 23, 16, 30), id="last-minute"),
    pytest.param(SQUADRON, ny(11, 23, 7, 30), DAY, ny(11, 23, 16, 30), id="one-full-day"),
    pytest.param(SQUADRON, ny(11, 23, 7, 30), 3 * DAY, ny(11, 25, 16, 30), id="three-days"),
    pytest.param(SQUADRON, utc(11, 23, 21), H, utc(11, 24, 13), id="utc-input"),
    pytest.param(SQUADRON, ny(3, 6, 15, 30), 2 * H, utc(3, 9, 12, 30), id="dst-spring-forward"),
    pytest.param(SQUADRON, ny(10, 30, 15, 30), 2 * H, utc(11, 2, 13, 30), id="dst-fall-back"),
    pytest.param(SQUADRON, ny(3, 2, 7, 30), 10 * DAY, ny(3, 13, 16, 30), id="two-weeks-over-dst"),
    pytest.param(BERLIN_SHOP, utc(11, 23, 6, 30), H, utc(11, 23, 8), id="berlin-winter-early"),
    pytest.param(
        BERLIN_SHOP, utc(6, 15, 15, 30), 30 * M, utc(6, 16, 6, 30), id="berlin-summer-late"
    ),
    pytest.param(BERLIN_SHOP, utc(3, 27, 15), 2 * H, utc(3, 30, 7), id="berlin-dst"),
    pytest.param(ALWAYS_OPEN, utc(11, 21, 12), 30 * H, utc(11, 22, 18), id="always-open"),
    pytest.param(NEW_YORK_24_7, ny(3, 7, 12), 24 * H, ny(3, 8, 13), id="24-7-local-over-dst"),
    pytest.param(NIGHT_SHIFT, ny(3, 8, 1), 3 * H, ny(3, 8, 5), id="dst-inside-window"),
    pytest.param(NIGHT_SHIFT, ny(3, 8, 1), 4 * H, ny(3, 9, 2), id="short-dst-night"),
]


@pytest.mark.parametrize(("calendar", "start", "duration", "expected"), ADD_CASES)
def test_add_counts_only_working_time(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, expected: datetime
) -> None:
    result = calendar.add(start, duration)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(("calendar", "start", "duration", "expected"), ADD_CASES)
def test_elapsed_inverts_add(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, expected: datetime
) -> None:
    assert calendar.elapsed(start, expected) == duration


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        pytest.param(SQUADRON, ny(11, 23, 9), ny(11, 23, 8), timedelta(0), id="end-before-start"),
        pytest.param(SQUADRON, ny(11, 23, 9), ny(11, 23, 9), timedelta(0), id="same-instant"),
        pytest.param(SQUADRON, ny(11, 23, 18), ny(11, 24, 7), timedelta(0), id="night-only"),
        pytest.param(SQUADRON, ny(11, 20, 16), ny(11, 23, 8), H, id="over-weekend"),
        pytest.param(SQUADRON, ny(11, 21, 0), ny(11, 22, 23), timedelta(0), id="weekend-only"),
        pytest.param(SQUADRON, ny(11, 25, 0), ny(11, 28, 0), 2 * DAY, id="with-holiday"),
        pytest.param(SQUADRON, ny(1, 5, 7, 30), ny(3, 30, 7, 30), 58 * DAY, id="twelve-weeks"),
        pytest.param(SQUADRON, ny(3, 6, 16), ny(3, 9, 8), H, id="dst-weekend"),
        pytest.param(BERLIN_SHOP, utc(11, 23, 0), utc(11, 23, 23), DAY, id="berlin-from-utc"),
        pytest.param(NEW_YORK_24_7, ny(3, 8, 0), ny(3, 9, 0), 23 * H, id="short-dst-day"),
        pytest.param(NEW_YORK_24_7, ny(11, 1, 0), ny(11, 2, 0), 25 * H, id="long-dst-day"),
        pytest.param(NIGHT_SHIFT, ny(3, 8, 0), ny(3, 9, 0), 3 * H, id="night-shift-dst"),
        pytest.param(ALWAYS_OPEN, utc(1, 1, 0), utc(1, 1, 0, year=2027), 365 * 24 * H, id="year"),
    ],
)
def test_elapsed_counts_working_time_between_instants(
    calendar: BusinessCalendar, start: datetime, end: datetime, expected: timedelta
) -> None:
    assert calendar.elapsed(start, end) == expected


def test_around_the_clock_is_plain_elapsed_time() -> None:
    friday = ny(11, 20, 15)
    thanksgiving = ny(11, 26, 10)
    assert SQUADRON.add(friday, 4 * H, around_the_clock=True) == ny(11, 20, 19)
    assert SQUADRON.add(thanksgiving, H, around_the_clock=True) == ny(11, 26, 11)
    assert SQUADRON.add(friday, timedelta(0), around_the_clock=True) == friday
    assert SQUADRON.add(ny(3, 7, 12), 24 * H, around_the_clock=True) == ny(3, 8, 13)
    assert SQUADRON.elapsed(friday, ny(11, 23, 8), around_the_clock=True) == 65 * H
    assert SQUADRON.elapsed(friday, ny(11, 20, 14), around_the_clock=True) == timedelta(0)


def reference_elapsed(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Day-by-day working time, written independently of the calendar's week skipping."""
    zone = calendar.timezone
    total = timedelta(0)
    day = start.astimezone(zone).date() - timedelta(days=1)
    while day <= end.astimezone(zone).date():
        if calendar.is_working_day(day):
            open_ = datetime.combine(day, calendar.day_start, tzinfo=zone)
            close_day = day + timedelta(days=1) if calendar.day_end == time(0) else day
            close = datetime.combine(close_day, calendar.day_end, tzinfo=zone)
            overlap = min(end, close).astimezone(UTC) - max(start, open_).astimezone(UTC)
            total += max(timedelta(0), overlap)
        day += timedelta(days=1)
    return total


def starts() -> list[datetime]:
    """Starts every 97 minutes for ten days around each clock change and around Thanksgiving."""
    firsts = [utc(3, 3, 0), utc(10, 27, 0), utc(11, 20, 0)]
    return [first + n * 97 * M for first in firsts for n in range(150)]


@pytest.mark.parametrize(
    "calendar",
    [SQUADRON, BERLIN_SHOP, NEW_YORK_24_7, NIGHT_SHIFT, ALWAYS_OPEN],
    ids=["squadron", "berlin", "ny-24-7", "night-shift", "always-open"],
)
@pytest.mark.parametrize(
    "duration",
    [timedelta(0), M, 45 * M, DAY, DAY + M, 3 * DAY, 5 * DAY, 11 * DAY, 90 * DAY],
    ids=["0", "1m", "45m", "1d", "1d1m", "3d", "5d", "11d", "90d"],
)
def test_add_and_elapsed_round_trip(calendar: BusinessCalendar, duration: timedelta) -> None:
    for n, start in enumerate(starts()):
        due = calendar.add(start, duration)
        assert due >= start
        assert calendar.elapsed(start, due) == duration
        if duration < 20 * DAY or n % 10 == 0:  # the slow reference on a sample of long spans
            assert reference_elapsed(calendar, start, due) == duration
        if duration:
            # The earliest instant with that much work done: never inside a closed stretch.
            assert calendar.add(start, duration - M) < due
        else:
            assert calendar.is_working_time(due)


def test_elapsed_then_add_returns_to_a_working_moment() -> None:
    start = ny(11, 18, 12)
    for hours in range(1, 24 * 21):
        end = start + hours * H + 7 * M
        if SQUADRON.is_working_time(end):
            assert SQUADRON.add(start, SQUADRON.elapsed(start, end)) == end


def test_long_durations_skip_whole_weeks() -> None:
    began = perf.perf_counter()
    for n in range(200):
        SQUADRON.add(ny(1, 5, 9) + n * H, 90 * DAY)
    SQUADRON.elapsed(ny(1, 5, 9, year=2020), ny(1, 5, 9, year=2030))
    assert perf.perf_counter() - began < 1.0


def test_ninety_business_days_lands_where_a_count_of_days_says() -> None:
    # 18 weeks of five days from Mon 2026-01-05, plus MLK day and Presidents' Day: a Tuesday.
    assert SQUADRON.add(ny(1, 5, 7, 30), 90 * DAY) == ny(5, 12, 16, 30)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(ny(11, 23, 7, 30), True, id="at-open"),
        pytest.param(ny(11, 23, 16, 29), True, id="before-close"),
        pytest.param(ny(11, 23, 16, 30), False, id="at-close"),
        pytest.param(ny(11, 23, 7, 29), False, id="before-open"),
        pytest.param(ny(11, 21, 10), False, id="saturday"),
        pytest.param(ny(11, 26, 10), False, id="thanksgiving"),
        pytest.param(utc(11, 23, 15), True, id="utc-input"),
    ],
)
def test_is_working_time(moment: datetime, expected: bool) -> None:
    assert SQUADRON.is_working_time(moment) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2026, 11, 20), date(2026, 11, 23), id="friday-to-monday"),
        pytest.param(date(2026, 11, 25), date(2026, 11, 27), id="over-thanksgiving"),
        pytest.param(date(2026, 12, 24), date(2026, 12, 28), id="over-christmas"),
        pytest.param(date(2026, 11, 21), date(2026, 11, 23), id="from-saturday"),
        pytest.param(date(2026, 11, 23), date(2026, 11, 24), id="plain"),
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert SQUADRON.next_working_day(day) == expected


def test_day_lengths_and_closing_times() -> None:
    assert SQUADRON.working_day_length() == DAY
    assert ALWAYS_OPEN.working_day_length() == 24 * H
    assert SQUADRON.closing_time(date(2026, 11, 23)) == utc(11, 23, 21, 30)
    assert SQUADRON.closing_time(date(2026, 6, 1)) == utc(6, 1, 20, 30)
    assert ALWAYS_OPEN.closing_time(date(2026, 11, 23)) == utc(11, 24, 0)
    assert not SQUADRON.is_working_day(date(2026, 11, 26))
    assert SQUADRON.is_working_day(date(2026, 11, 27))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"day_start": time(17), "day_end": time(8)}, "must end after", id="reversed"),
        pytest.param({"day_start": time(8), "day_end": time(8)}, "must end after", id="empty"),
        pytest.param({"working_days": frozenset()}, "at least one", id="no-days"),
        pytest.param({"working_days": frozenset({7})}, "numbered 0", id="bad-day"),
        pytest.param({"day_start": time(8, tzinfo=UTC)}, "without tzinfo", id="aware-time"),
    ],
)
def test_nonsense_calendars_are_rejected(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "timezone": NEW_YORK,
        "working_days": frozenset(range(5)),
        "day_start": time(7, 30),
        "day_end": time(16, 30),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**fields)  # type: ignore[arg-type]


def test_evening_shift_may_run_until_midnight() -> None:
    evening = BusinessCalendar(
        timezone=BERLIN, working_days=frozenset(range(7)), day_start=time(18), day_end=time(0)
    )
    assert evening.working_day_length() == 6 * H
    assert evening.add(utc(11, 23, 22, 30), H) == utc(11, 24, 17, 30)


def test_naive_and_negative_inputs_are_refused() -> None:
    naive = datetime(2026, 11, 23, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        SQUADRON.add(naive, H)
    with pytest.raises(ValueError, match="timezone-aware"):
        SQUADRON.elapsed(ny(11, 23, 9), naive)
    with pytest.raises(ValueError, match="negative"):
        SQUADRON.add(ny(11, 23, 9), -H)
