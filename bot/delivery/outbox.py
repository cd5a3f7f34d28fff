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
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery.files import RELAY_FILE, FileRelayRefused, relay_file
from bot.delivery.loop import BackgroundLoop
from bot.delivery.recovery import SendingRecovery, with_outbox_id
from storage import outbox as store
from storage import outbox_recovery as orphans
from storage import send_blocks
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


# Errors that mean the conversation itself cannot be posted to: a reply under a message that
# failed this way cannot go there on its own either.
CONVERSATION_GONE = frozenset(
    {"channel_not_found", "not_in_channel", "is_archived", "restricted_action", "user_not_found"}
)
ORPHAN_NOTE = "_(This was a reply to an earlier message that could not be posted.)_"


def _note_block() -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": ORPHAN_NOTE}]}


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
    blocked_until: dt.datetime | None = None  # Slack's Retry-After for the whole method


@dataclass
class DispatcherConfig:
    """Tunables with production defaults; tests shrink nothing, they move the clock."""

    batch: int = 50
    concurrency: int = 8
    # Renewed every third of itself while a pass is sending, so a slow pass never loses it.
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
        self._recovery = SendingRecovery(database=database, client=client, lease=self._config.lease)
        # On SQLite one process is the only sender: rows it finds `sending` at start are its own
        # orphans, reconciled at once rather than after their lease.
        self._restart_pending = database.is_sqlite
        self._halted: str | None = None
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

    # Slack said the bot token is gone (tokens_revoked, app_uninstalled): every message stays
    # queued and nothing is sent until Liaison is restarted with a working token.
    def halt(self, reason: str) -> None:
        """Stop sending; queued and new messages are kept in the database."""
        if self._halted is None:
            logger.error("outbox stopped sending: %s; messages are kept", reason)
        self._halted = reason

    @property
    def halted(self) -> str | None:
        """Why sending stopped, or None while sending."""
        return self._halted

    async def run_pass(self) -> int:
        """Send one batch of due messages; returns how many were attempted or settled."""
        if self._halted is not None:
            return 0
        async with self._pass_lock:
            now = self._clock.now()
            restart, self._restart_pending = self._restart_pending, False
            settled = await self._recovery.recover(now=now, restart=restart)
            async with self._db.transaction() as session:
                settled += await self._settle_orphans(session)
                blocked = await send_blocks.blocked_methods(session, now=now)
                claimed = await store.claim_due(
                    session,
                    now=now,
                    lease=self._config.lease,
                    limit=self._config.batch,
                    blocked_methods=list(blocked),
                )
            if claimed:
                await self._record(await self._send_all(claimed))
            return len(claimed) + settled

    async def _send_all(self, claimed: list[store.ClaimedMessage]) -> list[_Result]:
        """Send a batch concurrently; one call's surprise never costs the others their record."""
        limit = asyncio.Semaphore(self._config.concurrency)

        async def send_one(message: store.ClaimedMessage) -> _Result:
            async with limit:
                return await self._send(message)

        renewing = asyncio.create_task(self._renew([m.id for m in claimed]))
        try:
            outcomes = await asyncio.gather(*(send_one(m) for m in claimed), return_exceptions=True)
        finally:
            renewing.cancel()
        results = []
        for message, outcome in zip(claimed, outcomes, strict=True):
            if isinstance(outcome, _Result):
                results.append(outcome)
                continue
            logger.error(
                "outbox send raised id=%s method=%s", message.id, message.method, exc_info=outcome
            )
            results.append(
                self._retry(message, delay=self._backoff(message.attempts), error=repr(outcome))
            )
        return results

    async def _renew(self, message_ids: list[int]) -> None:
        """Extend the pass's leases every third of a lease for as long as it is sending."""
        period = self._config.lease.total_seconds() / 3
        while True:
            await self._clock.sleep(period)
            async with self._db.transaction() as session:
                await orphans.extend_leases(
                    session, message_ids=message_ids, until=self._clock.now() + self._config.lease
                )

    async def _settle_orphans(self, session: AsyncSession) -> int:
        """Replies whose parent will never be sent: posted on their own with a note, or failed.

        A reply can only stand alone where its parent could have gone: when the parent's
        conversation itself is gone, the reply fails with the parent's reason.
        """
        found = await orphans.orphans(session)
        for orphan in found:
            note = f"parent message {orphan.parent_id} {orphan.parent_status}"
            if orphan.parent_field == "thread_ts" and orphan.parent_error not in CONVERSATION_GONE:
                args = {k: v for k, v in orphan.args.items() if k != "thread_ts"}
                args["text"] = f"{ORPHAN_NOTE}\n{args.get('text') or ''}".strip()
                if isinstance(args.get("blocks"), list):
                    args["blocks"] = [_note_block(), *args["blocks"]]
                await orphans.detach(session, message_id=orphan.id, args=args, note=note)
                logger.warning("outbox reply sent without its thread id=%s %s", orphan.id, note)
            else:
                await store.mark_failed(session, message_id=orphan.id, error=note)
                logger.error("outbox message failed id=%s error=%s", orphan.id, note)
        return len(found)

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
        """When the next claim can return something: due rows, unblocked methods, lapsed leases.

        Computed with the claim's own conditions, so an idle dispatcher never wakes for rows it
        cannot take (replies under a failed card, rows behind a retry, a rate-limited method).
        """
        if self._halted is not None:
            return None  # nothing will be sent: poll idly instead of waking for due messages
        now = self._clock.now()
        async with self._db.reading() as session:
            due = await store.next_due_by_method(session)
            blocked = await send_blocks.blocked_methods(session, now=now)
            lease = await store.next_lease_expiry(session)
        moments = [max(at, blocked.get(method, at)) for method, at in due.items()]
        if lease is not None:
            # Recovery takes leases strictly past their end: wake just after.
            moments.append(lease + dt.timedelta(milliseconds=1))
        return min(moments, default=None)

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
                if result.blocked_until is not None:
                    await send_blocks.block_method(
                        session, method=message.method, until=result.blocked_until
                    )
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
            return _Result(message, "retry", at=until, error=error, blocked_until=until)
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
    response = await client.api_call(message.method, json=with_outbox_id(message))
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
