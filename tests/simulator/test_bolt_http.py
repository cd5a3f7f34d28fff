"""A real Bolt AsyncApp served over HTTP, driven by the simulator acting as people."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from simulator import HttpTransport, SlackSimulator
from tests.simulator.bolt_app import Seen


async def test_command_ack_text_becomes_an_ephemeral(
    sim: SlackSimulator, http_app: AsyncApp, seen: Seen
) -> None:
    result = await sim.command("U0PARTNER", "/request", "help", channel_id="C0TRIAGE")
    assert result.ok and result.delivery.status == 200
    assert result.ephemeral_text == "Usage: /request <what is broken>"
    assert [e.text for e in sim.ephemerals("U0PARTNER", "C0TRIAGE")] == [result.ephemeral_text]
    assert seen.commands[0]["channel_name"] == "triage"
    assert seen.commands[0]["response_url"].startswith(sim.base_url + "response/")


async def test_in_channel_reply_is_posted_and_its_echo_is_ignored_by_bolt(
    sim: SlackSimulator, http_app: AsyncApp, seen: Seen
) -> None:
    result = await sim.command("U0PARTNER", "/request", "public", channel_id="C0TRIAGE")
    assert result.response_type == "in_channel"
    assert [m.text for m in sim.messages("C0TRIAGE")] == ["Filed for everyone to see"]
    await sim.wait_until(lambda: any(d.kind == "events_api" for d in sim.deliveries))
    echo = next(d for d in sim.deliveries if d.kind == "events_api")
    assert echo.status == 200  # acked by Bolt's self-event filter ...
    assert seen.events == []  # ... without reaching the app's message listener


async def test_modal_submission_errors_then_success(
    sim: SlackSimulator, http_app: AsyncApp, seen: Seen
) -> None:
    result = await sim.command("U0PARTNER", "/request", "printer down", channel_id="C0TRIAGE")
    assert result.ok and result.ephemeral_text is None
    view = await sim.wait_for_view("U0PARTNER")
    assert [v.id for v in result.views] == [view.id]
    assert view.rendered.splitlines()[0] == "New request"

    short = await sim.submit_view("U0PARTNER", {"summary": "broken", "impact": "stopped"})
    assert short.errors == {"summary": "Tell us a bit more"} and not short.closed
    assert sim.open_view("U0PARTNER") is view

    done = await sim.submit_view("U0PARTNER", {"summary": "Printer down in bldg 4"})
    assert done.ok and done.closed and sim.open_view("U0PARTNER") is None
    values = seen.submissions[0]
    assert values["summary"]["summary_in"] == {
        "type": "plain_text_input",
        "value": "Printer down in bldg 4",
    }
    assert values["impact"]["impact_sel"]["selected_option"]["value"] == "stopped"
    assert values["needed"]["needed_date"] == {"type": "datepicker", "selected_date": None}
    await sim.wait_until(lambda: sim.messages("C0TRIAGE"))
    assert sim.messages("C0TRIAGE")[0].action_ids() == ["req_claim"]


async def test_required_input_is_refused_by_the_client_before_the_app_sees_it(
    sim: SlackSimulator, http_app: AsyncApp, seen: Seen
) -> None:
    await sim.command("U0PARTNER", "/request", "x", channel_id="C0TRIAGE")
    await sim.wait_for_view("U0PARTNER")
    refused = await sim.submit_view("U0PARTNER", {"summary": "Radio dead in hangar"})
    assert refused.delivery is None and refused.errors == {"impact": refused.errors["impact"]}
    assert seen.submissions == []


async def test_claim_click_updates_the_card_and_responds(
    sim: SlackSimulator, http_app: AsyncApp, seen: Seen
) -> None:
    await sim.command("U0PARTNER", "/request", "x", channel_id="C0TRIAGE")
    await sim.wait_for_view("U0PARTNER")
    await sim.submit_view("U0PARTNER", {"summary": "Printer down again", "impact": "degraded"})
    await sim.wait_until(lambda: sim.messages("C0TRIAGE"))
    card = sim.messages("C0TRIAGE")[0]

    click = await sim.click("U0TECH", channel="C0TRIAGE", ts=card.ts, action_id="req_claim")
    assert click.ok
    payload = seen.actions[0]
    assert payload["container"] == {
        "type": "message",
        "message_ts": card.ts,
        "channel_id": "C0TRIAGE",
        "is_ephemeral": False,
    }
    assert payload["actions"][0]["value"] == "REQ-42"
    await sim.wait_until(lambda: sim.ephemerals("U0TECH"))
    assert sim.ephemerals("U0TECH")[0].text == "You claimed REQ-42"
    assert card.rendered == "Printer down again\nClaimed by @tech1"
    assert len(card.edits) == 1


async def test_slow_ack_is_an_operation_timeout(sim: SlackSimulator, http_app: AsyncApp) -> None:
    result = await sim.command("U0PARTNER", "/request", "slow", channel_id="C0TRIAGE")
    assert result.timed_out and result.error == "operation_timeout"
    assert sim.ephemerals("U0PARTNER") == []


async def test_view_closed_is_sent_when_asked_for(
    sim: SlackSimulator, http_app: AsyncApp, seen: Seen
) -> None:
    await sim.command("U0PARTNER", "/request", "x", channel_id="C0TRIAGE")
    await sim.wait_for_view("U0PARTNER")
    closed = await sim.close_view("U0PARTNER")
    assert closed is not None and closed.ok
    assert seen.closed[0]["view"]["callback_id"] == "new_request"
    assert seen.closed[0]["is_cleared"] is False


async def test_dm_mention_and_home_events_reach_the_app(
    sim: SlackSimulator, http_app: AsyncApp, seen: Seen
) -> None:
    await sim.post_message("U0PARTNER", sim.bot_user_id, "is my ticket moving?")
    await sim.post_message("U0PARTNER", "C0TRIAGE", f"<@{sim.bot_user_id}> status?")
    await sim.post_message("U0PARTNER", "C0OPS", "the bot is not in here")
    kinds = [(e["type"], e.get("channel_type")) for e in seen.events]
    assert kinds == [("message", "im"), ("message", "channel"), ("app_mention", None)]
    assert seen.events[1]["client_msg_id"] == seen.events[2]["client_msg_id"]

    home = await sim.open_home("U0PARTNER")
    assert home.delivered
    await sim.wait_until(lambda: sim.home("U0PARTNER"))
    assert sim.home("U0PARTNER").rendered == "Your requests"  # type: ignore[union-attr]


async def test_stale_signature_is_rejected_by_bolt(sim: SlackSimulator, http_app: AsyncApp) -> None:
    assert isinstance(sim.transport, HttpTransport)
    sim.transport.timestamp_offset = -301
    result = await sim.command("U0PARTNER", "/request", "help", channel_id="C0TRIAGE")
    assert result.delivery.status == 401 and result.error == "http_service_error"


async def test_request_url_verification_needs_a_signed_request(
    sim: SlackSimulator, http_app: AsyncApp
) -> None:
    assert await sim.verify_request_url() is True
    assert isinstance(sim.transport, HttpTransport)
    forged = await sim.transport.post(
        b'{"type": "url_verification", "challenge": "x"}',
        content_type="application/json",
        signature="v0=" + "0" * 64,
    )
    assert forged.status == 401 and forged.json == {"error": "invalid request"}
