"""Socket Mode's door: no signatures, but the same shapes and the same final answers."""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import (
    run_async_bolt_app,
    send_async_response,
)
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.app.guard.answers import kind_of
from bot.app.guard.shapes import shape_problem
from bot.app.held import answer_when_stored
from bot.inflight import InFlight

logger = logging.getLogger(__name__)


class GuardedSocketModeHandler(AsyncSocketModeHandler):
    """Acknowledges every envelope: malformed ones unread, failed ones after logging.

    Bolt sends no acknowledgement for any answer but 200, so Slack would redeliver an event
    that failed or that nobody listens to; and some malformed payloads (a block_actions with
    no actions) break Bolt before any middleware runs.
    """

    def __init__(self, app: AsyncApp, app_token: str, *, inflight: InFlight, **kw: Any) -> None:
        """`inflight` holds the acknowledgement of a person's words until they are stored."""
        super().__init__(app, app_token, **kw)
        self._inflight = inflight

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        """Check the payload's shape, run Bolt, and acknowledge (a person's words once stored)."""
        started = time.time()  # noqa: TID251 - Bolt's own response-time log uses the wall clock
        body = req.payload if isinstance(req.payload, dict) else {}
        problem = shape_problem(body) if body else "payload is not an object"
        if problem is not None:
            logger.warning("ignored a malformed %s envelope: %s", req.type, problem)
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return

        async def run() -> BoltResponse:
            try:
                response: BoltResponse = await run_async_bolt_app(self.app, req)
                return response
            except Exception:
                logger.exception("dispatch failed kind=%s", kind_of(body))
                return BoltResponse(status=500)

        # Bolt acknowledges only a 200: words not stored stay unacknowledged, and come again.
        answer = await answer_when_stored(self._inflight, body, run)
        await send_async_response(client, req, answer, started)
