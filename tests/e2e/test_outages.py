"""Outages and maintenance end to end: who hears, once each, and what happens next."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app.local import LocalLiaison
from bot.domain.errors import NotPermitted
from simulator.model import SimMessage
from storage import outages
from tests.e2e.helpers import PAT, file_request, open_form, outbox_depth, stored

pytestmark = pytest.mark.e2e
SAM, ALEX, MORGAN, JORDAN, CASEY = "U0SAM", "U0ALEX", "U0MORGAN", "U0JORDAN", "U0CASEY"
ANNOUNCE = "C0ANNOUNCE"


async def declare(
    liaison: LocalLiaison,
    *,
    user: str = SAM,
    service: str = "network",
    summary: str = "No network in buildings 4 and 5",
    workaround: str | None = None,
    hours: float = 1,
) -> None:
    """A technician declares an outage through `/request outage` and its modal."""
    result = await liaison.slack.command(user, "/request", "outage")
    assert result.ok, result.error
    view = await liaison.slack.wait_for_view(user)
    values: dict[str, object] = {
        "service": service,
        "outage_kind": "outage",
        "outage_summary": summary,
        "outage_next_update": _at(liaison, hours=hours),
    }
    if workaround is not None:
        values["outage_workaround"] = workaround
    submitted = await liaison.slack.submit_view(user, values, view_id=view.id)
    assert submitted.ok and submitted.closed, submitted.errors
    await liaison.settle()


async def schedule(
    liaison: LocalLiaison, *, service: str = "email", start_in: float = 3, hours: float = 2
) -> None:
    """A technician schedules maintenance through `/request maintenance`."""
    await liaison.slack.command(SAM, "/request", "maintenance")
    view = await liaison.slack.wait_for_view(SAM)
    values = {
        "service": service,
        "outage_starts_at": _at(liaison, hours=start_in),
        "outage_ends_at": _at(liaison, hours=start_in + hours),
        "outage_summary": "Mail is unavailable while the servers are patched",
    }
    submitted = await liaison.slack.submit_view(SAM, values, view_id=view.id)
    assert submitted.closed, submitted.errors
    await liaison.settle()


async def from_the_list(
    liaison: LocalLiaison, user: str, action_id: str, values: dict[str, object], number: int = 1
) -> None:
    """Run `/request outages`, press Update… or Resolve… on one entry and submit its modal."""
    await liaison.slack.command(user, "/request", "outages")
    await liaison.settle()
    listing = _with_action(liaison.slack.ephemerals(user), action_id)
    await liaison.slack.click(
        user, channel=listing.channel, ts=listing.ts, action_id=action_id, value=str(number)
    )
    view = await liaison.slack.wait_for_view(user)
    submitted = await liaison.slack.submit_view(user, values, view_id=view.id)
    assert submitted.closed, submitted.errors
    await liaison.settle()


def about(liaison: LocalLiaison, user: str, text: str) -> list[SimMessage]:
    """Top-level DMs to a person that mention `text` (requests' own threads are not counted)."""
    return [m for m in liaison.slack.dm_messages(user) if text in m.rendered]


def _at(liaison: LocalLiaison, *, hours: float) -> int:
    return int((liaison.clock.now() + dt.timedelta(hours=hours)).timestamp())


def _with_action(messages: list[SimMessage], action_id: str) -> SimMessage:
    return [m for m in messages if action_id in m.action_ids()][-1]


def _thread_text(liaison: LocalLiaison, message: SimMessage) -> str:
    return " ".join(m.rendered for m in liaison.slack.thread(message.channel, message.ts)[1:])


async def _outage_id(liaison: LocalLiaison, number: int = 1) -> int:
    async with liaison.runtime.database.reading() as session:
        row = await outages.get_outage(session, number=number)
    assert row is not None
    return row.id


async def test_a_declared_outage_reaches_each_affected_partner_once_and_the_channel(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, PAT, summary="VPN drops every hour")
    await file_request(liaison, PAT, summary="Wall jack dead in room 210")
    await file_request(liaison, CASEY, summary="Slow network in the hangar")
    await file_request(liaison, JORDAN, service="email", summary="Mailbox full")

    await declare(liaison, summary="No network in buildings 4 & 5 <!channel>")

    assert len(about(liaison, PAT, "OUT-1")) == 1, "two open requests, one message"
    assert len(about(liaison, CASEY, "OUT-1")) == 1
    assert about(liaison, JORDAN, "OUT-1") == [], "requests on other services are not told"
    [told] = about(liaison, PAT, "OUT-1")
    assert "next update by" in told.rendered.lower() or "hear from us again by" in told.rendered
    assert "<!channel>" not in str(told.blocks), "typed text is escaped"
    [post] = liaison.slack.messages(ANNOUNCE)
    assert "OUT-1" in post.rendered and "Network" in post.rendered
    assert "buildings 4 &amp; 5" in str(post.blocks)
    declared = [e for e in liaison.slack.ephemerals(SAM) if "OUT-1" in e.rendered]
    assert declared and "2 people" in declared[-1].rendered


async def test_a_new_filing_during_an_outage_shows_it_first_and_follow_updates_the_form(
    liaison: LocalLiaison,
) -> None:
    await declare(liaison)
    await open_form(liaison, JORDAN)
    view = liaison.slack.open_view(JORDAN)
    assert view is not None
    assert view.blocks[1]["block_id"] == "outage_banner:1", "the banner comes first"
    assert "OUT-1" in view.rendered and "Network" in view.rendered
    assert "outage_follow" in view.action_ids()

    await liaison.slack.click_in_view(JORDAN, "outage_follow", value="1")
    await liaison.settle()

    async with liaison.runtime.database.reading() as session:
        followers = await outages.followers(session, outage_id=await _outage_id(liaison))
    assert followers == [JORDAN]
    updated = liaison.slack.open_view(JORDAN)
    assert updated is not None and updated.id == view.id
    assert "You are following OUT-1" in updated.rendered
    assert "outage_follow" not in updated.action_ids()
    assert "close this form" in updated.rendered
    # A second form for the same person remembers that they follow.
    await liaison.slack.close_view(JORDAN)
    await open_form(liaison, JORDAN)
    again = liaison.slack.open_view(JORDAN)
    assert again is not None and "You are following OUT-1" in again.rendered


async def test_filing_anyway_links_the_request_and_says_so_in_both_threads(
    liaison: LocalLiaison,
) -> None:
    await declare(liaison)
    await file_request(liaison, PAT, summary="Cannot reach the share drive")

    row = await stored(liaison, 1)
    assert row is not None and row.outage_id == await _outage_id(liaison)
    [ack] = liaison.slack.dm_messages(PAT)
    assert "linked your request" in _thread_text(liaison, ack)
    [card] = liaison.slack.messages(liaison.workspace.triage_channel)
    assert "Filed during OUT-1" in _thread_text(liaison, card)
    await file_request(liaison, JORDAN, service="printers", summary="Printer jams")
    other = await stored(liaison, 2)
    assert other is not None and other.outage_id is None, "other services are not linked"


async def test_an_update_reaches_followers_and_linked_partners_with_what_changed(
    liaison: LocalLiaison,
) -> None:
    await declare(liaison)
    await open_form(liaison, JORDAN)
    await liaison.slack.click_in_view(JORDAN, "outage_follow", value="1")
    await liaison.slack.close_view(JORDAN)
    await file_request(liaison, CASEY, summary="Hangar offline")  # linked

    next_update = _at(liaison, hours=2)
    await from_the_list(
        liaison,
        SAM,
        "outage_update",
        {
            "outage_message": "The carrier has a crew on site",
            "outage_workaround": "Use the SIPR drop in room 12",
            "outage_next_update": next_update,
        },
    )

    for partner in (JORDAN, CASEY):
        [update] = about(liaison, partner, "carrier has a crew")
        assert "workaround" in update.rendered.lower() and "room 12" in update.rendered
        assert "next update time" in update.rendered, "says what changed"
        assert f"<!date^{next_update}^" in str(update.blocks), "and when they hear next"
    [post] = liaison.slack.messages(ANNOUNCE)
    assert post.edits, "the announcement is kept up to date in place"
    assert "carrier has a crew" in _thread_text(liaison, post)


async def test_maintenance_reminds_before_it_starts_and_says_when_it_ends(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, PAT, service="email", summary="Outlook crashes")
    start = liaison.clock.now() + dt.timedelta(hours=3)
    end = start + dt.timedelta(hours=2)
    await schedule(liaison, start_in=3, hours=2)
    [planned] = about(liaison, PAT, "OUT-1")
    assert "Planned maintenance" in planned.rendered and "remind you" in planned.rendered

    await liaison.advance(dt.timedelta(hours=1, minutes=59))
    assert about(liaison, PAT, "Reminder") == []
    await liaison.advance(dt.timedelta(minutes=2))
    [reminder] = about(liaison, PAT, "Reminder")
    assert start - dt.timedelta(hours=1) <= liaison.clock.now() < start
    assert "tell you when it is over" in reminder.rendered

    await liaison.advance(end - liaison.clock.now() - dt.timedelta(minutes=1))
    assert about(liaison, PAT, "Maintenance complete") == [], "not before the end"
    await liaison.advance(dt.timedelta(minutes=2))
    [done] = about(liaison, PAT, "Maintenance complete")
    assert "last message about OUT-1" in done.rendered
    [post] = liaison.slack.messages(ANNOUNCE)
    assert "Maintenance complete" in post.rendered
    assert "Reminder" in _thread_text(liaison, post) and "Complete" in _thread_text(liaison, post)


async def test_maintenance_starting_within_the_hour_is_reminded_at_once(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, PAT, service="email")
    await schedule(liaison, start_in=0.5, hours=1)
    assert len(about(liaison, PAT, "Reminder")) == 1


async def test_resolution_reaches_500_followers_exactly_once_through_rate_limits(
    liaison: LocalLiaison,
) -> None:
    followers = [f"U0F{i:04d}" for i in range(500)]
    for user in followers:
        liaison.slack.add_user(user, user.lower())
    await declare(liaison)
    for user in followers:
        await liaison.runtime.outages.follow(1, user=user)
    liaison.slack.faults.rate_limit("chat.postMessage", per_minute=50)

    await from_the_list(liaison, SAM, "outage_resolve", {"outage_resolution": "Fibre spliced"})
    for _ in range(40):
        if not await outbox_depth(liaison):
            break
        await liaison.advance(dt.timedelta(seconds=30))

    assert await outbox_depth(liaison) == 0
    limited = [c for c in liaison.slack.calls_to("chat.postMessage") if c.status == 429]
    assert limited, "Slack did rate-limit the fan-out"
    for user in followers:
        [message] = liaison.slack.dm_messages(user)
        assert "Resolved" in message.rendered and "Fibre spliced" in message.rendered


async def test_resolving_offers_to_resolve_the_linked_requests_together(
    liaison: LocalLiaison,
) -> None:
    await declare(liaison)
    await file_request(liaison, PAT, summary="No network in room 210")
    await file_request(liaison, CASEY, summary="Hangar offline")
    await file_request(liaison, JORDAN, summary="Cannot print to the plotter")
    [ack] = liaison.slack.dm_messages(JORDAN)
    await liaison.slack.click(JORDAN, channel=ack.channel, ts=ack.ts, action_id="req_withdraw")
    await liaison.settle()

    await from_the_list(
        liaison, SAM, "outage_resolve", {"outage_resolution": "The carrier replaced the fibre"}
    )
    offer = _with_action(liaison.slack.ephemerals(SAM), "outage_resolve_linked")
    assert "Resolve 2 linked requests" in offer.rendered
    await liaison.slack.click(
        SAM, channel=offer.channel, ts=offer.ts, action_id="outage_resolve_linked", value="1"
    )
    await liaison.settle()

    for number in (1, 2):
        row = await stored(liaison, number)
        assert row is not None and row.status == "resolved"
    withdrawn = await stored(liaison, 3)
    assert withdrawn is not None and withdrawn.status == "withdrawn"
    [pat_ack] = liaison.slack.dm_messages(PAT)[:1]
    thread = _thread_text(liaison, pat_ack)
    assert "REQ-1* has been resolved together with OUT-1" in thread
    assert "Is it working for you now?" in thread
    assert "The carrier replaced the fibre" not in thread, "said once, in the outage's message"
    [resolved] = [m for m in liaison.slack.dm_messages(PAT) if "Resolved: outage" in m.rendered]
    assert "The carrier replaced the fibre" in resolved.rendered
    result = liaison.slack.ephemerals(SAM)[-1]
    assert "REQ-1" in result.rendered and "REQ-2" in result.rendered


@pytest.mark.parametrize("sub", ["outage", "maintenance"])
async def test_a_partner_may_not_declare_and_is_told_why(liaison: LocalLiaison, sub: str) -> None:
    result = await liaison.slack.command(PAT, "/request", sub)
    assert result.ok
    await liaison.settle()
    [refusal] = liaison.slack.ephemerals(PAT)
    assert "Only technicians" in refusal.text and "/request outages" in refusal.text
    assert liaison.slack.open_view(PAT) is None
    assert liaison.slack.messages(ANNOUNCE) == []


async def test_a_supervisor_may_declare(liaison: LocalLiaison) -> None:
    await declare(liaison, user=MORGAN)
    assert len(liaison.slack.messages(ANNOUNCE)) == 1


async def test_the_list_shows_current_and_upcoming_with_buttons_for_technicians(
    liaison: LocalLiaison,
) -> None:
    await declare(liaison)
    await schedule(liaison, start_in=24)

    await liaison.slack.command(PAT, "/request", "outages")
    await liaison.settle()
    [listing] = liaison.slack.ephemerals(PAT)
    text = listing.rendered
    assert text.index("Current outages") < text.index("OUT-1") < text.index("Upcoming")
    assert text.index("Upcoming maintenance") < text.index("OUT-2")
    assert listing.action_ids() == []

    await liaison.slack.command(ALEX, "/request", "outages")
    await liaison.settle()
    [listing] = liaison.slack.ephemerals(ALEX)
    assert listing.action_ids().count("outage_update") == 2
    assert listing.action_ids().count("outage_resolve") == 2


async def test_requests_filed_before_the_declaration_are_offered_for_linking(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, PAT, summary="No network in room 210")
    await file_request(liaison, CASEY, summary="Hangar offline")
    await file_request(liaison, JORDAN, service="email", summary="Mailbox full")
    await declare(liaison)
    offer = _with_action(liaison.slack.ephemerals(SAM), "outage_link_open")
    assert "2 open requests on *Network" in str(offer.blocks)
    assert "REQ-1, REQ-2" in offer.rendered and "REQ-3" not in offer.rendered
    await liaison.slack.click(
        SAM, channel=offer.channel, ts=offer.ts, action_id="outage_link_open", value="1"
    )
    await liaison.settle()

    assert "Linked REQ-1, REQ-2 to OUT-1" in liaison.slack.ephemerals(SAM)[-1].rendered
    for number in (1, 2):
        row = await stored(liaison, number)
        assert row is not None and row.outage_id == await _outage_id(liaison)
    unrelated = await stored(liaison, 3)
    assert unrelated is not None and unrelated.outage_id is None
    [pat_ack] = liaison.slack.dm_messages(PAT)[:1]
    assert "We have linked your request" in _thread_text(liaison, pat_ack)
    card = liaison.slack.messages("C0TRIAGE")[0]
    notes = [m.rendered for m in liaison.slack.thread(card.channel, card.ts)[1:]]
    assert any(
        "Linked to OUT-1 (outage of Network (NIPR/SIPR connectivity)) by @sam" in n for n in notes
    )

    await liaison.slack.click(
        SAM, channel=offer.channel, ts=offer.ts, action_id="outage_link_open", value="1"
    )
    await liaison.settle()
    assert "No open request on Network" in liaison.slack.ephemerals(SAM)[-1].rendered
    await from_the_list(
        liaison, SAM, "outage_resolve", {"outage_resolution": "The carrier replaced the fibre"}
    )
    offer = _with_action(liaison.slack.ephemerals(SAM), "outage_resolve_linked")
    assert "Resolve 2 linked requests" in offer.rendered


async def test_only_technicians_and_supervisors_may_link_requests(liaison: LocalLiaison) -> None:
    await file_request(liaison, PAT, summary="No network in room 210")
    await declare(liaison)
    with pytest.raises(NotPermitted):
        await liaison.runtime.outages.links.link_open(1, actor=PAT)
    row = await stored(liaison, 1)
    assert row is not None and row.outage_id is None
