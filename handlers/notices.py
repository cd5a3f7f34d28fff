"""What Slack says about the app itself: dropped events, revoked tokens, uninstalls, repeats."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.domain.seen import SeenIds
from bot.runtime import Runtime
from handlers.message_events import words_key

logger = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Answer Slack's notices and drop redelivered events (HTTP and Socket Mode alike)."""
    seen = SeenIds()

    @app.middleware
    async def answer_notices_and_repeats(
        body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        if body.get("type") == "app_rate_limited":
            # Not an event_callback, so no listener could match it: Bolt would answer 404.
            runtime.metrics.events_rate_limited.inc()
            logger.warning(
                "slack is dropping events for this app minute_rate_limited=%s",
                body.get("minute_rate_limited"),
            )
            return BoltResponse(status=200, body="")
        event_id = body.get("event_id")
        # A person's words are kept from being relayed twice by the database, in the same
        # transaction that stores them: a repeat of words that could not be stored must pass.
        durable = words_key(body) is not None
        if isinstance(event_id, str) and event_id and not durable and not seen.first_time(event_id):
            logger.info("ignored a redelivered event event_id=%s", event_id)
            return BoltResponse(status=200, body="")
        return await next()

    @app.event("tokens_revoked")
    async def on_tokens_revoked(event: dict[str, Any]) -> None:
        tokens = event.get("tokens")
        bot_users = tokens.get("bot") if isinstance(tokens, dict) else None
        if not bot_users:
            logger.info("slack revoked user tokens; Liaison uses none")
            return
        runtime.outbox.halt("tokens_revoked: the bot token was revoked")

    @app.event("app_uninstalled")
    async def on_app_uninstalled() -> None:
        runtime.outbox.halt("app_uninstalled: Liaison was removed from the workspace")
