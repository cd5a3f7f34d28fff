"""Technicians work a request from its card; the partner hears every visible step."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.app.local import LocalLiaison
from simulator.model import SimMessage
from tests.e2e.helpers import PAT, file_request, stored

pytestmark = pytest.mark.e2e
SAM, ALEX, MORGAN, JORDAN = "U0SAM", "U0ALEX", "U0MORGAN", "U0JORDAN"


def card(liaison: LocalLiaison) -> SimMessage:
    [message] = liaison.slack.messages(liaison.workspace.triage_channel)
    return message


def card_thread(liaison: LocalLiaison) -> list[SimMessage]:
    message = card(liaison)
    return liaison.slack.thread(message.channel, message.ts)[1:]


def partner_thread(liaison: LocalLiaison, user: str = PAT) -> list[SimMessage]:
    root = liaison.slack.dm_messages(user)[0]
    return liaison.slack.thread(root.channel, root.ts)[1:]


async def press(liaison: LocalLiaison, user: str, action_id: str) -> None:
    message = card(liaison)
    await liaison.slack.click(user, channel=message.channel, ts=message.ts, action_id=action_id)
    await liaison.settle()


async def modal(
    liaison: LocalLiaison, user: str, action_id: str, values: dict[str, object]
) -> None:
    await press(liaison, user, action_id)
    view = await liaison.slack.wait_for_view(user)
    result = await liaison.slack.submit_view(user, values, view_id=view.id)
    assert result.closed, result.errors
    await liaison.settle()


def refusals(liaison: LocalLiaison, user: str) -> list[str]:
    return [m.text for m in liaison.slack.ephemerals(user)]


async def test_claim_updates_the_card_threads_it_and_tells_the_partner(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, summary="VPN down in bldg 4")
    await press(liaison, SAM, "req_claim")

    row = await stored(liaison, 1)
    assert row is not None and (row.assignee_id, row.status) == (SAM, "in_progress")
    assert row.first_responded_at == liaison.clock.now()
    updated = card(liaison)
    assert updated.edits, "the card is updated in place"
    assert "<@U0SAM>" in str(updated.blocks) and "In progress" in updated.rendered
    assert "req_claim" not in updated.action_ids()
    assert any("claimed" in m.rendered.lower() for m in card_thread(liaison))
    [told] = partner_thread(liaison)
    assert "<@U0SAM>" in told.text or "<@U0SAM>" in str(told.blocks)
    assert "hear from us by" in told.rendered


async def test_twenty_simultaneous_claims_make_one_assignee(liaison: LocalLiaison) -> None:
    technicians = [f"U0TECH{i:02d}" for i in range(20)]
    for user in technicians:
        liaison.slack.add_user(user, user.lower())
        await liaison.slack.join_channel(user, liaison.workspace.triage_channel)
    await file_request(liaison)
    message = card(liaison)
    await asyncio.gather(
        *(
            liaison.slack.click(u, channel=message.channel, ts=message.ts, action_id="req_claim")
            for u in technicians
        )
    )
    await liaison.settle()
    row = await stored(liaison, 1)
    assert row is not None and row.assignee_id in technicians
    losers = [u for u in technicians if u != row.assignee_id]
    for user in losers:
        [refusal] = refusals(liaison, user)
        assert f"already claimed by <@{row.assignee_id}>" in refusal
    assert refusals(liaison, row.assignee_id) == []
    assert len(partner_thread(liaison)) == 1


async def test_update_shows_the_partner_message_but_never_the_internal_note(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    await press(liaison, SAM, "req_claim")
    await modal(
        liaison,
        SAM,
        "req_update",
        {
            "status": "waiting_partner",
            "partner_message": "Which room is the printer in?",
            "internal_note": "Suspect the HP driver rollout",
        },
    )
    row = await stored(liaison, 1)
    assert row is not None and row.status == "waiting_partner"
    partner_text = " ".join(m.rendered for m in partner_thread(liaison))
    assert "Which room is the printer in?" in partner_text
    assert "HP driver" not in partner_text
    thread_text = " ".join(m.rendered for m in card_thread(liaison))
    assert "Which room" in thread_text and "HP driver" in thread_text
    assert "Waiting on partner" in card(liaison).rendered


async def test_waiting_on_a_third_party_needs_the_reason(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await press(liaison, SAM, "req_update")
    await liaison.slack.wait_for_view(SAM)
    result = await liaison.slack.submit_view(SAM, {"status": "waiting_third_party"})
    assert "partner_message" in result.errors
    result = await liaison.slack.submit_view(
        SAM, {"status": "waiting_third_party", "partner_message": "Cisco is shipping a new switch"}
    )
    assert result.closed
    await liaison.settle()
    assert "Cisco is shipping" in " ".join(m.rendered for m in partner_thread(liaison))


async def test_technician_chosen_next_update_becomes_the_promise(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    when = liaison.clock.now() + dt.timedelta(hours=3)
    await modal(
        liaison,
        SAM,
        "req_update",
        {
            "status": "in_progress",
            "partner_message": "Looking now",
            "next_update": int(when.timestamp()),
        },
    )
    row = await stored(liaison, 1)
    assert row is not None and row.next_update_due == when


async def test_resolve_tells_the_partner_and_cannot_happen_twice(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await press(liaison, SAM, "req_resolve")
    first = await liaison.slack.wait_for_view(SAM)
    await press(liaison, ALEX, "req_resolve")
    second = await liaison.slack.wait_for_view(ALEX)
    done = await liaison.slack.submit_view(
        SAM, {"resolution": "Replaced the patch cable"}, view_id=first.id
    )
    assert done.closed
    await liaison.settle()
    again = await liaison.slack.submit_view(ALEX, {"resolution": "Rebooted"}, view_id=second.id)
    # The refusal shows in Alex's form, which stays open with his words in it.
    assert not again.closed
    assert "cannot be resolved" in again.errors["resolution"]
    await liaison.settle()

    row = await stored(liaison, 1)
    assert row is not None and row.status == "resolved" and row.resolved_at is not None
    assert "Replaced the patch cable" in " ".join(m.rendered for m in partner_thread(liaison))
    assert "Rebooted" not in " ".join(m.rendered for m in partner_thread(liaison))
    assert card(liaison).action_ids() == [] or "req_resolve" not in card(liaison).action_ids()


async def test_priority_change_needs_a_reason_the_partner_sees(liaison: LocalLiaison) -> None:
    await file_request(liaison, impact="workaround")
    row = await stored(liaison, 1)
    assert row is not None and row.priority == "P4"
    await modal(
        liaison,
        SAM,
        "req_priority",
        {"priority": "P2", "reason": "It blocks the wing's flight scheduling"},
    )
    row = await stored(liaison, 1)
    assert row is not None and row.priority == "P2"
    told = " ".join(m.rendered for m in partner_thread(liaison))
    assert "P4" in told and "P2" in told and "flight scheduling" in told


async def test_assign_and_message_partner(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await modal(liaison, MORGAN, "req_assign", {"assignee": ALEX})
    row = await stored(liaison, 1)
    assert row is not None and row.assignee_id == ALEX
    await modal(liaison, ALEX, "req_message", {"message": "I will be at your desk at 1400"})
    told = " ".join(m.rendered for m in partner_thread(liaison))
    assert "desk at 1400" in told


async def test_partner_withdraws_their_request(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    [ack] = liaison.slack.dm_messages(PAT)
    await liaison.slack.click(PAT, channel=ack.channel, ts=ack.ts, action_id="req_withdraw")
    await liaison.settle()
    row = await stored(liaison, 1)
    assert row is not None and row.status == "withdrawn"
    assert "Withdrawn" in card(liaison).rendered
    assert card(liaison).action_ids() == []
    assert partner_thread(liaison)


@pytest.mark.parametrize(
    ("user", "action_id"),
    [(PAT, "req_claim"), (JORDAN, "req_claim"), (PAT, "req_resolve"), (JORDAN, "req_priority")],
)
async def test_people_outside_the_triage_channel_are_refused_and_nothing_changes(
    liaison: LocalLiaison, user: str, action_id: str
) -> None:
    await file_request(liaison)
    edits_before = len(card(liaison).edits)
    await press(liaison, user, action_id)
    [refusal] = refusals(liaison, user)
    assert "Only technicians" in refusal
    row = await stored(liaison, 1)
    assert row is not None and (row.status, row.assignee_id, row.version) == ("new", None, 1)
    assert liaison.slack.open_view(user) is None
    assert len(card(liaison).edits) == edits_before


async def test_only_the_requester_may_withdraw(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    [ack] = liaison.slack.dm_messages(PAT)
    await liaison.slack.click(SAM, channel=ack.channel, ts=ack.ts, action_id="req_withdraw")
    await liaison.settle()
    assert "Only the partner" in refusals(liaison, SAM)[0]
    row = await stored(liaison, 1)
    assert row is not None and row.status == "new"
