"""The app factory: a Bolt AsyncApp with Liaison's listeners bound to a Runtime."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.runtime import Runtime
from bot.settings import SlackMode
from handlers import register_all


def build_app(runtime: Runtime) -> AsyncApp:
    """Create the Bolt app; signature checks are on in HTTP mode (Socket Mode has none)."""
    settings = runtime.settings
    http_mode = settings.slack_mode is SlackMode.HTTP
    app = AsyncApp(
        client=runtime.client,
        signing_secret=settings.slack_signing_secret.get_secret_value() or None,
        request_verification_enabled=http_mode,
        process_before_response=False,
    )
    register_all(app, runtime)
    return app
