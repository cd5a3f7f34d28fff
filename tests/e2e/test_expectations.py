"""Clocks and promises: warn before a target, record the breach, never leave a partner silent."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app.local import LocalLiaison
from storage import history
from tests.e2e.helpers import PAT, file_request, stored
from tests.e2e.test_triage import card, card_thread, modal, partner_thread, press

pytestmark = pytest.mark.e2e
SAM = "U0SAM"
MINUTE = dt.timedelta(minutes=1)


async def kinds(liaison: LocalLiaison, number: int = 1) -> list[str]:
    row = await stored(liaison, number)
    assert row is not None
    async with liaison.runtime.database.reading() as session:
        return [e.kind for e in await history.timeline(session, request_id=row.id)]


def thread_text(liaison: LocalLiaison) -> str:
    return "\n".join(m.rendered for m in card_thread(liaison))


async def test_unclaimed_request_warns_the_channel_then_records_the_breach(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="stopped")  # stopped, no deadline: P2, first response 1 h
    row = await stored(liaison, 1)
    assert row is not None and row.priority == "P2"
    assert row.first_response_due == liaison.clock.now() + dt.timedelta(hours=1)

    await liaison.advance(44 * MINUTE)
    assert "first response" not in thread_text(liaison)
    await liaison.advance(1 * MINUTE)  # 25 % of the target left
    warnings = [m for m in card_thread(liaison) if "⏰" in m.rendered]
    assert len(warnings) == 1
    assert "<!here>" in str(warnings[0].blocks)

    await liaison.advance(15 * MINUTE)
    row = await stored(liaison, 1)
    assert row is not None and row.first_response_breached_at == row.first_response_due
    assert "target was due" in thread_text(liaison)
    assert "*First response*\nMissed (was due" in card(liaison).rendered
    assert "first_response_breached" in await kinds(liaison)


async def test_a_claim_in_time_stops_the_first_response_clock(liaison: LocalLiaison) -> None:
    await file_request(liaison, impact="stopped")
    await press(liaison, SAM, "req_claim")
    await liaison.advance(dt.timedelta(hours=2))
    row = await stored(liaison, 1)
    assert row is not None and row.first_response_breached_at is None
    assert "⏰" not in thread_text(liaison) and "⚠️" not in thread_text(liaison)


async def test_waiting_on_the_partner_pauses_the_resolution_clock(liaison: LocalLiaison) -> None:
    await file_request(liaison, impact="stopped")
    await press(liaison, SAM, "req_claim")
    due_before = (await stored(liaison, 1)).resolution_due  # type: ignore[union-attr]
    await modal(
        liaison, SAM, "req_update", {"status": "waiting_partner", "partner_message": "Which room?"}
    )
    assert "Clock paused" in card(liaison).rendered
    await liaison.advance(dt.timedelta(hours=2))
    await modal(
        liaison, SAM, "req_update", {"status": "in_progress", "partner_message": "Got it, thanks"}
    )
    row = await stored(liaison, 1)
    assert row is not None
    assert row.paused_seconds == 2 * 3600
    assert row.resolution_due == due_before + dt.timedelta(hours=2)  # inside working hours
    assert row.paused_at is None
    assert {"clock_paused", "clock_resumed"} <= set(await kinds(liaison))


async def test_a_missed_promise_gets_a_nudge_then_the_truth_and_a_new_promise(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="stopped")
    await press(liaison, SAM, "req_claim")  # the partner is told; next update due in 4 h (P2)
    row = await stored(liaison, 1)
    assert row is not None and row.next_update_due == liaison.clock.now() + dt.timedelta(hours=4)
    promise = row.next_update_due

    await liaison.advance(dt.timedelta(hours=3, minutes=30))  # nudge 30 min before
    nudges = [m for m in card_thread(liaison) if "owed an update" in m.rendered]
    assert len(nudges) == 1 and "<@U0SAM>" in str(nudges[0].blocks)
    assert len(partner_thread(liaison)) == 1  # still only the claim message

    await liaison.advance(dt.timedelta(minutes=30))
    lapse = partner_thread(liaison)[-1].rendered
    assert "did not send" in lapse and "In progress" in lapse and "a technician took it on" in lapse
    assert "hear from us by" in lapse
    row = await stored(liaison, 1)
    # 4 business hours after 13:00 in New York: 3.5 h today, 0.5 h after 07:30 tomorrow.
    assert promise == dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.UTC)
    assert row is not None and row.next_update_due == dt.datetime(
        2026, 11, 24, 13, 0, tzinfo=dt.UTC
    )
    assert (await kinds(liaison)).count("promise_lapsed") == 1


async def test_a_technician_update_keeps_the_promise_and_resets_it(liaison: LocalLiaison) -> None:
    await file_request(liaison, impact="stopped")
    await press(liaison, SAM, "req_claim")
    await liaison.advance(dt.timedelta(hours=2))
    await modal(liaison, SAM, "req_message", {"message": "Switch replaced, testing now"})
    row = await stored(liaison, 1)
    assert row is not None and row.next_update_due == liaison.clock.now() + dt.timedelta(hours=4)
    await liaison.advance(dt.timedelta(hours=3))  # past the first promise
    assert not any("did not send" in m.rendered for m in partner_thread(liaison))
    assert "promise_kept" in await kinds(liaison)


async def test_a_restart_in_the_due_window_sends_each_due_message_once(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="stopped")
    await liaison.advance(40 * MINUTE)
    await liaison.stop_liaison()
    await liaison.clock.advance(dt.timedelta(hours=5))  # warning, breach and lapse all fell due
    await liaison.restart_stopped()
    await liaison.settle()
    text = [m.rendered for m in card_thread(liaison)]
    assert sum("⏰" in t for t in text) == 1
    assert sum("target was due" in t for t in text) == 1
    assert sum("did not send" in m.rendered for m in partner_thread(liaison)) == 1


async def test_the_partner_can_ask_for_an_update(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await press(liaison, SAM, "req_claim")
    [ack] = liaison.slack.dm_messages(PAT)
    await liaison.slack.click(PAT, channel=ack.channel, ts=ack.ts, action_id="req_ask_update")
    await liaison.settle()
    assert any("asked for an update" in m.rendered for m in card_thread(liaison))
    reply = partner_thread(liaison)[-1].rendered
    assert "We have asked" in reply and "hear from us by" in reply


async def test_p1_runs_around_the_clock(liaison: LocalLiaison) -> None:
    # Friday 27 November 2026, 17:00 in New York: after hours before a weekend.
    await liaison.clock.set(dt.datetime(2026, 11, 27, 22, 0, tzinfo=dt.UTC))
    today = dt.date(2026, 11, 27).isoformat()
    await file_request(liaison, impact="stopped", needed_by=today)
    row = await stored(liaison, 1)
    assert row is not None and row.priority == "P1"
    assert row.first_response_due == liaison.clock.now() + dt.timedelta(minutes=30)
