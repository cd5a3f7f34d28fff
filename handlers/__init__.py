"""Thin Bolt listeners: parse the payload, ack, call one service, render the answer."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.runtime import Runtime
from handlers import (
    actions,
    awareness,
    card_actions,
    closing,
    commands,
    events,
    fixes,
    home,
    middleware,
    notices,
    outages,
    saved_replies,
    shortcuts,
    triage_views,
    views,
)


def register_all(app: AsyncApp, runtime: Runtime) -> None:
    """Bind every listener and middleware to the app."""
    middleware.register(app, runtime)
    notices.register(app, runtime)
    commands.register(app, runtime)
    views.register(app, runtime)
    actions.register(app, runtime)
    card_actions.register(app, runtime)
    triage_views.register(app, runtime)
    events.register(app, runtime)
    home.register(app, runtime)
    shortcuts.register(app, runtime)
    outages.register(app, runtime)
    closing.register(app, runtime)
    awareness.register(app, runtime)
    saved_replies.register(app, runtime)
    fixes.register(app, runtime)
