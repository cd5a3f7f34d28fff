"""Buttons on the App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.views.home import HomeActionId
from bot.views.request_modal import RequestPrefill
from handlers.modals import open_request_modal


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the Home tab's buttons."""

    @app.action(HomeActionId.FILE_REQUEST)
    @runtime.inflight.track
    async def on_home_file_request_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        await open_request_modal(
            runtime,
            client=client,
            trigger_id=body["trigger_id"],
            prefill=RequestPrefill(),
            respond=None,  # a Home has no response_url; the modal helper logs a refusal
            user=body["user"]["id"],
        )
