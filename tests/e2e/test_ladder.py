"""A scripted week of a shop: silence is answered by escalation, never by repetition.

The clock starts Monday 23 November 2026 at 09:00 in New York (14:00 UTC); digests go to the
supervisors' channel at 07:45 there. Each test counts what the partner, the technicians and
the supervisors received.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app.local import LocalLiaison
from bot.supervisors.export import export_record
from storage import history, outages
from storage.export import stream_export
from storage.models import Outage
from tests.e2e.helpers import PAT, file_request, stored
from tests.e2e.test_outages import about, declare, from_the_list
from tests.e2e.test_triage import card, card_thread, modal, partner_thread, press

pytestmark = pytest.mark.e2e
SAM = "U0SAM"
MORGAN = "U0MORGAN"
HOUR = dt.timedelta(hours=1)
MONDAY_3PM = dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.UTC)
LATE = "did not send"


async def kinds(liaison: LocalLiaison, number: int = 1) -> list[str]:
    row = await stored(liaison, number)
    assert row is not None
    async with liaison.runtime.database.reading() as session:
        return [e.kind for e in await history.timeline(session, request_id=row.id)]


def supervisors_heard(liaison: LocalLiaison) -> list[str]:
    """What reached the supervisors about requests, digests aside (channel and DMs)."""
    channel = liaison.workspace.supervisor_channel
    texts = [m.rendered for m in liaison.slack.messages(channel)]
    texts += [m.rendered for m in liaison.slack.dm_messages(MORGAN)]
    return [t for t in texts if "digest" not in t.lower()]


def digests(liaison: LocalLiaison) -> list[str]:
    channel = liaison.workspace.supervisor_channel
    return [m.rendered for m in liaison.slack.messages(channel) if "digest" in m.rendered.lower()]


async def outage_row(liaison: LocalLiaison, number: int = 1) -> Outage:
    async with liaison.runtime.database.reading() as session:
        row = await outages.get_outage(session, number=number)
    assert row is not None
    return row


async def neglected_p1(liaison: LocalLiaison) -> None:
    """A P1 claimed at 15:00 on Monday that nobody touches again."""
    await liaison.clock.set(MONDAY_3PM)
    await file_request(liaison, impact="stopped", needed_by="2026-11-23")
    assert (await stored(liaison, 1)).priority == "P1"  # type: ignore[union-attr]
    await press(liaison, SAM, "req_claim")  # the partner is promised an update by 16:00


async def test_a_neglected_p1_climbs_the_ladder_once_overnight(liaison: LocalLiaison) -> None:
    await neglected_p1(liaison)
    await liaison.skip_ahead(24 * HOUR)  # until Tuesday 15:00

    # The partner: the claim, then at most three "no news" notices a shop day, each different.
    notices = [m.rendered for m in partner_thread(liaison) if LATE in m.rendered]
    assert len(notices) == 6, "three on Monday evening, three from Tuesday's opening"
    assert len(set(notices)) == len(notices)
    assert all("In progress" in n and "@sam" in n for n in notices)
    # Monday's third promises Tuesday's opening (07:30 in New York), and that one is kept.
    assert "hear from us by today at 12:30 PM" in notices[2]
    assert "by today at 12:30 PM and did not send" in notices[3]

    # The technicians: one nudge before the promise, then one note per rung, nothing hourly.
    thread = [m.rendered for m in card_thread(liaison)]
    assert sum("owed an update" in t for t in thread) == 1
    assert sum("🔔" in t for t in thread) == 2
    assert sum("🔺" in t for t in thread) == 1
    # Claim, nudge, assignee, triage, and the resolution target's warning and breach.
    assert len(thread) == 6 and sum("resolution target" in t for t in thread) == 2

    # The supervisors: one message naming the request, the promise and how late it is.
    [alert] = supervisors_heard(liaison)
    assert "REQ-1" in alert and "promised an update" in alert and "1 h ago" in alert

    history_kinds = await kinds(liaison)
    assert history_kinds.count("promise_escalated_assignee") == 1
    assert history_kinds.count("promise_escalated_triage") == 1
    assert history_kinds.count("promise_escalated_supervisors") == 1
    assert history_kinds.count("promise_lapsed") == 6


async def test_an_answer_stops_the_ladder_and_the_digest_counts_it(
    liaison: LocalLiaison,
) -> None:
    await neglected_p1(liaison)
    await liaison.skip_ahead(3 * HOUR)  # 18:00: the supervisors heard at 17:00
    assert len(supervisors_heard(liaison)) == 1
    await modal(liaison, SAM, "req_message", {"message": "Core switch replaced, testing now"})
    assert "promise_answered" in await kinds(liaison)
    before = len(card_thread(liaison))
    await liaison.skip_ahead(30 * dt.timedelta(minutes=1))
    await modal(liaison, SAM, "req_resolve", {"resolution": "Switch replaced; links are up."})
    await liaison.skip_ahead(15 * HOUR)  # past Tuesday's digest
    assert len(supervisors_heard(liaison)) == 1, "no new escalation after the answer"
    assert not [t.rendered for t in card_thread(liaison)[before:] if "🔺" in t.rendered]
    [tuesday] = [d for d in digests(liaison) if "Daily digest" in d]
    assert "lapsed: *3*" in tuesday
    assert "Lapses escalated: *1*" in tuesday
    assert "to supervisors: *1*" in tuesday
    assert "answered after escalation: *1*" in tuesday


async def test_office_hours_requests_send_the_partner_nothing_at_night(
    liaison: LocalLiaison,
) -> None:
    await liaison.clock.set(MONDAY_3PM)
    await file_request(liaison, impact="stopped")  # P2: business hours, update every 4 h
    await press(liaison, SAM, "req_claim")
    await liaison.skip_ahead(40 * HOUR)  # until Wednesday 07:00 in New York
    calendar = liaison.runtime.catalogue.calendar
    late = [m for m in partner_thread(liaison) if LATE in m.rendered]
    assert late, "the promise lapsed during Tuesday's working hours"
    for message in late:
        sent = dt.datetime.fromtimestamp(float(message.ts), tz=dt.UTC)
        assert calendar.is_working_time(sent), sent
    assert PAT


async def test_a_missed_outage_update_is_held_truthfully_and_escalated_once(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, PAT, summary="VPN drops every hour")
    await declare(liaison, hours=2)  # "next update by" 16:00 in New York
    promised = (await outage_row(liaison)).next_update_due
    assert promised is not None

    await liaison.skip_ahead(dt.timedelta(hours=1, minutes=45))
    [nudge] = [m for m in liaison.slack.dm_messages(SAM) if "promised an update" in m.rendered]
    assert "OUT-1" in nudge.rendered
    assert about(liaison, PAT, "No news yet") == []

    await liaison.skip_ahead(dt.timedelta(minutes=15))  # the promise lapses
    [held] = about(liaison, PAT, "No news yet")
    assert "No new information yet" in held.rendered and "still working" in held.rendered
    row = await outage_row(liaison)
    assert row.next_update_due is not None and row.next_update_due > liaison.clock.now()
    assert f"<!date^{int(row.next_update_due.timestamp())}^" in str(held.blocks)
    [alert] = [t for t in supervisors_heard(liaison) if "OUT-1" in t]
    assert "was not posted" in alert and "1 partner" in alert

    # Still silent: the partner hears at most three times that day; supervisors only once.
    await liaison.skip_ahead(12 * HOUR)
    assert len(about(liaison, PAT, "No news yet")) == 3
    assert len([t for t in supervisors_heard(liaison) if "OUT-1" in t]) == 1
    # Nothing anyone sees shows a promised time that has already passed.
    board = await liaison.runtime.outages.board(viewer=SAM)
    [current] = board.current
    now = liaison.clock.now()
    assert current.next_update_due is None or current.next_update_due > now
    assert current.update_overdue_since is None or current.update_overdue_since <= now

    # An update posted in time keeps the promise; the digest counts kept and lapsed.
    row = await outage_row(liaison)
    assert row.next_update_due is not None
    await liaison.clock.set(row.next_update_due - dt.timedelta(minutes=5))
    await liaison.settle()
    later = int((liaison.clock.now() + 2 * HOUR).timestamp())
    update = {"outage_message": "Carrier crew on site", "outage_next_update": later}
    await from_the_list(liaison, SAM, "outage_update", update)
    await from_the_list(liaison, SAM, "outage_resolve", {"outage_resolution": "Fibre spliced"})
    await liaison.skip_ahead(24 * HOUR)
    daily = [d for d in digests(liaison) if "Daily digest" in d]
    # The update and the resolution each came before the time then promised.
    assert any("Outage updates on time: *2* (0), lapsed: *3* (0)" in d for d in daily), daily


async def test_an_expired_outage_promise_is_shown_as_overdue_not_ahead(
    liaison: LocalLiaison,
) -> None:
    await declare(liaison, hours=1)
    await liaison.clock.advance(dt.timedelta(hours=1, minutes=1))  # no pass has run yet
    board = await liaison.runtime.outages.board(viewer=SAM)
    [current] = board.current
    assert current.next_update_due is None and current.update_overdue_since is not None
    banners = await liaison.runtime.outages.banners(viewer=PAT)
    assert banners[0].next_update_due is None and banners[0].update_overdue_since is not None
    await liaison.settle()  # the lapse fires: a holding message and a new promise
    [current] = (await liaison.runtime.outages.board(viewer=SAM)).current
    assert current.next_update_due is not None and current.next_update_due > liaison.clock.now()


async def test_a_request_raised_to_p1_takes_p1_targets_from_when_it_was_opened(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="workaround")  # P4, Monday 09:00 in New York
    opened = liaison.clock.now()
    row = await stored(liaison, 1)
    assert row is not None and row.priority == "P4"
    await liaison.skip_ahead(45 * dt.timedelta(minutes=1))
    await modal(liaison, SAM, "req_priority", {"priority": "P1", "reason": "The wing is down"})

    row = await stored(liaison, 1)
    assert row is not None and row.priority == "P1"
    # P1: first response 30 min and resolution 4 h around the clock, from the opening.
    assert row.first_response_due == opened + dt.timedelta(minutes=30)
    assert row.resolution_due == opened + 4 * HOUR
    # The first response was already 15 minutes late under P1: breached at once, shown, said.
    assert row.first_response_breached_at == liaison.clock.now()
    assert "*First response*\nMissed by 15 min" in card(liaison).rendered
    breaches = [m for m in card_thread(liaison) if "target was due" in m.rendered]
    assert len(breaches) == 1
    history_kinds = await kinds(liaison)
    assert "targets_moved" in history_kinds and "first_response_breached" in history_kinds

    # The resolution clock now runs as a P1's: warned at 3 h, breached at 4 h, once each.
    await liaison.skip_ahead(4 * HOUR)
    thread = [m.rendered for m in card_thread(liaison)]
    assert sum("resolution target is due" in t for t in thread) == 1
    assert sum("resolution target was due" in t for t in thread) == 1
    row = await stored(liaison, 1)
    assert row is not None and row.resolution_breached_at == opened + 4 * HOUR

    await liaison.skip_ahead(20 * HOUR)  # Tuesday's digest counts it as a P1
    [daily] = [d for d in digests(liaison) if "Daily digest" in d]
    assert "P1" in daily and "P4" not in daily.split("*Targets")[0]


async def test_time_waiting_on_the_partner_moves_the_target_even_if_resolved_while_waiting(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="stopped")  # P2: resolution one working day (9 h)
    await press(liaison, SAM, "req_claim")
    row = await stored(liaison, 1)
    assert row is not None
    due = row.resolution_due
    await liaison.skip_ahead(2 * HOUR)
    await modal(
        liaison, SAM, "req_update", {"status": "waiting_partner", "partner_message": "Which room?"}
    )
    await liaison.skip_ahead(8 * HOUR)  # past the original target, still waiting
    await modal(liaison, SAM, "req_resolve", {"resolution": "Found it myself: room 12"})

    row = await stored(liaison, 1)
    assert row is not None and row.resolved_at is not None
    assert row.paused_seconds > 0
    assert row.resolution_due > due and row.resolved_at <= row.resolution_due
    assert row.resolution_breached_at is None
    # The export (and the poll's facts, computed the same way) and the digest agree: met.
    async with liaison.runtime.database.reading() as session:
        exported = [export_record(r) async for r in stream_export(session, since=row.opened_at)]
    assert [(r["resolution_met"], r["paused_seconds"]) for r in exported] == [
        (True, row.paused_seconds)
    ]
    await liaison.skip_ahead(24 * HOUR)
    [daily] = [d for d in digests(liaison) if "Daily digest" in d]
    assert "Resolution target met: *100 % (1 of 1)*" in daily
