"""The app factory: a Bolt AsyncApp with Liaison's listeners bound to a Runtime."""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp

from bot.runtime import Runtime
from handlers import register_all

# Bolt reads SLACK_BOT_TOKEN from the environment itself and warns that the client's token
# wins; Liaison always gives the client (it carries the base URL), so the warning says nothing.
UNUSED_WARNING = "will be unused"


class _DropTokenUnused(logging.Filter):
    """Drops Bolt's start-up warning about the environment's token; keeps everything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return UNUSED_WARNING not in record.getMessage()


def build_app(runtime: Runtime) -> AsyncApp:
    """Create the Bolt app.

    Signatures are checked by the guard in front of Bolt (bot/app/guard), which also parses the
    body and hands Bolt JSON; Bolt's own check would see that JSON, not the signed bytes.
    Socket Mode has no signatures at all.
    """
    settings = runtime.settings
    bolt_logger = logging.getLogger("slack_bolt.AsyncApp")
    if not any(isinstance(f, _DropTokenUnused) for f in bolt_logger.filters):
        bolt_logger.addFilter(_DropTokenUnused())
    app = AsyncApp(
        client=runtime.client,
        signing_secret=settings.slack_signing_secret.get_secret_value() or None,
        request_verification_enabled=False,
        process_before_response=False,
    )
    register_all(app, runtime)
    return app
