"""The outbox's send outcomes become Slack call counters, with 429s counted apart."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock
from bot.delivery.outbox import SendOutcome
from bot.observability.metrics import Metrics
from storage.engine import Database


def test_send_outcomes_are_counted_by_method_and_result_and_429s_apart(tmp_path: Path) -> None:
    metrics = Metrics(
        database=Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"), clock=ManualClock()
    )
    metrics.on_send(SendOutcome(1, "chat.postMessage", "sent"))
    metrics.on_send(SendOutcome(2, "chat.postMessage", "retry", "ratelimited"))
    metrics.on_send(SendOutcome(3, "chat.update", "retry", "internal_error"))
    metrics.on_send(SendOutcome(4, "chat.update", "failed", "channel_not_found"))

    def value(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(name, labels)

    assert value("liaison_slack_api_calls_total", method="chat.postMessage", result="sent") == 1
    assert value("liaison_slack_api_calls_total", method="chat.postMessage", result="retry") == 1
    assert value("liaison_slack_api_calls_total", method="chat.update", result="failed") == 1
    assert value("liaison_slack_rate_limited_total", method="chat.postMessage") == 1
    assert value("liaison_slack_rate_limited_total", method="chat.update") is None
