"""What the simulator sends over HTTP and how it treats answers, seen by a bare aiohttp app."""

from __future__ import annotations

import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from simulator import SimulatorTimeoutError, SlackSimulator
from tests.simulator.conftest import SECRET, serve
from tests.simulator.fakeapp import FakeApp


async def test_slash_command_is_signed_form_in_slacks_field_order(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    text = "printer & <!channel> caf\u00e9 > 4"
    await sim.command("U0PARTNER", "/request", text, channel_id="C0TRIAGE")
    request = fake_app.received[0]
    assert request.headers["User-Agent"] == "Slackbot 1.0 (+https://api.slack.com/robots)"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert b"command=%2Frequest" in request.body and b"printer+%26" in request.body
    names = [k for k, _ in request.form()]
    assert names == [
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    ]
    assert dict(request.form())["text"] == text
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(
        body=request.body.decode(),
        timestamp=request.headers["X-Slack-Request-Timestamp"],
        signature=request.headers["X-Slack-Signature"],
    )


async def test_event_errors_are_retried_with_reason_until_acked(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    fake_app.script = [(500, "", {}, 0.0), (404, "", {}, 0.0), (200, "", {}, 0.0)]
    result = await sim.deliver_event({"type": "reaction_added", "user": "U0TECH"})
    assert result.delivered and len(result.attempts) == 3
    first, *retries = fake_app.received
    assert "X-Slack-Retry-Num" not in first.headers
    assert [
        (r.headers["X-Slack-Retry-Num"], r.headers["X-Slack-Retry-Reason"]) for r in retries
    ] == [
        ("1", "http_error"),
        ("2", "http_error"),
    ]
    assert {r.payload()["event_id"] for r in fake_app.received} == {result.event_id}


async def test_no_retry_header_stops_retries(sim: SlackSimulator, fake_app: FakeApp) -> None:
    fake_app.script = [(503, "", {"X-Slack-No-Retry": "1"}, 0.0)]
    result = await sim.deliver_event({"type": "reaction_added", "user": "U0TECH"})
    assert not result.delivered and len(fake_app.received) == 1 and result.attempts[0].no_retry


async def test_slow_answer_is_retried_at_the_deadline_without_waiting(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    fake_app.script = [(200, "", {}, 1.5)]  # the sim fixture's ack timeout is 1.0 s
    result = await sim.deliver_event({"type": "reaction_added", "user": "U0TECH"})
    first, second = result.attempts
    assert first.timed_out and first.error == "http_timeout" and second.ok
    assert second.elapsed_ms < 500  # sent while the first request was still running
    assert fake_app.received[1].headers["X-Slack-Retry-Reason"] == "http_timeout"


async def test_duplicate_delivery_keeps_the_event_id(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    first = await sim.deliver_event({"type": "reaction_added", "user": "U0TECH"})
    envelope = fake_app.received[0].payload()
    again = await sim.deliver_event(envelope, retry_num=1, retry_reason="http_timeout")
    assert again.event_id == first.event_id
    assert fake_app.received[1].headers["X-Slack-Retry-Num"] == "1"


async def test_shortcut_payloads(sim: SlackSimulator, fake_app: FakeApp) -> None:
    ts = await sim.post_message("U0PARTNER", "C0OPS", "radios dead again")
    shortcut = await sim.message_shortcut("U0TECH", "request_from_message", "C0OPS", ts)
    assert shortcut.ok and shortcut.response_url
    payload = fake_app.received[0].payload()
    assert payload["type"] == "message_action" and payload["message_ts"] == ts
    assert payload["message"]["text"] == "radios dead again"
    assert payload["channel"] == {"id": "C0OPS", "name": "ops"}
    await sim.global_shortcut("U0TECH", "file_request")
    global_payload = fake_app.received[1].payload()
    assert global_payload["type"] == "shortcut" and "response_url" not in global_payload
    assert global_payload["trigger_id"] != payload["trigger_id"]


async def test_membership_events(sim: SlackSimulator, fake_app: FakeApp) -> None:
    sim.add_user("U0NEW", "newbie")
    joined = await sim.join_channel("U0NEW", "C0TRIAGE")
    assert joined is not None and joined.delivered
    assert await sim.join_channel("U0NEW", "C0TRIAGE") is None
    left = await sim.leave_channel("U0NEW", "C0TRIAGE")
    assert left is not None
    kinds = [r.payload()["event"]["type"] for r in fake_app.received]
    assert kinds == ["member_joined_channel", "member_left_channel"]
    outside = await sim.join_channel("U0NEW", "C0OPS")  # the bot is not in #ops
    assert outside is not None and outside.skipped


async def test_click_on_a_message_without_that_action_raises(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    ts = await sim.post_message("U0PARTNER", "C0OPS", "no buttons here")
    with pytest.raises(Exception, match="has no action 'req_claim'"):
        await sim.click("U0TECH", channel="C0OPS", ts=ts, action_id="req_claim")


async def test_bot_posts_echo_back_with_bot_id_and_user(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    client = AsyncWebClient(token=sim.config.bot_token, base_url=sim.api_url)
    parent = await client.chat_postMessage(channel="C0TRIAGE", text="card")
    await client.chat_postMessage(channel="C0TRIAGE", text="reply", thread_ts=parent["ts"])
    await sim.wait_until(lambda: len(fake_app.received) == 2, what="two echoes")
    first, reply = (r.payload()["event"] for r in fake_app.received)
    assert (first["bot_id"], first["user"]) == (sim.bot_id, sim.bot_user_id)
    assert first["channel_type"] == "channel" and first["ts"] == parent["ts"]
    assert reply["thread_ts"] == parent["ts"] and reply["parent_user_id"] == sim.bot_user_id
    await client.chat_postMessage(channel="C0OPS", text="not a member: no echo")
    await client.chat_update(channel="C0TRIAGE", ts=parent["ts"], text="card v2")
    await sim.wait_until(lambda: len(fake_app.received) == 3, what="message_changed")
    changed = fake_app.received[2].payload()["event"]
    assert changed["subtype"] == "message_changed"
    assert changed["message"]["bot_id"] == sim.bot_id


async def test_subscriptions_filter_events() -> None:
    async with SlackSimulator(signing_secret="s", bot_events=["message.im"]) as sim:
        sim.add_user("U1", "pat")
        sim.add_channel("C1", "general", [sim.bot_user_id, "U1"])
        fake = FakeApp()
        app = web.Application()
        app.router.add_post("/slack/events", fake.handle)
        runner, base = await serve(app)
        sim.use_http(f"{base}/slack/events")
        await sim.post_message("U1", "C1", f"<@{sim.bot_user_id}> hello")  # not subscribed
        await sim.post_message("U1", sim.bot_user_id, "hello in DM")
        assert [r.payload()["event"]["channel_type"] for r in fake.received] == ["im"]
        await runner.cleanup()


async def test_waiting_fails_with_a_readable_message(sim: SlackSimulator) -> None:
    with pytest.raises(SimulatorTimeoutError, match="waiting for a miracle"):
        await sim.wait_until(lambda: False, within=0.05, what="a miracle")


async def test_idle_waits_for_echo_deliveries(sim: SlackSimulator, fake_app: FakeApp) -> None:
    client = AsyncWebClient(token=sim.bot_token, base_url=sim.api_url)
    await client.chat_postMessage(channel="U0PARTNER", text="hi")
    await sim.idle()
    assert [r.payload()["event"]["channel_type"] for r in fake_app.received] == ["im"]
