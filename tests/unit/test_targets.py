"""The service-level clocks without a database: when targets fall due, warnings, pauses, new
priorities. A shop in New York works 07:30-16:30 Monday to Friday and closes on Thanksgiving."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from bot.domain.calendar import BusinessCalendar
from bot.domain.levels import ServiceLevel
from bot.domain.model import RequestStatus
from bot.domain.targets import (
    ClockState,
    Target,
    pauses_clock,
    resolved_while_paused,
    resumed,
    retarget,
    target_due,
    target_timers,
)
from bot.domain.timers import TimerKind

NEW_YORK = ZoneInfo("America/New_York")
THANKSGIVING = dt.date(2026, 11, 26)
CALENDAR = BusinessCalendar(
    timezone=NEW_YORK,
    working_days=frozenset(range(5)),
    day_start=dt.time(7, 30),
    day_end=dt.time(16, 30),
    holidays=frozenset({THANKSGIVING}),
)
H, ZERO = dt.timedelta(hours=1), dt.timedelta(0)
# Business hours: first response in 2 h, resolution in one 9-hour working day.
OFFICE = ServiceLevel(first_response=2 * H, resolution=9 * H, update_every=4 * H)
# Around the clock: 30 minutes and 4 hours of plain elapsed time.
ATC = ServiceLevel(first_response=H / 2, resolution=4 * H, update_every=H, around_the_clock=True)
URGENT = ServiceLevel(first_response=H / 2, resolution=4 * H, update_every=H)
LEAD = 0.25


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    """A New York wall time in November 2026 (the 23rd is a Monday), as aware UTC."""
    local = dt.datetime(2026, 11, day, hour, minute, second, tzinfo=NEW_YORK)
    return local.astimezone(dt.UTC)


DUE_CASES = [
    # (case, level, target, opened, due)
    ("inside a working day", OFFICE, Target.FIRST_RESPONSE, at(23, 9), at(23, 11)),
    ("over the weekend", OFFICE, Target.FIRST_RESPONSE, at(27, 15, 30), at(30, 8, 30)),
    ("filed on Saturday", OFFICE, Target.FIRST_RESPONSE, at(28, 10), at(30, 9, 30)),
    ("over Thanksgiving", OFFICE, Target.FIRST_RESPONSE, at(25, 16), at(27, 9)),
    ("filed at night", OFFICE, Target.FIRST_RESPONSE, at(24, 22), at(25, 9, 30)),
    ("a working day to resolve", OFFICE, Target.RESOLUTION, at(23, 12), at(24, 12)),
    ("around the clock, Saturday", ATC, Target.FIRST_RESPONSE, at(28, 10), at(28, 10, 30)),
    ("around the clock, at night", ATC, Target.RESOLUTION, at(24, 22), at(25, 2)),
]


@pytest.mark.parametrize(
    ("level", "target", "opened", "due"),
    [case[1:] for case in DUE_CASES],
    ids=[case[0] for case in DUE_CASES],
)
def test_a_target_falls_due_after_its_length_of_the_level_s_time(
    level: ServiceLevel, target: Target, opened: dt.datetime, due: dt.datetime
) -> None:
    assert target_due(CALENDAR, level, target, opened) == due


WARNING_CASES = [
    # (case, level, start, due, warning or None)
    ("a quarter of the target before", OFFICE, at(23, 9), at(23, 11), at(23, 10, 30)),
    ("before the opening after a weekend", OFFICE, at(27, 16), at(30, 9), at(30, 8, 30)),
    ("at once when less than that is left", OFFICE, at(23, 10, 50), at(23, 11), at(23, 10, 50)),
    ("none when the target has passed", OFFICE, at(23, 11, 5), at(23, 11), None),
    ("around the clock, at night", ATC, at(24, 23), at(24, 23, 30), at(24, 23, 22, 30)),
    ("none when the service has left", None, at(23, 9), at(23, 11), None),
]


@pytest.mark.parametrize(
    ("level", "start", "due", "warning"),
    [case[1:] for case in WARNING_CASES],
    ids=[case[0] for case in WARNING_CASES],
)
def test_technicians_are_warned_while_there_is_still_time(
    level: ServiceLevel | None, start: dt.datetime, due: dt.datetime, warning: dt.datetime | None
) -> None:
    planned = target_timers(CALENDAR, level, Target.FIRST_RESPONSE, due=due, start=start, lead=LEAD)
    warned = [(TimerKind.FIRST_RESPONSE_WARNING, warning)] if warning else []
    assert planned == [*warned, (TimerKind.FIRST_RESPONSE_BREACH, due)]


def test_each_target_names_its_timers_and_its_breach() -> None:
    assert Target.RESOLUTION.timers == (
        TimerKind.RESOLUTION_WARNING,
        TimerKind.RESOLUTION_BREACH,
    )
    assert Target.FIRST_RESPONSE.breached_event == "first_response_breached"


@pytest.mark.parametrize(
    ("status", "third_party_pauses", "pauses"),
    [
        (RequestStatus.WAITING_PARTNER, False, True),
        (RequestStatus.WAITING_THIRD_PARTY, True, True),
        (RequestStatus.WAITING_THIRD_PARTY, False, False),
        (RequestStatus.IN_PROGRESS, True, False),
        (RequestStatus.NEW, True, False),
    ],
)
def test_waiting_on_the_partner_stops_the_clock_and_on_a_third_party_if_the_service_says(
    status: RequestStatus, third_party_pauses: bool, pauses: bool
) -> None:
    assert pauses_clock(status, third_party_pauses=third_party_pauses) is pauses


PAUSE_CASES = [
    # (case, level, paused at, resumed at, time stood still, new resolution due)
    ("an hour of the working day", OFFICE, at(23, 10), at(23, 11), H, at(24, 13)),
    ("over a weekend", OFFICE, at(27, 16), at(30, 9), 2 * H, at(24, 14)),
    ("overnight only", OFFICE, at(23, 17), at(24, 7), dt.timedelta(0), at(24, 12)),
    ("over Thanksgiving", OFFICE, at(25, 16), at(27, 8), H, at(24, 13)),
    ("around the clock", ATC, at(23, 17), at(24, 7), 14 * H, at(25, 2)),
]


@pytest.mark.parametrize(
    ("level", "paused_at", "now", "stood", "due"),
    [case[1:] for case in PAUSE_CASES],
    ids=[case[0] for case in PAUSE_CASES],
)
def test_a_pause_moves_the_resolution_target_out_by_the_working_time_it_lasted(
    level: ServiceLevel,
    paused_at: dt.datetime,
    now: dt.datetime,
    stood: dt.timedelta,
    due: dt.datetime,
) -> None:
    pause = resumed(CALENDAR, level, since=paused_at, due=at(24, 12), now=now)
    assert (pause.stood, pause.resolution_due) == (stood, due)
    assert pause.seconds == int(stood.total_seconds())


def test_resolving_while_paused_counts_the_pause_and_a_pause_of_no_working_time_moves_nothing() -> (
    None
):
    end_of_day = at(27, 16, 30)
    kept = resolved_while_paused(
        CALENDAR, OFFICE, paused_at=at(27, 17), due=end_of_day, now=at(28, 12)
    )
    assert (kept.stood, kept.resolution_due) == (dt.timedelta(0), end_of_day)
    moved = resolved_while_paused(
        CALENDAR, OFFICE, paused_at=at(23, 9), due=at(23, 12), now=at(23, 10)
    )
    assert (moved.stood, moved.resolution_due) == (H, at(23, 13))


RUNNING = ClockState(
    is_open=True,
    first_responded_at=None,
    first_response_breached=False,
    resolution_breached=False,
    paused=False,
)
"""An open request nobody has answered, no target breached, its clock running."""


OPENED = at(23, 9)  # Monday morning
FR, RES = Target.FIRST_RESPONSE, Target.RESOLUTION
RETARGET_CASES = [
    # (case, level, state, now, breached, rescheduled)
    ("up: first response already late", URGENT, RUNNING, at(23, 10), (FR,), (RES,)),
    (
        "up: answered in time for the new target",
        URGENT,
        replace(RUNNING, first_responded_at=at(23, 9, 20)),
        at(23, 10),
        (),
        (RES,),
    ),
    (
        "up: answered too late for it",
        URGENT,
        replace(RUNNING, first_responded_at=at(23, 9, 45)),
        at(23, 10),
        (FR,),
        (RES,),
    ),
    ("up: both late", URGENT, RUNNING, at(23, 14), (FR, RES), ()),
    ("down: both further away", OFFICE, RUNNING, at(23, 10), (), (FR, RES)),
    (
        "a breached target stays breached",
        OFFICE,
        replace(RUNNING, first_response_breached=True),
        at(23, 10),
        (),
        (RES,),
    ),
    ("a paused clock stays paused", OFFICE, replace(RUNNING, paused=True), at(23, 10), (), (FR,)),
    (
        "a closed request moves no clock",
        URGENT,
        replace(RUNNING, is_open=False),
        at(23, 14),
        (),
        (),
    ),
    ("around the clock", ATC, RUNNING, at(23, 9, 20), (), (FR, RES)),
]


@pytest.mark.parametrize(
    ("level", "state", "now", "breached", "rescheduled"),
    [case[1:] for case in RETARGET_CASES],
    ids=[case[0] for case in RETARGET_CASES],
)
def test_a_new_priority_counts_its_targets_from_the_opening_and_breaches_the_past_ones_at_once(
    level: ServiceLevel,
    state: ClockState,
    now: dt.datetime,
    breached: tuple[Target, ...],
    rescheduled: tuple[Target, ...],
) -> None:
    moved = retarget(CALENDAR, level, opened_at=OPENED, paused=ZERO, state=state, now=now)
    assert moved.first_response_due == target_due(CALENDAR, level, Target.FIRST_RESPONSE, OPENED)
    assert moved.resolution_due == target_due(CALENDAR, level, Target.RESOLUTION, OPENED)
    assert (moved.breached, moved.rescheduled) == (breached, rescheduled)


def test_time_already_paused_still_moves_the_new_resolution_target_out() -> None:
    moved = retarget(
        CALENDAR, URGENT, opened_at=OPENED, paused=2 * H, state=RUNNING, now=at(23, 10)
    )
    assert moved.resolution_due == at(23, 15), "09:00 + 4 h, then 2 h paused"
    assert (moved.breached, moved.rescheduled) == ((Target.FIRST_RESPONSE,), (Target.RESOLUTION,))
    late = retarget(
        CALENDAR, URGENT, opened_at=at(27, 14), paused=2 * H, state=RUNNING, now=at(27, 15)
    )
    assert late.resolution_due == at(30, 11), "2.5 h on Friday, then 1.5 h and 2 h paused on Monday"


def test_cases_have_unique_names() -> None:
    for cases in (DUE_CASES, WARNING_CASES, PAUSE_CASES, RETARGET_CASES):
        assert len({case[0] for case in cases}) == len(cases)
