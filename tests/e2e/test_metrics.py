"""GET /metrics after a real filing: request gauge, outbox depth, Slack calls, latency."""

from __future__ import annotations

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from tests.e2e.helpers import file_request, stored

pytestmark = pytest.mark.e2e


async def scrape(liaison: LocalLiaison) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample on /metrics, keyed by name and labels."""
    url = f"http://127.0.0.1:{liaison.server.port}/metrics"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def labels(**values: str) -> frozenset[tuple[str, str]]:
    return frozenset(values.items())


async def test_metrics_show_a_filed_request_its_sends_and_listener_latency(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="stopped")
    request = await stored(liaison, 1)
    assert request is not None
    samples = await scrape(liaison)

    requests = {
        dict(key)["priority"]: value
        for (name, key), value in samples.items()
        if name == "liaison_requests" and dict(key)["status"] == "new"
    }
    assert requests == {"P1": 0, "P2": 0, "P3": 0, "P4": 0, request.priority: 1}
    assert samples[("liaison_outbox_depth", labels())] == 0
    assert samples[("liaison_outbox_oldest_age_seconds", labels())] == 0
    sent = samples[
        ("liaison_slack_api_calls_total", labels(method="chat.postMessage", result="sent"))
    ]
    assert sent > 0
    assert samples[("liaison_listener_latency_seconds_count", labels())] > 0
    assert samples[("liaison_scheduler_lag_seconds", labels())] >= 0


async def test_socket_mode_serves_metrics_and_times_listeners_in_middleware(
    sqlite_url: str, clock: ManualClock
) -> None:
    local = LocalLiaison(database_url=sqlite_url, clock=clock, mode="socket")
    await local.start()
    try:
        await file_request(local)
        samples = await scrape(local)
    finally:
        await local.stop()
    assert samples[("liaison_listener_latency_seconds_count", labels())] > 0
    assert samples[("liaison_outbox_depth", labels())] == 0
