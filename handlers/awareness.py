"""Suspected-outage alert buttons: Declare outage… (the prefilled form) and Not an outage."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.runtime import Runtime
from bot.views.ids import AwarenessActionId
from bot.views.outage_modals import declare_modal
from handlers.acking import click_then_ack
from handlers.outages import open_modal
from handlers.parse import button_number, clicked_channel
from handlers.replies import tell


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the alert's two buttons."""

    @app.action(AwarenessActionId.DECLARE)
    @runtime.inflight.track
    async def on_declare_from_alert_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        burst = button_number(body)
        if burst is None:
            return
        try:
            prefill = await runtime.awareness.bursts.declare_prefill(
                burst, actor=body["user"]["id"]
            )
        except DomainError as refused:
            await tell(respond, str(refused))
            return
        view = declare_modal(
            runtime.catalogue.services,
            now=runtime.clock.now(),
            channel=clicked_channel(body),
            prefill=prefill,
        )
        await open_modal(client, body["trigger_id"], view, respond)

    @app.action(AwarenessActionId.DISMISS)
    @runtime.inflight.track
    async def on_not_an_outage_clicked(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        burst = button_number(body)
        if burst is None:
            await ack()
            return
        dismiss = runtime.awareness.bursts.dismiss
        _, refusal = await click_then_ack(ack, lambda: dismiss(burst, actor=body["user"]["id"]))
        if refusal is not None:
            await tell(respond, refusal)
