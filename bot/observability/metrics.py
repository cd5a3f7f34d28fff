"""Prometheus metrics: request and outbox gauges read at scrape time, Slack calls, latency."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock
from bot.delivery.outbox import SendOutcome
from storage import outbox, requests, timers
from storage.engine import Database
from storage.models import STATUSES

logger = logging.getLogger(__name__)
CONTENT_TYPE = CONTENT_TYPE_LATEST
PRIORITIES = ("P1", "P2", "P3", "P4")
RATE_LIMIT_ERRORS = frozenset({"ratelimited", "rate_limited", "http_429"})
# Slack wants an acknowledgement within 3 seconds; the buckets are dense below that.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class Metrics:
    """One registry per runtime, so tests and restarts never share counters."""

    def __init__(self, *, database: Database, clock: Clock) -> None:
        """Declare every metric; nothing is read from the database until a scrape."""
        self._db = database
        self._clock = clock
        self.registry = CollectorRegistry()
        self.requests = Gauge(
            "liaison_requests",
            "Requests by status and priority.",
            ["status", "priority"],
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "liaison_outbox_depth", "Messages waiting to be sent to Slack.", registry=self.registry
        )
        self.outbox_oldest_age = Gauge(
            "liaison_outbox_oldest_age_seconds",
            "How long the oldest waiting message has waited.",
            registry=self.registry,
        )
        self.slack_calls = Counter(
            "liaison_slack_api_calls",
            "Slack Web API calls made by the outbox, by method and result (sent, retry, failed).",
            ["method", "result"],
            registry=self.registry,
        )
        self.slack_rate_limited = Counter(
            "liaison_slack_rate_limited",
            "Slack Web API calls answered with 429, by method.",
            ["method"],
            registry=self.registry,
        )
        self.events_rate_limited = Counter(
            "liaison_slack_events_rate_limited",
            "app_rate_limited notices: Slack is dropping events it would have sent Liaison.",
            registry=self.registry,
        )
        self.listener_latency = Histogram(
            "liaison_listener_latency_seconds",
            "Seconds from receiving a Slack request to answering it.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.scheduler_lag = Gauge(
            "liaison_scheduler_lag_seconds",
            "How late the scheduler fired its most overdue timer.",
            registry=self.registry,
        )
        self.timers_parked = Gauge(
            "liaison_timers_parked",
            "Timers given up on after their handler failed again and again (see the log).",
            registry=self.registry,
        )

    def on_send(self, outcome: SendOutcome) -> None:
        """The outbox dispatcher's `on_outcome` callback: count one Slack call."""
        self.slack_calls.labels(method=outcome.method, result=outcome.result).inc()
        if outcome.error in RATE_LIMIT_ERRORS:
            self.slack_rate_limited.labels(method=outcome.method).inc()

    def observe_listener(self, seconds: float) -> None:
        """Record how long one Slack request took from receipt to response."""
        self.listener_latency.observe(max(0.0, seconds))

    async def render(self, *, scheduler_lag: float) -> bytes:
        """Refresh the scrape-time gauges and return the text exposition format."""
        self.scheduler_lag.set(scheduler_lag)
        try:
            await self._refresh()
        except (SQLAlchemyError, OSError) as exc:
            # Serve the counters anyway; the gauges keep their last values until it answers.
            logger.warning("metrics could not read the database error=%s", type(exc).__name__)
        return generate_latest(self.registry)

    async def _refresh(self) -> None:
        async with self._db.reading() as session:
            counts = await requests.count_by_status_and_priority(session)
            depth, oldest = await outbox.depth(session)
            parked = await timers.parked_count(session)
        # Every pair is exported, zero included, so a series never vanishes from dashboards.
        for status in STATUSES:
            for priority in PRIORITIES:
                value = counts.get((status, priority), 0)
                self.requests.labels(status=status, priority=priority).set(value)
        self.outbox_depth.set(depth)
        self.timers_parked.set(parked)
        age = (self._clock.now() - oldest).total_seconds() if oldest is not None else 0.0
        self.outbox_oldest_age.set(max(0.0, age))
