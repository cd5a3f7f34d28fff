"""The escalation ladder's rules, without a database: climb, never repeat, respect the partner."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.domain.calendar import BusinessCalendar
from bot.domain.escalation import (
    LadderRules,
    Rung,
    climbed,
    first_rung,
    next_partner_promise,
    next_partner_window,
    next_rung,
    next_step_at,
    partner_may_hear,
    told_on_day,
)

CALENDAR = BusinessCalendar(
    timezone=ZoneInfo("America/New_York"),
    working_days=frozenset(range(5)),
    day_start=dt.time(7, 30),
    day_end=dt.time(16, 30),
)
ATC = LadderRules(
    step_after=dt.timedelta(minutes=30), partner_notices_per_day=3, around_the_clock=True
)
OFFICE = LadderRules(
    step_after=dt.timedelta(hours=4), partner_notices_per_day=3, around_the_clock=False
)
# Tuesday 24 November 2026; New York is UTC-5.
NOON = dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)
NIGHT = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)  # 22:00 local


def test_the_ladder_climbs_to_the_supervisors_and_stops() -> None:
    assert first_rung(assigned=True) is Rung.ASSIGNEE
    assert first_rung(assigned=False) is Rung.TRIAGE
    assert next_rung(Rung.ASSIGNEE) is Rung.TRIAGE
    assert next_rung(Rung.TRIAGE) is Rung.SUPERVISORS
    assert next_rung(Rung.SUPERVISORS) is None


def test_steps_count_business_time_unless_around_the_clock() -> None:
    assert next_step_at(ATC, CALENDAR, NIGHT) == NIGHT + dt.timedelta(minutes=30)
    # 16:00 local plus 4 business hours: 30 min today, 3.5 h after 07:30 on Wednesday.
    late_afternoon = dt.datetime(2026, 11, 24, 21, 0, tzinfo=dt.UTC)
    assert next_step_at(OFFICE, CALENDAR, late_afternoon) == dt.datetime(
        2026, 11, 25, 16, 0, tzinfo=dt.UTC
    )


def test_how_far_the_ladder_climbed_is_read_from_history() -> None:
    assert climbed([]) is None
    assert climbed(["claim", "promise_lapsed", "promise_escalated_assignee"]) is Rung.ASSIGNEE
    kinds = ["promise_escalated_assignee", "promise_escalated_triage"]
    assert climbed(kinds) is Rung.TRIAGE
    assert climbed([*kinds, "promise_answered"]) is None
    assert climbed([*kinds, "promise_answered", "promise_escalated_assignee"]) is Rung.ASSIGNEE


def test_the_partner_hears_at_most_the_daily_allowance() -> None:
    assert partner_may_hear(ATC, CALENDAR, now=NIGHT, told_today=2)
    assert not partner_may_hear(ATC, CALENDAR, now=NIGHT, told_today=3)
    # Allowance spent: the next window opens at 07:30 local the next day, weekend or not.
    window = next_partner_window(ATC, CALENDAR, now=NIGHT, told_today=3)
    assert window == dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)


def test_office_hours_priorities_never_message_the_partner_at_night() -> None:
    assert partner_may_hear(OFFICE, CALENDAR, now=NOON, told_today=0)
    assert not partner_may_hear(OFFICE, CALENDAR, now=NIGHT, told_today=0)
    window = next_partner_window(OFFICE, CALENDAR, now=NIGHT, told_today=0)
    assert window == dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)
    # Friday night: the next window is Monday morning.
    friday_night = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)
    assert next_partner_window(OFFICE, CALENDAR, now=friday_night, told_today=0) == (
        dt.datetime(2026, 11, 30, 12, 30, tzinfo=dt.UTC)
    )


def test_the_last_notice_of_the_day_promises_no_earlier_than_tomorrow() -> None:
    cadence = NIGHT + dt.timedelta(hours=1)
    assert next_partner_promise(ATC, CALENDAR, now=NIGHT, cadence_due=cadence, told_today=2) == (
        cadence
    )
    last = next_partner_promise(ATC, CALENDAR, now=NIGHT, cadence_due=cadence, told_today=3)
    assert last == dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)


def test_notices_are_counted_per_shop_day() -> None:
    evening = dt.datetime(2026, 11, 24, 23, 0, tzinfo=dt.UTC)  # 18:00 local, Tuesday
    after_midnight = dt.datetime(2026, 11, 25, 5, 30, tzinfo=dt.UTC)  # 00:30 local, Wednesday
    assert told_on_day(CALENDAR, [NOON, evening], NIGHT) == 2
    assert told_on_day(CALENDAR, [NOON, evening], after_midnight) == 0
