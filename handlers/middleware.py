"""App-wide middleware: response_url safety and an error handler that tells the user."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse

from bot.runtime import Runtime
from bot.settings import SLACK_HOOK_HOSTS, SlackMode

logger = logging.getLogger(__name__)
LISTENER_FAILED = "Sorry, something went wrong on our side and nothing was done. Please try again."


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Install the middleware and the error handler."""
    api_url = runtime.settings.slack_api_url

    @app.middleware
    async def guard_response_urls(
        context: AsyncBoltContext,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        url = context.response_url
        if url and not is_allowed_response_url(url, api_url=api_url):
            logger.warning("ignored a response_url on host %s", urlsplit(url).netloc)
            context.pop("response_url", None)
            context.pop("respond", None)
        return await next()

    if runtime.settings.slack_mode is SlackMode.SOCKET:
        # Over HTTP the aiohttp handler times the whole request; a socket has no such handler.
        @app.middleware
        async def time_listeners(next: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
            started = time.perf_counter()
            try:
                return await next()
            finally:
                runtime.metrics.observe_listener(time.perf_counter() - started)

    @app.error
    async def on_error(
        error: Exception, body: dict[str, Any], respond: AsyncRespond | None = None
    ) -> None:
        kind = body.get("type") or body.get("command") or "unknown"
        person = body.get("user")
        user = person.get("id") if isinstance(person, dict) else body.get("user_id") or person
        logger.error("listener failed kind=%s user=%s", kind, user, exc_info=error)
        if respond is None or not respond.response_url:
            return  # events, modals and the Home have nowhere to answer
        try:
            await respond(text=LISTENER_FAILED, response_type="ephemeral", replace_original=False)
        except Exception:  # the person could not be told; the failure is logged above
            logger.warning("could not tell user=%s that their %s failed", user, kind)


def is_allowed_response_url(url: str, *, api_url: str) -> bool:
    """Answer only Slack's or GovSlack's hooks host over HTTPS, or the configured API host."""
    parts, api = urlsplit(url), urlsplit(api_url)
    if parts.netloc == api.netloc and parts.scheme == api.scheme:
        return True
    return parts.scheme == "https" and parts.netloc in SLACK_HOOK_HOSTS
