"""How payloads reach the app: signed HTTP POSTs to /slack/events, or Socket Mode envelopes."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
import urllib.parse
from collections.abc import Mapping
from time import monotonic
from typing import Any, Protocol

import aiohttp

from simulator import signing
from simulator.elements import JsonDict
from simulator.results import Delivery
from simulator.socket import SocketHub

logger = logging.getLogger(__name__)

USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM = "application/x-www-form-urlencoded"
LARGE_BODY = 1024 * 1024


class Transport(Protocol):
    """Something that can hand one payload to the app and report how it answered."""

    name: str

    async def deliver(
        self, kind: str, payload: JsonDict, *, retry_num: int = 0, retry_reason: str = ""
    ) -> Delivery:
        """Deliver once; `kind` is events_api, slash_commands or interactive."""
        ...

    async def close(self) -> None:
        """Release connections and cancel in-flight work."""
        ...


def encode(kind: str, payload: Mapping[str, Any]) -> tuple[bytes, str]:
    """Return the body and content type Slack uses for this kind of payload over HTTP."""
    if kind == "events_api":
        return json.dumps(payload).encode(), "application/json"
    if kind == "slash_commands":
        fields = [(k, str(v)) for k, v in payload.items()]
        return urllib.parse.urlencode(fields).encode(), FORM
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode(), FORM


class HttpTransport:
    """POSTs signed requests to the app's Request URL, as Slack does in HTTP mode."""

    name = "http"

    def __init__(self, url: str, signing_secret: str, *, timeout: float = 3.0) -> None:
        """Deliver to `url` (e.g. http://127.0.0.1:3000/slack/events), signing with the secret."""
        self.url = url
        self.signing_secret = signing_secret
        self.timeout = timeout
        # Added to the real-time signing timestamp; e.g. -301 makes every signature stale.
        self.timestamp_offset = 0
        self._session: aiohttp.ClientSession | None = None
        self._late: set[asyncio.Task[tuple[int, str, dict[str, str]]]] = set()

    async def deliver(
        self, kind: str, payload: JsonDict, *, retry_num: int = 0, retry_reason: str = ""
    ) -> Delivery:
        """Encode, sign and POST one payload."""
        body, content_type = encode(kind, payload)
        extra = {}
        if retry_num:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self.post(
            body, content_type=content_type, headers=extra, kind=kind, retry_num=retry_num
        )

    async def post(
        self,
        body: bytes,
        *,
        content_type: str,
        headers: Mapping[str, str] | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
        kind: str = "raw",
        retry_num: int = 0,
    ) -> Delivery:
        """POST exact bytes; `timestamp`/`signature` override signing (for bad-signature tests).

        The signature uses real time because the app checks it against its own wall clock.
        An answer later than `timeout` counts as failed; the request keeps running so the
        app's handler is not cut off, exactly as Slack does not wait for it.
        """
        stamp = int(time.time()) + self.timestamp_offset if timestamp is None else timestamp
        sent = {
            "Content-Type": content_type,
            "User-Agent": USER_AGENT,
            "Accept": "application/json,*/*",
            "Accept-Encoding": "gzip,deflate",
            **signing.headers(self.signing_secret, stamp, body),
            **(headers or {}),
        }
        if signature is not None:
            sent["X-Slack-Signature"] = signature
        started = monotonic()
        task = asyncio.ensure_future(self._exchange(body, sent))
        done, _ = await asyncio.wait({task}, timeout=self.timeout)
        elapsed = (monotonic() - started) * 1000
        if not done:
            self._late.add(task)
            task.add_done_callback(self._late_done)
            return Delivery(
                kind,
                0,
                "",
                None,
                elapsed,
                timed_out=True,
                retry_num=retry_num,
                error="http_timeout",
            )
        try:
            status, text, answer_headers = task.result()
        except (aiohttp.ClientError, OSError) as exc:
            logger.info("delivery to %s failed: %s", self.url, exc)
            return Delivery(
                kind, 0, "", None, elapsed, retry_num=retry_num, error="connection_failed"
            )
        return _answer(kind, status, text, answer_headers, elapsed, retry_num)

    async def _exchange(
        self, body: bytes, headers: dict[str, str]
    ) -> tuple[int, str, dict[str, str]]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        # aiohttp wants large bodies as a stream (e.g. the oversized ones of 413 tests).
        data = io.BytesIO(body) if len(body) >= LARGE_BODY else body
        async with self._session.post(self.url, data=data, headers=headers) as response:
            text = await response.text()
            return response.status, text, {k.lower(): v for k, v in response.headers.items()}

    def _late_done(self, task: asyncio.Task[tuple[int, str, dict[str, str]]]) -> None:
        self._late.discard(task)
        if not task.cancelled() and task.exception() is None:
            logger.info("late answer (after %.1fs) ignored: %s", self.timeout, task.result()[0])

    async def close(self) -> None:
        """Cancel answers still awaited after their deadline and close the HTTP session."""
        for task in list(self._late):
            task.cancel()
        if self._late:
            await asyncio.gather(*self._late, return_exceptions=True)
        if self._session is not None:
            await self._session.close()


def _answer(
    kind: str, status: int, text: str, headers: dict[str, str], elapsed: float, retry_num: int
) -> Delivery:
    parsed: Any = None
    if headers.get("content-type", "").startswith("application/json") and text:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
    return Delivery(
        kind,
        status,
        text,
        parsed,
        elapsed,
        retry_num=retry_num,
        error=None if 200 <= status < 300 else "http_error",
        no_retry=headers.get("x-slack-no-retry") == "1",
        headers=headers,
    )


class SocketTransport:
    """Sends the same payloads as Socket Mode envelopes over the app's WebSocket."""

    name = "socket"

    def __init__(self, hub: SocketHub) -> None:
        """Deliver through the simulator's Socket Mode server."""
        self._hub = hub

    async def deliver(
        self, kind: str, payload: JsonDict, *, retry_num: int = 0, retry_reason: str = ""
    ) -> Delivery:
        """Send one envelope and wait for its ack."""
        return await self._hub.send(
            kind, payload, retry_attempt=retry_num, retry_reason=retry_reason
        )

    async def close(self) -> None:
        """Nothing to release: the hub owns the connections."""
