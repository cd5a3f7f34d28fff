"""Button clicks."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.views.ids import ActionId
from bot.views.request_modal import RequestPrefill
from handlers.modals import open_request_modal


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for buttons."""

    @app.action(ActionId.FILE_REQUEST)
    @runtime.inflight.track
    async def on_file_request_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        value = str(body["actions"][0].get("value", ""))
        await open_request_modal(
            runtime,
            client=client,
            trigger_id=body["trigger_id"],
            prefill=RequestPrefill(summary=value),
            respond=respond,
        )
