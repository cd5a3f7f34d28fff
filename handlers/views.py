"""The new-request form: the form closes only once the request is stored."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.runtime import Runtime
from bot.views.ids import BlockId, CallbackId
from handlers.acking import submit_then_ack
from handlers.parse import parse_request_form


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the new-request modal."""

    @app.view(CallbackId.NEW_REQUEST)
    @runtime.inflight.track
    async def on_request_submitted(ack: AsyncAck, body: dict[str, Any]) -> None:
        form = parse_request_form(body["view"], partner_id=body["user"]["id"])
        await submit_then_ack(
            ack, lambda: runtime.intake.submit_request(form), field=BlockId.SUMMARY
        )
