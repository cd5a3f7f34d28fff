"""Opening the request modal: the one Slack call a handler makes itself (trigger_id is 3 s)."""

from __future__ import annotations

import logging

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Runtime
from bot.views.request_modal import RequestPrefill, request_modal

logger = logging.getLogger(__name__)


async def open_request_modal(
    runtime: Runtime,
    *,
    client: AsyncWebClient,
    trigger_id: str,
    prefill: RequestPrefill,
    respond: AsyncRespond | None,
) -> None:
    """Open the form; if Slack refuses (the trigger expired), say so where the user is."""
    view = request_modal(runtime.catalogue.services, prefill)
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        error = exc.response.get("error")
        logger.warning("could not open the request form error=%s", error)
        if respond is not None and respond.response_url:
            await respond(
                text=(
                    "Slack closed the form before it could open (it allows three seconds). "
                    f"Please run `{runtime.settings.slash_command}` again."
                ),
                response_type="ephemeral",
                replace_original=False,
            )
