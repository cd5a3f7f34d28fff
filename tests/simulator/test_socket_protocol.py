"""Socket Mode wire protocol, checked with a raw WebSocket client instead of Bolt."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from simulator import SimConfig, SimulatorError, SlackSimulator


@pytest.fixture
async def fast_sim() -> AsyncIterator[SlackSimulator]:
    """A simulator with a short ack timeout so unacked envelopes fail quickly."""
    async with SlackSimulator(signing_secret="s", ack_timeout=0.2) as sim:
        sim.add_user("U1", "pat")
        sim.use_socket_mode()
        yield sim


async def open_url(sim: SlackSimulator, session: aiohttp.ClientSession) -> str:
    """Ask apps.connections.open for a WebSocket URL, with the app-level token."""
    headers = {"Authorization": f"Bearer {sim.config.app_token}"}
    async with session.post(sim.api_url + "apps.connections.open", headers=headers) as response:
        url = str((await response.json())["url"])
    assert url.startswith("ws://127.0.0.1:") and "/link/?ticket=" in url
    return url


async def connect(
    sim: SlackSimulator, session: aiohttp.ClientSession
) -> aiohttp.ClientWebSocketResponse:
    """Open a connection the way the SDK does: apps.connections.open, then the URL."""
    return await session.ws_connect(await open_url(sim, session))


async def test_hello_envelopes_acks_and_redelivery(fast_sim: SlackSimulator) -> None:
    async with aiohttp.ClientSession() as session:
        ws = await connect(fast_sim, session)
        hello = await ws.receive_json()
        assert hello["type"] == "hello" and hello["num_connections"] == 1
        assert hello["connection_info"] == {"app_id": fast_sim.config.app_id}

        event = {"type": "reaction_added", "user": "U1", "reaction": "eyes"}
        delivery = asyncio.ensure_future(fast_sim.deliver_event(event))
        seen: list[dict[str, Any]] = [await ws.receive_json() for _ in range(4)]
        result = await delivery
        assert [(e["retry_attempt"], e["retry_reason"]) for e in seen] == [
            (0, ""),
            (1, "timeout"),
            (2, "timeout"),
            (3, "timeout"),
        ]
        assert {e["payload"]["event_id"] for e in seen} == {result.event_id}
        assert all(
            e["type"] == "events_api" and e["accepts_response_payload"] is False for e in seen
        )
        assert not result.delivered and len(result.attempts) == 4

        command = asyncio.ensure_future(fast_sim.command("U1", "/request", "help"))
        envelope = await ws.receive_json()
        assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"]
        assert envelope["payload"]["channel_name"] == "directmessage"
        await ws.send_json({"envelope_id": envelope["envelope_id"], "payload": {"text": "hi"}})
        assert (await command).ephemeral_text == "hi"
        await ws.close()


async def test_unacked_command_is_an_operation_timeout(fast_sim: SlackSimulator) -> None:
    async with aiohttp.ClientSession() as session:
        ws = await connect(fast_sim, session)
        await ws.receive_json()
        result = await fast_sim.command("U1", "/request", "help")
        assert result.timed_out and result.error == "operation_timeout"
        await ws.close()


async def test_disconnect_message_and_tickets_are_single_use(fast_sim: SlackSimulator) -> None:
    async with aiohttp.ClientSession() as session:
        url = await open_url(fast_sim, session)
        ws = await session.ws_connect(url)
        await ws.receive_json()
        await fast_sim.socket_disconnect("warning", wait_reconnect=False)
        disconnect = await ws.receive_json()
        assert disconnect["type"] == "disconnect" and disconnect["reason"] == "warning"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(url)
        assert refused.value.status == 401
        await ws.close()


async def test_no_connected_app_is_a_clear_error() -> None:
    config = SimConfig(signing_secret="s", ack_timeout=0.2, connect_timeout=0.1)
    async with SlackSimulator.from_config(config) as sim:
        sim.add_user("U1", "pat")
        sim.use_socket_mode()
        with pytest.raises(SimulatorError, match="no app is connected over Socket Mode"):
            await sim.command("U1", "/request", "help")
