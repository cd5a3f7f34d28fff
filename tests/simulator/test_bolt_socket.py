"""The same Bolt app over Socket Mode: AsyncSocketModeHandler against the simulator."""

from __future__ import annotations

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from simulator import SlackSimulator
from tests.simulator.bolt_app import Seen


async def test_command_ack_arrives_as_ephemeral(
    sim: SlackSimulator, socket_app: AsyncSocketModeHandler, seen: Seen
) -> None:
    result = await sim.command("U0PARTNER", "/request", "help", channel_id="C0TRIAGE")
    assert result.ok
    assert result.delivery.json == {"text": "Usage: /request <what is broken>"}
    assert result.ephemeral_text == "Usage: /request <what is broken>"
    assert seen.commands[0]["is_enterprise_install"] == "false"
    assert len(sim.calls_to("apps.connections.open")) == 1


async def test_event_and_modal_over_socket_mode(
    sim: SlackSimulator, socket_app: AsyncSocketModeHandler, seen: Seen
) -> None:
    await sim.post_message("U0PARTNER", sim.bot_user_id, "anyone there?")
    assert seen.events[0]["channel_type"] == "im" and seen.events[0]["text"] == "anyone there?"
    first = sim.deliveries[0]
    assert first.kind == "events_api" and first.ok and first.retry_num == 0

    await sim.command("U0PARTNER", "/request", "radio", channel_id="C0TRIAGE")
    await sim.wait_for_view("U0PARTNER")
    rejected = await sim.submit_view("U0PARTNER", {"summary": "dead", "impact": "stopped"})
    assert rejected.errors == {"summary": "Tell us a bit more"}
    accepted = await sim.submit_view("U0PARTNER", {"summary": "Radio dead on net 3"})
    assert accepted.closed


async def test_reconnects_after_refresh_requested(
    sim: SlackSimulator, socket_app: AsyncSocketModeHandler
) -> None:
    assert sim.socket_connections == 1
    await sim.socket_disconnect("refresh_requested")
    assert sim.socket_connections == 2
    assert len(sim.calls_to("apps.connections.open")) == 2
    result = await sim.command("U0PARTNER", "/request", "help", channel_id="C0TRIAGE")
    assert result.ephemeral_text == "Usage: /request <what is broken>"
