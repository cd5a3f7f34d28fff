"""What each person sees once things move on: spent buttons, live alerts, outcomes, dates."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.app.local import LocalLiaison
from simulator.model import SimMessage
from tests.e2e.helpers import PAT, file_request, stored
from tests.e2e.test_closing import in_thread, kinds, poll_id, resolved_request
from tests.e2e.test_outages import declare
from tests.e2e.test_triage import card, card_thread, modal, partner_thread, press, refusals

pytestmark = pytest.mark.e2e
SAM, ALEX, MORGAN, JORDAN = "U0SAM", "U0ALEX", "U0MORGAN", "U0JORDAN"
DAY = dt.timedelta(days=1)
PEOPLE = ("U0PAT", "U0JORDAN", "U0CASEY", SAM, ALEX, MORGAN)
DATE = re.compile(r"<!date\^(\d+)\^([^|>]*)\|([^>]*)>")
FORMATS = {"{date_short_pretty} at {time}", "{date_short_pretty}", "{ago}"}
FALLBACK = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}( at \d{1,2}:\d{2} [AP]M E[SD]T)?$")


async def click(liaison: LocalLiaison, user: str, message: SimMessage, action_id: str) -> None:
    """Click `action_id` on the message as `user` last saw it (an older version, maybe)."""
    await liaison.slack.click(user, channel=message.channel, ts=message.ts, action_id=action_id)
    await liaison.settle()


def now_of(liaison: LocalLiaison, message: SimMessage) -> SimMessage:
    current = liaison.slack.message(message.channel, message.ts)
    assert current is not None
    return current


def alerts(liaison: LocalLiaison) -> list[SimMessage]:
    return liaison.slack.messages(liaison.workspace.supervisor_channel)


async def test_yes_its_fixed_spends_the_buttons_and_an_old_no_never_reopens(
    liaison: LocalLiaison,
) -> None:
    await resolved_request(liaison)
    resolution = in_thread(liaison, "req_still_broken")
    await click(liaison, PAT, resolution, "req_confirm_fixed")

    answered = now_of(liaison, resolution)
    assert answered.action_ids() == []
    assert "You confirmed it is fixed" in answered.rendered
    assert "Replaced the switch" in answered.rendered  # what was fixed stays on the record
    assert "You confirmed it is fixed" in answered.text

    # A client still showing the old message: the click arrives and gets a plain answer.
    await click(liaison, PAT, resolution, "req_still_broken")
    assert liaison.slack.modal_stack(PAT) == []
    [answer] = refusals(liaison, PAT)
    assert answer.startswith("REQ-1 is closed: you confirmed it was fixed.")
    assert "file a new request" in answer
    row = await stored(liaison, 1)
    assert row is not None and row.status == "closed"
    assert "reopen" not in await kinds(liaison)


async def test_still_broken_spends_the_resolution_buttons(liaison: LocalLiaison) -> None:
    await resolved_request(liaison)
    resolution = in_thread(liaison, "req_still_broken")
    await click(liaison, PAT, resolution, "req_still_broken")
    await liaison.slack.wait_for_view(PAT)
    await liaison.slack.submit_view(PAT, {"reopen_reason": "Still no dial tone"})
    await liaison.settle()

    answered = now_of(liaison, resolution)
    assert answered.action_ids() == []
    assert "You said it is still broken" in answered.rendered
    await click(liaison, PAT, resolution, "req_confirm_fixed")  # the old Yes, from a stale client
    assert any("in progress, so it cannot be confirmed" in t for t in refusals(liaison, PAT))
    row = await stored(liaison, 1)
    assert row is not None and row.status == "in_progress"


async def test_a_second_claim_from_a_stale_card_is_told_who_has_it(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    before = card(liaison)
    await press(liaison, SAM, "req_claim")
    assert "req_claim" not in card(liaison).action_ids()
    await click(liaison, ALEX, before, "req_claim")
    assert refusals(liaison, ALEX) == ["REQ-1 is already claimed by <@U0SAM>."]
    row = await stored(liaison, 1)
    assert row is not None and row.assignee_id == SAM


async def test_the_link_offer_becomes_its_answer(liaison: LocalLiaison) -> None:
    await file_request(liaison, PAT, summary="No network in room 210")
    await declare(liaison)
    [offer] = [m for m in liaison.slack.ephemerals(SAM) if "outage_link_open" in m.action_ids()]
    await click(liaison, SAM, offer, "outage_link_open")
    spent = [m for m in liaison.slack.ephemerals(SAM) if m.ts == offer.ts]
    assert spent and spent[0].action_ids() == []
    assert "Linked REQ-1 to OUT-1" in spent[0].rendered


async def test_the_low_score_alert_follows_every_answer_in_place(liaison: LocalLiaison) -> None:
    await resolved_request(liaison)
    # Nobody answers: it closes by itself, and the partner may still reopen it for a while.
    await liaison.advance(4 * DAY)
    closed = in_thread(liaison, "req_reopen")
    poll = in_thread(liaison, "poll_rate")
    pid = poll_id(poll)
    await liaison.slack.click(
        PAT, channel=poll.channel, ts=poll.ts, action_id="poll_rate:1", value=f"{pid}:1"
    )
    await liaison.settle()
    [alert] = alerts(liaison)
    assert "rated 1 of 5" in alert.rendered and "Kept informed" not in alert.rendered

    await liaison.slack.click(
        PAT, channel=poll.channel, ts=poll.ts, action_id="poll_informed:no", value=f"{pid}:no"
    )
    await liaison.settle()
    await liaison.slack.click(
        PAT, channel=poll.channel, ts=poll.ts, action_id="poll_comment_open", value=pid
    )
    await liaison.slack.wait_for_view(PAT)
    await liaison.slack.submit_view(PAT, {"poll_comment": "Nobody told me anything"})
    await liaison.settle()
    [alert] = alerts(liaison)  # still the one message, rewritten
    assert "Kept informed: *No*" in alert.rendered and "Nobody told me anything" in alert.rendered
    assert "Kept informed: No" in alert.text and "Nobody told me anything" in alert.text
    assert "Reopened" not in alert.rendered

    await click(liaison, PAT, closed, "req_reopen")
    await liaison.slack.wait_for_view(PAT)
    await liaison.slack.submit_view(PAT, {"reopen_reason": "It dropped again"})
    await liaison.settle()
    [alert] = alerts(liaison)
    assert "the partner reopened REQ-1" in alert.rendered
    assert "Reopened: the partner reopened REQ-1" in alert.text
    assert "follow_up_take" in alert.action_ids()
    assert now_of(liaison, closed).action_ids() == []  # the closed message's Reopen is spent
    assert "You reopened it" in now_of(liaison, closed).rendered

    await click(liaison, MORGAN, alert, "follow_up_take")
    [alert] = alerts(liaison)
    assert "@morgan is following up" in alert.rendered
    assert "Kept informed: *No*" in alert.rendered and "the partner reopened" in alert.rendered


async def test_the_card_says_how_each_target_went_and_drops_spent_deadlines(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    fresh = card(liaison).rendered
    assert "First response due" in fresh and "Resolution due" in fresh

    await liaison.advance(dt.timedelta(minutes=12))
    await press(liaison, SAM, "req_claim")
    claimed = card(liaison)
    assert "First response due" not in claimed.rendered
    assert "*First response*\nMet, 12 min" in claimed.rendered
    assert "First response: met, 12 min" in claimed.text
    assert "Resolution due" in claimed.rendered

    row = await stored(liaison, 1)
    assert row is not None
    late = row.resolution_due - liaison.clock.now() + dt.timedelta(hours=2)
    await liaison.advance(late)
    await modal(liaison, SAM, "req_resolve", {"resolution": "Replaced the switch"})
    resolved = card(liaison)
    assert "Resolution due" not in resolved.rendered and "due" not in resolved.text
    assert "*Resolution*\nMissed by 2 h ⚠️" in resolved.rendered
    assert "Resolution: missed by 2 h" in resolved.text
    assert "*First response*\nMet, 12 min" in resolved.rendered


async def test_in_progress_on_an_unclaimed_request_makes_it_theirs_and_says_so_once(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    await modal(
        liaison, SAM, "req_update", {"status": "in_progress", "partner_message": "Looking now"}
    )
    row = await stored(liaison, 1)
    assert row is not None and (row.status, row.assignee_id) == ("in_progress", SAM)
    told = partner_thread(liaison)[-1]
    assert "@sam is working on *REQ-1*" in told.rendered
    assert "not yet assigned" not in told.rendered and "not yet assigned" not in told.text
    assert "@sam" in card(liaison).rendered and "req_claim" not in card(liaison).action_ids()
    assert any("Looking now" in m.rendered for m in card_thread(liaison))


async def test_every_date_anyone_sees_is_written_one_way(liaison: LocalLiaison) -> None:
    await resolved_request(liaison, needed_by="2026-11-27")
    await click(liaison, PAT, in_thread(liaison, "req_confirm_fixed"), "req_confirm_fixed")
    poll = in_thread(liaison, "poll_rate")
    await liaison.slack.click(
        PAT,
        channel=poll.channel,
        ts=poll.ts,
        action_id="poll_rate:1",
        value=f"{poll_id(poll)}:1",
    )
    await liaison.settle()
    await file_request(liaison, JORDAN, summary="Printer jam")
    await declare(liaison)
    await liaison.advance(DAY)

    seen = everything_seen(liaison)
    dates = [d for m in seen for d in DATE.findall(f"{m.text} {m.blocks}")]
    assert len(dates) > 20
    assert {fmt for _, fmt, _ in dates} <= FORMATS
    assert [f for _, _, f in dates if not FALLBACK.match(f)] == []
    shown = " ".join(m.rendered for m in seen)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)  # no ISO days
    assert not re.search(r"(Monday|Tuesday|Wednesday|Thursday|Friday), ", shown)  # no long form
    assert "Needed by Nov 27, 2026" in card_of(liaison, 1).rendered


def card_of(liaison: LocalLiaison, number: int) -> SimMessage:
    return liaison.slack.messages(liaison.workspace.triage_channel)[number - 1]


def everything_seen(liaison: LocalLiaison) -> list[SimMessage]:
    """Every message in every channel, DM and thread, and every ephemeral shown."""
    channels = [
        liaison.workspace.triage_channel,
        liaison.workspace.supervisor_channel,
        liaison.workspace.announcements_channel,
    ]
    channels += [c for c in (liaison.slack.dm_channel(p) for p in PEOPLE) if c]
    seen: list[SimMessage] = []
    for channel in channels:
        for message in liaison.slack.messages(channel):
            seen += liaison.slack.thread(channel, message.ts)
    for person in PEOPLE:
        seen += liaison.slack.ephemerals(person)
    return seen
