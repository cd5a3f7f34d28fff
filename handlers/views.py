"""Modal submissions: validate inside the 3-second ack, store after it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import FieldErrors
from bot.runtime import Runtime
from bot.views.ids import CallbackId
from bot.views.partner_dm import filing_failed
from handlers.parse import parse_request_form

logger = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the new-request modal."""

    @app.view(CallbackId.NEW_REQUEST)
    @runtime.inflight.track
    async def on_request_submitted(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = parse_request_form(body["view"], partner_id=body["user"]["id"])
        try:
            runtime.intake.validate(form)
        except FieldErrors as invalid:
            await ack(response_action="errors", errors=invalid.errors)
            return
        await ack()
        try:
            await runtime.intake.submit_request(form)
        except Exception:
            # Nothing a partner typed may be lost: log it whole and give it back to them.
            logger.exception("could not file request; form=%r", form)
            blocks, text = filing_failed(form.summary or "", form.details or "")
            await client.chat_postMessage(channel=form.partner_id, text=text, blocks=blocks)
            raise
