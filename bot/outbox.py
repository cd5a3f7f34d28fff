"""The one way Liaison sends messages: a dispatcher draining the persisted outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import Clock
from bot.file_relay import RELAY_FILE, FileRelayRefused, relay_file
from bot.loop import BackgroundLoop
from storage import outbox as store
from storage.engine import Database

logger = logging.getLogger(__name__)

# Slack errors that say "try again later" rather than "this message can never be sent".
TRANSIENT_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        # Credentials problems are fixed by an operator; keep the messages until then.
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
    }
)


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one message, for logs and metrics."""

    message_id: int
    method: str
    result: str  # sent | retry | failed
    error: str | None = None


@dataclass(frozen=True)
class _Result:
    """What one send came to, recorded later with the rest of its pass."""

    message: store.ClaimedMessage
    kind: str  # sent | retry | failed
    channel: str | None = None
    ts: str | None = None
    at: dt.datetime | None = None
    error: str | None = None


@dataclass
class DispatcherConfig:
    """Tunables with production defaults; tests shrink nothing, they move the clock."""

    batch: int = 50
    concurrency: int = 8
    lease: dt.timedelta = dt.timedelta(seconds=120)
    idle_poll: float = 5.0
    backoff_base: float = 2.0
    backoff_cap: float = 900.0


