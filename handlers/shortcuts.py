"""The "File a request" message shortcut: any message becomes a request linked back to it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.views.ids import CallbackId
from bot.views.request_modal import RequestPrefill
from bot.views.text import plain_from_slack, truncate
from handlers.modals import open_request_modal

logger = logging.getLogger(__name__)


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the message shortcut."""

    @app.message_shortcut(CallbackId.FILE_FROM_MESSAGE)
    @runtime.inflight.track
    async def on_file_from_message(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        message = body.get("message") or {}
        text = plain_from_slack(await runtime.names.with_names(str(message.get("text") or "")))
        link = await _permalink(client, body.get("channel", {}).get("id"), body.get("message_ts"))
        await open_request_modal(
            runtime,
            client=client,
            trigger_id=body["trigger_id"],
            prefill=RequestPrefill(
                summary=truncate(text.splitlines()[0], 150) if text else "",
                details=text,
                source_link=link,
            ),
            respond=respond,
        )


async def _permalink(client: AsyncWebClient, channel: str | None, ts: str | None) -> str:
    """A link back to the original message; none if Slack will not give one."""
    if not channel or not ts:
        return ""
    try:
        response = await client.chat_getPermalink(channel=channel, message_ts=ts)
    except SlackApiError as exc:
        logger.info("no permalink for the shortcut message error=%s", exc.response.get("error"))
        return ""
    return str(response.get("permalink") or "")
