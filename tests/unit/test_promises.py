"""Promised updates without a database: nudges, and what a lapse means by day, night and
holiday. The shop works 07:30-16:30 in New York, Monday to Friday, closed on Thanksgiving."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.levels import ServiceLevel
from bot.domain.promises import Opening, kept, lapse, nudge_at, opening_timers, promise_timers
from bot.domain.timers import TimerKind as K
from tests.unit.test_targets import ATC, CALENDAR, OFFICE, at

H, M = dt.timedelta(hours=1), dt.timedelta(minutes=1)
NUDGE_LEAD = 30 * M


@pytest.mark.parametrize(
    ("promise", "now", "nudge"),
    [
        (at(23, 14), at(23, 10), at(23, 13, 30)),  # the lead before it
        (at(23, 11), at(23, 10), at(23, 10, 45)),  # a quarter of a short wait
        (at(23, 10), at(23, 10), None),  # no time left for a reminder
    ],
)
def test_whoever_made_a_promise_is_nudged_before_it(
    promise: dt.datetime, now: dt.datetime, nudge: dt.datetime | None
) -> None:
    assert nudge_at(promise, now=now, lead=NUDGE_LEAD) == nudge


def test_a_promise_is_a_nudge_and_a_lapse_and_no_nudge_once_the_ladder_climbs() -> None:
    promise = at(23, 14)
    assert promise_timers(promise, now=at(23, 10), lead=NUDGE_LEAD) == [
        (K.PROMISE_NUDGE, at(23, 13, 30)),
        (K.PROMISE_LAPSE, promise),
    ]
    assert promise_timers(promise, now=at(23, 10), lead=NUDGE_LEAD, episode=True) == [
        (K.PROMISE_LAPSE, promise)
    ]
    assert promise_timers(None, now=at(23, 10), lead=NUDGE_LEAD) == []


def test_a_new_request_starts_both_clocks_and_its_first_promise() -> None:
    request = Opening(
        opened_at=at(23, 9),
        first_response_due=at(23, 11),
        resolution_due=at(24, 9),
        next_update_due=at(23, 11),
    )
    planned = opening_timers(CALENDAR, OFFICE, request, lead=0.25, nudge_lead=NUDGE_LEAD)
    assert planned == [
        (K.FIRST_RESPONSE_WARNING, at(23, 10, 30)),
        (K.FIRST_RESPONSE_BREACH, at(23, 11)),
        (K.RESOLUTION_WARNING, at(23, 15, 45)),  # 2.25 h of the working day before it
        (K.RESOLUTION_BREACH, at(24, 9)),
        (K.PROMISE_NUDGE, at(23, 10, 30)),
        (K.PROMISE_LAPSE, at(23, 11)),
    ]


@pytest.mark.parametrize(
    ("pending", "promised", "now", "is_kept"),
    [
        (True, at(23, 14), at(23, 13), True),
        (True, at(23, 14), at(23, 14), True),
        (True, at(23, 14), at(23, 15), False),  # late: the lapse already said so
        (False, at(23, 14), at(23, 13), False),  # nothing was pending
        (True, None, at(23, 13), False),
    ],
)
def test_an_update_keeps_a_promise_that_was_pending_and_not_yet_due(
    pending: bool, promised: dt.datetime | None, now: dt.datetime, is_kept: bool
) -> None:
    assert kept(pending=pending, promised=promised, now=now) is is_kept


TOLD_THRICE = (at(24, 9), at(24, 11), at(24, 13))
LAPSE_CASES = [
    # (case, level, now, held back, episode, told; tell now, retry at, next promise)
    ("working hours", OFFICE, at(24, 10), None, False, (), True, None, at(24, 14)),
    ("night, business hours", OFFICE, at(24, 22), None, False, (), False, at(25, 7, 30), None),
    ("night, around the clock", ATC, at(24, 22), None, False, (), True, None, at(24, 23)),
    ("allowance spent", OFFICE, at(24, 15), None, False, TOLD_THRICE, False, at(25, 7, 30), None),
    (
        "the day's last notice promises tomorrow",
        ATC,
        at(24, 22),
        None,
        False,
        TOLD_THRICE[:2],
        True,
        None,
        at(25, 7, 30),
    ),
    (
        "yesterday's notices count no more",
        OFFICE,
        at(25, 10),
        None,
        False,
        TOLD_THRICE,
        True,
        None,
        at(25, 14),
    ),
    (
        "Friday night waits for Monday",
        OFFICE,
        at(27, 22),
        None,
        False,
        (),
        False,
        at(30, 7, 30),
        None,
    ),
    (
        "Wednesday night waits past Thanksgiving",
        OFFICE,
        at(25, 22),
        None,
        False,
        (),
        False,
        at(27, 7, 30),
        None,
    ),
    (
        "a held-back notice in the morning",
        OFFICE,
        at(25, 7, 30),
        at(24, 22),
        True,
        (),
        True,
        None,
        at(25, 11, 30),
    ),
    (
        "a service gone from the catalogue",
        None,
        at(24, 10),
        None,
        False,
        (),
        True,
        None,
        at(25, 10),
    ),
]


@pytest.mark.parametrize(
    ("level", "now", "held_back", "episode", "told", "tell", "retry_at", "promise"),
    [case[1:] for case in LAPSE_CASES],
    ids=[case[0] for case in LAPSE_CASES],
)
def test_a_lapse_starts_the_ladder_once_and_tells_the_partner_only_when_the_rules_allow(
    level: ServiceLevel | None,
    now: dt.datetime,
    held_back: dt.datetime | None,
    episode: bool,
    told: tuple[dt.datetime, ...],
    tell: bool,
    retry_at: dt.datetime | None,
    promise: dt.datetime | None,
) -> None:
    promised = held_back or now
    decided = lapse(
        CALENDAR,
        level,
        now=now,
        promised=promised,
        held_back=held_back,
        episode=episode,
        told=told,
    )
    assert decided.missed == promised
    assert decided.first_seen is (held_back is None)
    assert decided.starts_ladder is not episode
    assert (decided.tell_partner, decided.retry_at, decided.next_promise) == (
        tell,
        retry_at,
        promise,
    )


def test_lapse_cases_have_unique_names() -> None:
    assert len({case[0] for case in LAPSE_CASES}) == len(LAPSE_CASES)
