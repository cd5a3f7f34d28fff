"""Events: direct messages, membership changes of triage channels, and the Home tab opening."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.runtime import Runtime

logger = logging.getLogger(__name__)
IGNORED_SUBTYPES = frozenset({"message_changed", "message_deleted", "channel_join", "bot_message"})


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for messages and membership changes (Bolt acks events before listeners run)."""

    @app.event("message")
    @runtime.inflight.track
    async def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") in IGNORED_SUBTYPES:
            return
        if event.get("bot_id") or not event.get("user"):
            return
        event_id = str(body.get("event_id") or f"{event['channel']}:{event['ts']}")
        thread_ts = event.get("thread_ts")
        text = str(event.get("text") or "")
        where = {"user": event["user"], "channel": event["channel"]}
        if thread_ts and thread_ts != event["ts"]:
            relayed = await runtime.partners.relay_partner_reply(
                event_id=event_id, thread_ts=thread_ts, text=text, **where
            )
            if relayed:
                return
        await runtime.partners.offer_to_file(event_id=event_id, text=text, **where)

    @app.event("app_home_opened")
    @runtime.inflight.track
    async def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return  # the Messages tab fires this event too
        await runtime.home.opened(str(event["user"]))

    @app.event("member_joined_channel")
    @app.event("member_left_channel")
    async def on_membership_changed(event: dict[str, Any]) -> None:
        runtime.roles.invalidate(str(event.get("channel", "")))
