"""Opening the request modal: the one Slack call a handler makes itself (trigger_id is 3 s)."""

from __future__ import annotations

import asyncio
import logging

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.outage import OutageBanner
from bot.runtime import Runtime
from bot.views.request_modal import RequestPrefill, request_modal_payload

logger = logging.getLogger(__name__)
# Real seconds the form waits for the list of known outages: the trigger_id dies 3 s after
# the click, and a form without the banner is better than no form.
BANNER_BUDGET = 0.5


async def open_request_modal(
    runtime: Runtime,
    *,
    client: AsyncWebClient,
    trigger_id: str,
    prefill: RequestPrefill,
    respond: AsyncRespond | None,
    user: str | None = None,
) -> None:
    """Open the form, known outages on top; if Slack refuses (trigger expired), say so."""
    banners = await known_outages(runtime, user)
    view = request_modal_payload(runtime.catalogue.services, prefill, tuple(banners))
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


async def known_outages(runtime: Runtime, user: str | None) -> list[OutageBanner]:
    """Open outages for the form's banner, or none if the database is slow to say.

    A read that outlasts the budget is left to finish on its own: cutting a database read off
    mid-way costs its connection.
    """
    reading = asyncio.ensure_future(runtime.outages.banners(viewer=user))
    done, _ = await asyncio.wait({reading}, timeout=BANNER_BUDGET)
    if reading in done:
        return reading.result()
    reading.add_done_callback(lambda late: late.cancelled() or late.exception())
    logger.warning("request form opened without the outage banner: the read took too long")
    return []
