"""response_urls as Bolt's respond() uses them: AsyncWebhookClient against the simulator."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.clock import ManualClock
from simulator import SlackSimulator
from tests.simulator.bolt_app import card_blocks
from tests.simulator.fakeapp import FakeApp


async def test_command_response_url_posts_ephemeral_then_in_channel(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    result = await sim.command("U0PARTNER", "/request", "", channel_id="C0TRIAGE")
    assert result.response_url is not None
    hook = AsyncWebhookClient(result.response_url)
    quiet = await hook.send(text="only you can see this")
    assert (quiet.status_code, quiet.body) == (200, "ok")
    assert [e.text for e in sim.ephemerals("U0PARTNER", "C0TRIAGE")] == ["only you can see this"]
    await hook.send(text="everyone sees this", response_type="in_channel")
    posted = sim.messages("C0TRIAGE")[-1]
    assert posted.text == "everyone sees this" and posted.bot_id == sim.bot_id
    assert [c.status for c in sim.calls_to("response_url")] == [200, 200]


async def test_five_uses_then_used_url(sim: SlackSimulator, fake_app: FakeApp) -> None:
    result = await sim.command("U0PARTNER", "/request", "", channel_id="C0TRIAGE")
    assert result.response_url is not None
    hook = AsyncWebhookClient(result.response_url)
    statuses = [(await hook.send(text=f"{n}")).status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 200, 404]


async def test_expires_after_thirty_minutes(
    sim: SlackSimulator, fake_app: FakeApp, clock: ManualClock
) -> None:
    result = await sim.command("U0PARTNER", "/request", "", channel_id="C0TRIAGE")
    assert result.response_url is not None
    await clock.advance(30 * 60 + 1)
    late = await AsyncWebhookClient(result.response_url).send(text="too late")
    assert (late.status_code, late.body) == (404, "expired_url")


async def test_action_response_url_replaces_then_deletes_the_original(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    client = AsyncWebClient(token=sim.config.bot_token, base_url=sim.api_url)
    card = await client.chat_postMessage(
        channel="C0TRIAGE", text="card", blocks=card_blocks("Fix it")
    )
    click = await sim.click("U0TECH", channel="C0TRIAGE", ts=card["ts"], action_id="req_claim")
    assert click.response_url is not None
    hook = AsyncWebhookClient(click.response_url)
    await hook.send(
        replace_original=True, text="claimed", blocks=card_blocks("Fix it", claimed_by="U0TECH")
    )
    message = sim.message("C0TRIAGE", card["ts"])
    assert message is not None and message.rendered == "Fix it\nClaimed by @tech1"
    await hook.send_dict({"delete_original": True})
    assert sim.message("C0TRIAGE", card["ts"]) is None
