"""Serving Liaison: HTTP (Events API) or Socket Mode, health and start/stop order."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.app.bolt import build_app
from bot.app.guard import Admitted, admit
from bot.app.guard.answers import kind_of
from bot.app.guard.door import MAX_BODY_BYTES
from bot.app.guard.socket import GuardedSocketModeHandler
from bot.app.held import answer_when_stored
from bot.clock import signing_time
from bot.inflight import InFlight
from bot.observability.metrics import CONTENT_TYPE
from bot.runtime import Runtime
from bot.settings import SlackMode

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def build_web_app(runtime: Runtime, app: AsyncApp, *, with_events: bool) -> web.Application:
    """The aiohttp application: Slack's request URL (HTTP mode), /healthz and /metrics."""

    secret = runtime.settings.slack_signing_secret.get_secret_value()

    async def events(request: web.Request) -> web.Response:
        started = time.perf_counter()  # elapsed time, not the (possibly simulated) Clock
        try:
            return await answer(request)
        finally:
            runtime.metrics.observe_listener(time.perf_counter() - started)

    async def answer(request: web.Request) -> web.Response:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return refuse(413, "body too large")
        verdict = admit(
            body=body, headers=request.headers, signing_secret=secret, now=signing_time()
        )
        if not isinstance(verdict, Admitted):
            return refuse(verdict.status, verdict.reason)
        if verdict.ssl_check:
            return web.Response(status=200)
        return await dispatch(app, request, verdict, inflight=runtime.inflight)

    async def healthz(_request: web.Request) -> web.Response:
        if await runtime.database.ping():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "database unavailable"}, status=503)

    async def metrics(_request: web.Request) -> web.Response:
        body = await runtime.metrics.render(scheduler_lag=runtime.scheduler.lag_seconds)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    if with_events:
        web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app


def refuse(status: int, reason: str) -> web.Response:
    """One log line per refusal: the status and why, never the body or the headers."""
    logger.warning("refused a request to %s status=%s reason=%s", EVENTS_PATH, status, reason)
    return web.json_response({"error": reason}, status=status)


async def dispatch(
    app: AsyncApp, request: web.Request, admitted: Admitted, *, inflight: InFlight
) -> web.Response:
    """Hand Bolt the parsed body as JSON; a failure inside is logged, never answered 5xx.

    A 5xx makes Slack retry the same payload (a flood of them is a denial of service) and
    shows the person nothing useful; the error handler (handlers/middleware.py) logs the
    failure and tells the person through the payload's response_url where it has one.
    """
    headers: dict[str, str | Sequence[str]] = {k.lower(): v for k, v in request.headers.items()}
    headers["content-type"] = "application/json"
    headers.pop("content-length", None)

    async def run() -> BoltResponse:
        try:
            bolt_request = AsyncBoltRequest(
                body=admitted.bolt_body, query=request.query_string, headers=headers
            )
            return await app.async_dispatch(bolt_request)
        except Exception:
            logger.exception("dispatch failed kind=%s", kind_of(admitted.body))
            return BoltResponse(status=500)

    return await to_aiohttp_response(await answer_when_stored(inflight, admitted.body, run))


class LiaisonServer:
    """Starts the outbox, the web server and (in Socket Mode) the socket; stops them in reverse."""

    def __init__(self, runtime: Runtime) -> None:
        """Build the Bolt app for this runtime; nothing runs until start()."""
        self.runtime = runtime
        self.app = build_app(runtime)
        self._runner: web.AppRunner | None = None
        self._socket: GuardedSocketModeHandler | None = None
        self.port: int | None = None

    async def start(self) -> None:
        """Begin serving; returns once listening (and, in Socket Mode, connected)."""
        settings = self.runtime.settings
        http_mode = settings.slack_mode is SlackMode.HTTP
        self.runtime.outbox.start()
        self.runtime.scheduler.start()
        web_app = build_web_app(self.runtime, self.app, with_events=http_mode)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, settings.host, settings.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else settings.port
        logger.info(
            "listening host=%s port=%s mode=%s", settings.host, self.port, settings.slack_mode
        )
        if not http_mode:
            self._socket = GuardedSocketModeHandler(
                self.app,
                settings.slack_app_token.get_secret_value(),
                web_client=self.runtime.client,
                inflight=self.runtime.inflight,
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            logger.info("connected to Slack over Socket Mode")

    async def stop(self) -> None:
        """Stop taking work, let running listeners finish, then stop sending."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.runtime.inflight.idle()
        await self.runtime.scheduler.stop()
        await self.runtime.outbox.stop()

    async def serve_forever(self) -> None:
        """Run until cancelled (Ctrl-C or SIGTERM)."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.stop()
