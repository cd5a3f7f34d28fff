"""Slack's Socket Mode server: hello, envelopes, acks by envelope_id, and disconnects."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass, field
from time import monotonic
from typing import Any

from aiohttp import WSMsgType, web

from simulator import ids
from simulator.changes import Changes, SimulatorTimeoutError
from simulator.config import SimConfig
from simulator.elements import JsonDict
from simulator.results import Delivery
from simulator.workspace import SimulatorError

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class SocketConnection:
    """One WebSocket an app opened with a ticket from apps.connections.open."""

    number: int
    ws: web.WebSocketResponse = field(repr=False)
    draining: bool = False  # sent a disconnect; Slack sends it nothing new


class SocketHub:
    """Accepts app connections at /link and exchanges envelopes and acks with them."""

    def __init__(self, config: SimConfig, changes: Changes) -> None:
        """Serve the app described by `config`."""
        self._config = config
        self._changes = changes
        self._tickets: set[str] = set()
        self._pending: dict[str, asyncio.Future[JsonDict]] = {}
        self.connections: list[SocketConnection] = []
        self.connections_opened = 0
        self.late_acks: list[str] = []

    def issue_url(self, ws_base: str) -> str:
        """Return a single-use `ws://.../link/?ticket=...` URL (apps.connections.open)."""
        ticket = secrets.token_urlsafe(16)
        self._tickets.add(ticket)
        return f"{ws_base}link/?ticket={ticket}&app_id={self._config.app_id}"

    @property
    def live(self) -> list[SocketConnection]:
        """Return the connections that may receive envelopes."""
        return [c for c in self.connections if not c.draining and not c.ws.closed]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Accept a connection: check its ticket, say hello, then read acks until it closes."""
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.json_response({"ok": False, "error": "invalid_ticket"}, status=401)
        self._tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections_opened += 1
        connection = SocketConnection(self.connections_opened, ws)
        self.connections.append(connection)
        await ws.send_json(self._hello())
        self._changes.notify()
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._on_text(str(message.data))
        finally:
            self.connections.remove(connection)
            self._changes.notify()
        return ws

    def _hello(self) -> JsonDict:
        return {
            "type": "hello",
            "num_connections": len(self.live),
            "connection_info": {"app_id": self._config.app_id},
            "debug_info": {
                "host": "applink-sim",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
        }

    def _on_text(self, data: str) -> None:
        try:
            message = json.loads(data)
        except json.JSONDecodeError:
            logger.warning("socket mode: ignoring a frame that is not JSON: %.100s", data)
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        future = self._pending.get(str(envelope_id))
        if future is None or future.done():
            self.late_acks.append(str(envelope_id))
            logger.info("socket mode: ack for unknown or expired envelope %s", envelope_id)
            return
        future.set_result(message)
        self._changes.notify()

    async def _connection(self) -> SocketConnection:
        await self._changes.wait_until(
            lambda: self.live, within=self._config.connect_timeout, what="a Socket Mode client"
        )
        return self.live[-1]

    async def send(
        self, kind: str, payload: JsonDict, *, retry_attempt: int = 0, retry_reason: str = ""
    ) -> Delivery:
        """Send one envelope and wait (ack_timeout, real time) for its ack."""
        try:
            connection = await self._connection()
        except SimulatorTimeoutError:
            raise SimulatorError(
                "no app is connected over Socket Mode: start AsyncSocketModeHandler(...)"
                ".connect_async() with a web client whose base_url is sim.api_url"
            ) from None
        envelope: JsonDict = {
            "envelope_id": ids.envelope_id(),
            "type": kind,
            "accepts_response_payload": kind != "events_api",
            "payload": payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        return await self._exchange(connection, envelope, retry_attempt)

    async def _exchange(
        self, connection: SocketConnection, envelope: JsonDict, retry_attempt: int
    ) -> Delivery:
        future: asyncio.Future[JsonDict] = asyncio.get_running_loop().create_future()
        envelope_id = str(envelope["envelope_id"])
        self._pending[envelope_id] = future
        started = monotonic()
        try:
            await connection.ws.send_json(envelope)
            ack = await asyncio.wait_for(future, timeout=self._config.ack_timeout)
        except TimeoutError:
            return self._failed(envelope, started, retry_attempt, timed_out=True)
        except (ConnectionError, RuntimeError):
            return self._failed(envelope, started, retry_attempt, timed_out=False)
        finally:
            self._pending.pop(envelope_id, None)
        payload = ack.get("payload")
        body = json.dumps(payload) if payload else ""
        elapsed = (monotonic() - started) * 1000
        return Delivery(
            str(envelope["type"]), 200, body, payload or None, elapsed, retry_num=retry_attempt
        )

    @staticmethod
    def _failed(
        envelope: JsonDict, started: float, retry_attempt: int, *, timed_out: bool
    ) -> Delivery:
        elapsed = (monotonic() - started) * 1000
        error = "timeout" if timed_out else "connection_failed"
        return Delivery(
            str(envelope["type"]),
            0,
            "",
            None,
            elapsed,
            timed_out=timed_out,
            retry_num=retry_attempt,
            error=error,
        )

    async def disconnect(self, reason: str, *, wait_reconnect: bool = True) -> None:
        """Send `disconnect` to every live connection; optionally wait for the app to return."""
        told = self.live
        for connection in told:
            connection.draining = True
            payload: JsonDict = {
                "type": "disconnect",
                "reason": reason,
                "debug_info": {"host": "applink-sim"},
            }
            await connection.ws.send_json(payload)
        self._changes.notify()
        if wait_reconnect:
            await self._changes.wait_until(
                lambda: self.live,
                within=self._config.connect_timeout,
                what=f"the app to reconnect after disconnect ({reason})",
            )

    async def close_all(self) -> None:
        """Close every connection (simulator shutdown) and fail pending acks."""
        for future in self._pending.values():
            future.cancel()
        for connection in list(self.connections):
            await connection.ws.close(code=1001, message=b"simulator stopping")

    def pending(self) -> int:
        """Return how many envelopes are waiting for an ack."""
        return len(self._pending)

    def __repr__(self) -> str:
        """Summarise the connections for debugging."""
        state: dict[str, Any] = {"open": len(self.connections), "live": len(self.live)}
        return f"SocketHub({state}, opened={self.connections_opened})"
