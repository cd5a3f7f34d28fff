"""Answering the person who acted, only to them: refusals, confirmations, lookups."""

from __future__ import annotations

import logging

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

logger = logging.getLogger(__name__)


async def tell(
    respond: AsyncRespond | None,
    text: str,
    *,
    blocks: list[Block] | None = None,
    client: AsyncWebClient | None = None,
    channel: str | None = None,
    user: str | None = None,
) -> None:
    """Ephemeral answer via response_url, else chat.postEphemeral where the person is."""
    payload = [b.to_dict() for b in blocks] if blocks else None
    if respond is not None and respond.response_url:
        await respond(text=text, blocks=payload, response_type="ephemeral", replace_original=False)
        return
    if client is not None and channel and user:
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=payload)
        except SlackApiError as exc:
            logger.warning("could not answer user=%s error=%s", user, exc.response.get("error"))
