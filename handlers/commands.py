"""The slash command: sub-commands answered in the ack, otherwise the request modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.views.help import help_message, services_message
from bot.views.request_modal import RequestPrefill
from handlers.modals import open_request_modal
from handlers.parse import OpenForm, SubCommand, Unknown, parse_command_text


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the configured slash command."""
    command = runtime.settings.slash_command

    @app.command(command)
    @runtime.inflight.track
    async def on_request_command(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        parsed = parse_command_text(body.get("text", ""))
        if parsed is SubCommand.HELP:
            blocks, text = help_message(command)
        elif parsed is SubCommand.SERVICES:
            blocks, text = services_message(runtime.catalogue)
        elif isinstance(parsed, Unknown):
            blocks, text = help_message(command, not_understood=parsed.word)
        else:
            assert isinstance(parsed, OpenForm)
            await ack()
            await open_request_modal(
                runtime,
                client=client,
                trigger_id=body["trigger_id"],
                prefill=RequestPrefill(summary=parsed.summary),
                respond=respond,
            )
            return
        await ack(text=text, blocks=blocks, response_type="ephemeral")
