"""Events: direct messages, membership changes of triage channels, and the Home tab opening."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.domain.errors import NotStored
from bot.runtime import Runtime
from handlers.message_events import event_key, read_dm_event

logger = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for messages and membership changes.

    Bolt acks events before listeners run; for a partner's words the server holds that
    answer until the listener settles it (bot/app/held.py).
    """

    @app.event("message")
    @runtime.inflight.track
    async def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        said = read_dm_event(event)
        if said is None:
            return
        event_id = event_key(body, event)
        try:
            await runtime.partners.hear(event_id=event_id, said=said)
        except NotStored:
            runtime.inflight.settle(event_id, again=True)  # not stored: Slack sends it again
            raise
        except BaseException:
            runtime.inflight.settle(event_id, again=False)  # a bug: sending again cannot help
            raise
        runtime.inflight.settle(event_id, again=False)  # stored: now Slack hears back

    @app.event("app_home_opened")
    @runtime.inflight.track
    async def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return  # the Messages tab fires this event too
        view = event.get("view")
        shown = view.get("hash") if isinstance(view, dict) else None
        await runtime.home.opened(
            str(event["user"]), shown_hash=shown if isinstance(shown, str) else None
        )

    @app.event("member_joined_channel")
    @app.event("member_left_channel")
    async def on_membership_changed(event: dict[str, Any]) -> None:
        runtime.roles.invalidate(str(event.get("channel", "")))
