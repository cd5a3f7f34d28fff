"""Scripted failures and rate limits as the app's client sees them."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import ManualClock
from simulator import SlackSimulator


async def test_429_surfaces_with_retry_after_then_recovers(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    sim.faults.add("chat.postMessage", status=429, retry_after=2, times=3)
    for _ in range(3):
        with pytest.raises(SlackApiError) as error:
            await client.chat_postMessage(channel="C0TRIAGE", text="card")
        assert error.value.response.status_code == 429
        assert error.value.response["error"] == "ratelimited"
        assert error.value.response.headers["Retry-After"] == "2"
    assert (await client.chat_postMessage(channel="C0TRIAGE", text="card"))["ok"]
    assert [c.status for c in sim.calls_to("chat.postMessage")] == [429, 429, 429, 200]
    assert len(sim.messages("C0TRIAGE")) == 1


async def test_503_then_success(sim: SlackSimulator, client: AsyncWebClient) -> None:
    sim.faults.add("chat.postMessage", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as error:
            await client.chat_postMessage(channel="C0TRIAGE", text="card")
        assert error.value.response.status_code == 503
    assert (await client.chat_postMessage(channel="C0TRIAGE", text="card"))["ok"]


@pytest.mark.parametrize("code", ["channel_not_found", "invalid_auth", "expired_trigger_id"])
async def test_error_codes_come_with_http_200(
    sim: SlackSimulator, client: AsyncWebClient, code: str
) -> None:
    sim.faults.add("*", error=code)
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C0TRIAGE", text="card")
    assert error.value.response.status_code == 200
    assert error.value.response["error"] == code
    assert (await client.chat_postMessage(channel="C0TRIAGE", text="card"))["ok"]


async def test_fault_can_target_arguments(sim: SlackSimulator, client: AsyncWebClient) -> None:
    sim.faults.add(
        "chat.postMessage",
        error="channel_not_found",
        times=None,
        when=lambda args: args.get("channel") == "C0OPS",
    )
    assert (await client.chat_postMessage(channel="C0TRIAGE", text="fine"))["ok"]
    for _ in range(2):
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C0OPS", text="fails")


async def test_rate_limit_window_uses_the_simulator_clock(
    sim: SlackSimulator, client: AsyncWebClient, clock: ManualClock
) -> None:
    sim.faults.rate_limit("chat.postMessage", per_minute=2)
    await client.chat_postMessage(channel="C0TRIAGE", text="1")
    await clock.advance(20)
    await client.chat_postMessage(channel="C0TRIAGE", text="2")
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C0TRIAGE", text="3")
    assert error.value.response.headers["Retry-After"] == "40"
    assert (await client.auth_test())["ok"]  # other methods stay usable
    await clock.advance(40)
    assert (await client.chat_postMessage(channel="C0TRIAGE", text="3"))["ok"]


def test_a_fault_needs_a_status_or_an_error(sim: SlackSimulator) -> None:
    with pytest.raises(ValueError, match="status or an error"):
        sim.faults.add("chat.postMessage")