class OutboxDispatcher:
    """Claims due messages, sends them, honours Retry-After and backs off on failures."""

    def __init__(
        self,
        *,
        database: Database,
        client: AsyncWebClient,
        clock: Clock,
        config: DispatcherConfig | None = None,
        on_outcome: Callable[[SendOutcome], None] | None = None,
    ) -> None:
        """Wire the dispatcher to its database, Slack client and clock."""
        self._db = database
        self._client = client
        self._clock = clock
        self._config = config or DispatcherConfig()
        self._on_outcome = on_outcome
        self._pass_lock = asyncio.Lock()
        self._blocked_until: dict[str, dt.datetime] = {}
        self._loop = BackgroundLoop(
            name="outbox",
            clock=clock,
            idle_poll=self._config.idle_poll,
            work=self.run_pass,
            next_due=self._next_due,
        )

    def wake(self) -> None:
        """Tell the dispatcher that new messages were committed."""
        self._loop.wake()

    async def run_pass(self) -> int:
        """Send one batch of due messages; returns how many were attempted."""
        async with self._pass_lock:
            now = self._clock.now()
            blocked = [m for m, until in self._blocked_until.items() if until > now]
            async with self._db.transaction() as session:
                await store.recover_expired_leases(session, now=now)
                claimed = await store.claim_due(
                    session,
                    now=now,
                    lease=self._config.lease,
                    limit=self._config.batch,
                    blocked_methods=blocked,
                )
            limit = asyncio.Semaphore(self._config.concurrency)

            async def send_one(message: store.ClaimedMessage) -> _Result:
                async with limit:
                    return await self._send(message)

            results = await asyncio.gather(*(send_one(m) for m in claimed))
            if results:
                await self._record(list(results))
            return len(claimed)

    async def drain(self, *, max_passes: int = 10_000) -> int:
        """Send everything due now (used at shutdown and by tests); returns the count."""
        total = 0
        for _ in range(max_passes):
            attempted = await self.run_pass()
            if not attempted:
                break
            total += attempted
        return total

    def start(self) -> None:
        """Run the dispatcher in the background."""
        self._loop.start()

    async def stop(self) -> None:
        """Stop after the current pass; unsent messages stay in the database for the next start."""
        await self._loop.stop()

    async def _next_due(self) -> dt.datetime | None:
        async with self._db.reading() as session:
            return await store.next_due_at(session)

    async def _send(self, message: store.ClaimedMessage) -> _Result:
        """One Slack call; what to record is decided here and written with the pass's others."""
        try:
            data = await _call(self._client, message)
        except SlackApiError as exc:
            return self._on_slack_error(message, exc)
        except (aiohttp.ClientError, TimeoutError) as exc:
            return self._retry(message, delay=self._backoff(message.attempts), error=repr(exc))
        except FileRelayRefused as exc:
            return _Result(message, "failed", error=exc.code)
        channel = data.get("channel") or message.args.get("channel")
        return _Result(
            message, "sent", channel=channel, ts=data.get("ts") or data.get("message_ts")
        )

    async def _record(self, results: list[_Result]) -> None:
        """Write a whole pass's outcomes in one transaction: one writer turn, not one each."""
        now = self._clock.now()
        failed: dict[int, int] = {}
        async with self._db.transaction() as session:
            delivered = [
                store.Delivered(r.message, r.channel, r.ts) for r in results if r.kind == "sent"
            ]
            await store.mark_sent_many(session, delivered=delivered, now=now)
            for result in results:
                message = result.message
                if result.kind == "retry":
                    assert result.at is not None
                    await store.reschedule(
                        session, message_id=message.id, at=result.at, error=result.error or ""
                    )
                elif result.kind == "failed":
                    dropped = await store.mark_failed(
                        session, message_id=message.id, error=result.error or ""
                    )
                    failed[message.id] = len(dropped) - 1
        for result in results:
            self._log(result, failed.get(result.message.id, 0))
            self._report(
                SendOutcome(result.message.id, result.message.method, result.kind, result.error)
            )

    def _on_slack_error(self, message: store.ClaimedMessage, exc: SlackApiError) -> _Result:
        status = exc.response.status_code
        error = str(exc.response.get("error") or f"http_{status}")
        if status == 429:
            retry_after = _retry_after_seconds(exc.response.headers)
            until = self._clock.now() + dt.timedelta(seconds=retry_after)
            self._blocked_until[message.method] = until
            return self._retry(message, delay=retry_after, error=error)
        if status >= 500 or error in TRANSIENT_ERRORS:
            return self._retry(message, delay=self._backoff(message.attempts), error=error)
        return _Result(message, "failed", error=error)

    def _retry(self, message: store.ClaimedMessage, *, delay: float, error: str) -> _Result:
        at = self._clock.now() + dt.timedelta(seconds=delay)
        return _Result(message, "retry", at=at, error=error)

    @staticmethod
    def _log(result: _Result, dropped: int) -> None:
        message = result.message
        if result.kind == "failed":
            logger.error(
                "outbox message failed permanently id=%s method=%s channel=%s error=%s dropped=%s",
                message.id,
                message.method,
                message.args.get("channel"),
                result.error,
                dropped,
            )
        elif result.error == "ratelimited":
            logger.warning("slack rate limit method=%s retry_at=%s", message.method, result.at)
        elif result.error in ("invalid_auth", "not_authed", "token_revoked", "account_inactive"):
            logger.error("slack refused the bot token (%s); messages are kept", result.error)

    def _backoff(self, attempts: int) -> float:
        """Exponential backoff with full jitter, capped, so a recovering Slack is not stampeded."""
        ceiling = min(self._config.backoff_cap, self._config.backoff_base * 2 ** max(0, attempts))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security

    def _report(self, outcome: SendOutcome) -> None:
        if self._on_outcome is not None:
            self._on_outcome(outcome)


async def _call(client: AsyncWebClient, message: store.ClaimedMessage) -> dict[str, Any]:
    """One outbox row's Slack work: a Web API call, or a file carried into a thread."""
    if message.method == RELAY_FILE:
        return await relay_file(client, message.args)
    response = await client.api_call(message.method, json=message.args)
    return response.data if isinstance(response.data, dict) else {}


def _retry_after_seconds(headers: Any) -> float:
    """Slack sends whole seconds; anything unreadable means one second."""
    value = None
    if isinstance(headers, Mapping):
        value = headers.get("Retry-After") or headers.get("retry-after")
        if isinstance(value, list):
            value = value[0] if value else None
    try:
        return max(1.0, float(str(value)))
    except (TypeError, ValueError):
        return 1.0
