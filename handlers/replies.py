"""Answering the person who acted, only to them: refusals, confirmations, lookups."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from handlers.acking import click_then_ack
from handlers.parse import button_number

logger = logging.getLogger(__name__)


async def tell(
    respond: AsyncRespond | None,
    text: str,
    *,
    blocks: list[Block] | None = None,
    client: AsyncWebClient | None = None,
    channel: str | None = None,
    user: str | None = None,
    replace: bool = False,
) -> None:
    """Ephemeral answer via response_url, else chat.postEphemeral where the person is.

    `replace` puts the answer in place of the message clicked (its buttons spent).
    """
    payload = [b.to_dict() for b in blocks] if blocks else None
    if respond is not None and respond.response_url:
        await respond(
            text=text, blocks=payload, response_type="ephemeral", replace_original=replace
        )
        return
    if client is not None and channel and user:
        try:
            await client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=payload)
        except SlackApiError as exc:
            logger.warning("could not answer user=%s error=%s", user, exc.response.get("error"))


Rendered = tuple[list[Block], str]
RequestWork = Callable[[int, str], Awaitable[Rendered | None]]


def request_button(work: RequestWork) -> Callable[..., Awaitable[None]]:
    """A button carrying a request number: do `work`, ack once stored, answer privately."""

    async def on_request_button_clicked(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        number = button_number(body)
        if number is None:
            await ack()
            return
        answer, refusal = await click_then_ack(ack, lambda: work(number, body["user"]["id"]))
        if refusal is not None:
            await tell(respond, refusal)
        elif answer is not None:
            blocks, text = answer
            await tell(respond, text, blocks=blocks)

    return on_request_button_clicked
