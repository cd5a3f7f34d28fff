"""Serving Liaison: HTTP (Events API) or Socket Mode, health and start/stop order."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.app import build_app
from bot.metrics import CONTENT_TYPE
from bot.runtime import Runtime
from bot.settings import SlackMode

logger = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


def build_web_app(runtime: Runtime, app: AsyncApp, *, with_events: bool) -> web.Application:
    """The aiohttp application: Slack's request URL (HTTP mode), /healthz and /metrics."""

    async def events(request: web.Request) -> web.Response:
        started = time.perf_counter()  # elapsed time, not the (possibly simulated) Clock
        try:
            bolt_request = await to_bolt_request(request)
            bolt_response = await app.async_dispatch(bolt_request)
            return await to_aiohttp_response(bolt_response)
        finally:
            runtime.metrics.observe_listener(time.perf_counter() - started)

    async def healthz(_request: web.Request) -> web.Response:
        if await runtime.database.ping():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "database unavailable"}, status=503)

    async def metrics(_request: web.Request) -> web.Response:
        body = await runtime.metrics.render(scheduler_lag=runtime.scheduler.lag_seconds)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    web_app = web.Application()
    if with_events:
        web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app


class LiaisonServer:
    """Starts the outbox, the web server and (in Socket Mode) the socket; stops them in reverse."""

    def __init__(self, runtime: Runtime) -> None:
        """Build the Bolt app for this runtime; nothing runs until start()."""
        self.runtime = runtime
        self.app = build_app(runtime)
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
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
            self._socket = AsyncSocketModeHandler(
                self.app,
                settings.slack_app_token.get_secret_value(),
                web_client=self.runtime.client,
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
