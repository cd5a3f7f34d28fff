"""Each request is one conversation: replies travel both ways, and DMs become requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from tests.conftest import EXAMPLE_CATALOGUE
from tests.e2e.helpers import PAT, file_request, stored
from tests.e2e.test_triage import card, card_thread, partner_thread, press, refusals

pytestmark = pytest.mark.e2e
SAM, JORDAN = "U0SAM", "U0JORDAN"


async def reply_in_thread(liaison: LocalLiaison, text: str) -> None:
    root = liaison.slack.dm_messages(PAT)[0]
    await liaison.slack.post_message(PAT, root.channel, text, thread_ts=root.ts)
    await liaison.settle()


async def test_partner_reply_reaches_the_card_thread_escaped(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await reply_in_thread(liaison, "It is room 210 <!channel> & the printer is on fire")
    [relayed] = [m for m in card_thread(liaison) if "room 210" in m.rendered]
    assert "<!channel>" not in relayed.text
    assert "From the partner" in relayed.rendered
    async with liaison.runtime.database.reading() as session:
        from storage import history

        row = await stored(liaison, 1)
        assert row is not None
        kinds = [e.kind for e in await history.timeline(session, request_id=row.id)]
    assert "partner_message" in kinds


async def test_an_event_delivered_twice_is_relayed_once(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    root = liaison.slack.dm_messages(PAT)[0]
    envelope = {
        "type": "event_callback",
        "event_id": "Ev0DUPLICATE1",
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": root.channel,
            "user": PAT,
            "text": "any news?",
            "ts": "1795000000.000100",
            "thread_ts": root.ts,
        },
    }
    await liaison.slack.deliver_event(envelope)
    await liaison.slack.deliver_event(envelope, retry_num=1, retry_reason="http_timeout")
    await liaison.settle()
    relayed = [m for m in card_thread(liaison) if "any news?" in m.rendered]
    assert len(relayed) == 1


async def test_list_and_status_show_only_the_partners_own_requests(liaison: LocalLiaison) -> None:
    await file_request(liaison, summary="VPN drops hourly")
    await file_request(liaison, user=JORDAN, summary="Jordan's phone is dead", service="phones")
    listing = await liaison.slack.command(PAT, "/request", "list")
    await liaison.settle()
    assert listing.ok
    text = " ".join(e.rendered for e in liaison.slack.ephemerals(PAT))
    assert "VPN drops hourly" in text and "phone is dead" not in text

    await liaison.slack.command(PAT, "/request", "status REQ-1")
    await liaison.settle()
    assert any("REQ-1" in e.rendered for e in liaison.slack.ephemerals(PAT))
    await liaison.slack.command(PAT, "/request", "status REQ-2")
    await liaison.settle()
    assert any("no request REQ-2 of yours" in e.rendered for e in liaison.slack.ephemerals(PAT))
    await liaison.slack.command(PAT, "/request", "status banana")
    await liaison.settle()
    assert any("not a request number" in e.rendered for e in liaison.slack.ephemerals(PAT))


async def test_queue_is_for_technicians(liaison: LocalLiaison) -> None:
    await file_request(liaison, summary="Unclaimed one")
    await file_request(liaison, summary="Sam's one")
    thread = liaison.slack.messages(liaison.workspace.triage_channel)
    await liaison.slack.click(
        SAM, channel=thread[1].channel, ts=thread[1].ts, action_id="req_claim"
    )
    await liaison.settle()
    await liaison.slack.command(SAM, "/request", "queue")
    await liaison.settle()
    queue = liaison.slack.ephemerals(SAM)[-1].rendered
    assert queue.index("Unclaimed one") < queue.index("Sam's one")
    await liaison.slack.command(PAT, "/request", "queue")
    await liaison.settle()
    assert "for technicians" in liaison.slack.ephemerals(PAT)[-1].rendered


async def test_a_direct_message_is_offered_as_a_request(liaison: LocalLiaison) -> None:
    await liaison.slack.post_message(
        PAT, liaison.slack.bot_user_id, "my CAC reader stopped working"
    )
    await liaison.settle()
    offer = [m for m in liaison.slack.dm_messages(PAT) if "file_from_dm" in m.action_ids()]
    assert offer, [m.rendered for m in liaison.slack.dm_messages(PAT)]
    message = offer[0]
    await liaison.slack.click(PAT, channel=message.channel, ts=message.ts, action_id="file_from_dm")
    view = await liaison.slack.wait_for_view(PAT)
    details = next(b for b in view.blocks if b.get("block_id") == "details")
    assert details["element"]["initial_value"] == "my CAC reader stopped working"


async def test_a_message_shortcut_files_a_request_linked_to_the_message(
    liaison: LocalLiaison,
) -> None:
    slack = liaison.slack
    ts = await slack.post_message(JORDAN, "C0ANNOUNCE", "radios dead again in hangar 3")
    await slack.message_shortcut(PAT, "request_from_message", "C0ANNOUNCE", ts)
    view = await slack.wait_for_view(PAT)
    result = await slack.submit_view(PAT, {"service": "av-vtc", "impact": "degraded"})
    assert result.closed
    await liaison.settle()
    row = await stored(liaison, 1)
    assert row is not None
    assert row.summary == "radios dead again in hangar 3"
    assert row.source_link and ts.replace(".", "") in row.source_link
    assert "original message" in card(liaison).rendered
    assert view.callback_id == "request_new"


@pytest.fixture
async def routed(sqlite_url: str, clock: ManualClock, tmp_path: Path) -> LocalLiaison:
    text = EXAMPLE_CATALOGUE.read_text()
    marker = 'id = "phones"'
    assert marker in text
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(text.replace(marker, marker + '\ntriage_channel = "C0VOICE"', 1))
    local = LocalLiaison(database_url=sqlite_url, clock=clock, catalogue_file=catalogue)
    await local.start()
    local.slack.add_user("U0RILEY", "riley", real_name="TSgt Riley Moss")
    local.slack.add_channel("C0VOICE", "voice", members=["U0RILEY", local.slack.bot_user_id])
    return local


async def test_requests_route_to_their_services_channel_and_its_technicians(
    routed: LocalLiaison,
) -> None:
    try:
        await file_request(routed, summary="Network slow", service="network")
        await file_request(routed, summary="DSN line dead", service="phones")
        [network_card] = routed.slack.messages("C0TRIAGE")
        [voice_card] = routed.slack.messages("C0VOICE")
        assert "Network slow" in network_card.rendered and "DSN line dead" in voice_card.rendered

        await routed.slack.click(SAM, channel="C0VOICE", ts=voice_card.ts, action_id="req_claim")
        await routed.settle()
        assert "Only technicians" in refusals(routed, SAM)[0]
        await routed.slack.click(
            "U0RILEY", channel="C0VOICE", ts=voice_card.ts, action_id="req_claim"
        )
        await routed.settle()
        row = await stored(routed, 2)
        assert row is not None and row.assignee_id == "U0RILEY"
    finally:
        await routed.stop()


async def test_a_new_channel_member_becomes_a_technician_at_once(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await press(liaison, JORDAN, "req_claim")
    assert "Only technicians" in refusals(liaison, JORDAN)[0]
    await liaison.slack.join_channel(JORDAN, liaison.workspace.triage_channel)
    await liaison.settle()
    await press(liaison, JORDAN, "req_claim")
    row = await stored(liaison, 1)
    assert row is not None and row.assignee_id == JORDAN
    assert partner_thread(liaison)
