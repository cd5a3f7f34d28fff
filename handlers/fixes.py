"""Shared fixes in the request form and under the confirmation: the lookup and "This solved it"."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.fixes import FixOffer, parse_fix_choice, parse_fix_id
from bot.intake.filing import RequestForm
from bot.runtime import Runtime
from bot.views.ids import ActionId, CallbackId, FixActionId, FixCallbackId
from bot.views.request_modal import RequestPrefill, request_modal
from bot.views.shared_fixes import decode_thanks_metadata, fix_refused_view, fix_thanks_view
from handlers.acking import click_then_ack
from handlers.modals import known_outages
from handlers.parse import button_value, parse_request_form
from handlers.replies import tell

logger = logging.getLogger(__name__)
# Real seconds the form's lookup may take; a later answer would only get in the partner's way.
LOOKUP_BUDGET = 1.0


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the form's service and summary, and the "This solved it" buttons."""
    _register_form(app, runtime)
    _register_confirmation(app, runtime)


def _register_form(app: AsyncApp, runtime: Runtime) -> None:
    """In the request form: fixes for what the partner wrote, and "This solved it" there."""

    async def on_request_form_changed(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()  # a read follows, never a write: nothing to wait for before answering
        view, user = body.get("view") or {}, body["user"]["id"]
        if view.get("callback_id") != CallbackId.NEW_REQUEST:
            return
        form = parse_request_form(view, partner_id=user)
        offer, banners = await asyncio.gather(
            _offer_in_time(runtime, form), known_outages(runtime, user)
        )
        if offer is None:
            return
        prefill = RequestPrefill(form.summary or "", form.details or "", form.source_link)
        updated = request_modal(runtime.catalogue.services, prefill, banners, offer)
        await _update(client, view, updated)

    for action_id in (ActionId.SERVICE, ActionId.SUMMARY):
        app.action(action_id)(runtime.inflight.track(on_request_form_changed))

    @app.action(FixActionId.SOLVED_IN_FORM)
    @runtime.inflight.track
    async def on_fix_solved_in_form(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        form = parse_request_form(body.get("view") or {}, partner_id=body["user"]["id"])
        fix_id = parse_fix_id(button_value(body))
        taken, refused = await click_then_ack(
            ack, lambda: runtime.fixes.solved_before_filing(fix_id, form=form)
        )
        command = runtime.settings.slash_command
        shown = (
            fix_thanks_view(taken[0], answer_id=taken[1], command=command)
            if taken is not None
            else fix_refused_view(refused or "")
        )
        try:
            await client.views_push(trigger_id=body["trigger_id"], view=shown)
        except SlackApiError as exc:
            logger.warning("could not show the fix answer error=%s", exc.response.get("error"))

    @app.view(FixCallbackId.THANKS)
    @runtime.inflight.track
    async def on_back_to_form(ack: AsyncAck, body: dict[str, Any]) -> None:
        answer = decode_thanks_metadata(body["view"].get("private_metadata"))
        user = body["user"]["id"]
        _, refused = await click_then_ack(
            ack, lambda: runtime.fixes.back_to_form(answer, partner=user)
        )
        if refused:  # the form is back either way; only the count could not be corrected
            logger.warning("fix answer not taken back answer=%s reason=%s", answer, refused)


def _register_confirmation(app: AsyncApp, runtime: Runtime) -> None:
    """Under the confirmation DM: "This solved it" closes the request just filed."""

    @app.action(FixActionId.SOLVED_IN_DM)
    @runtime.inflight.track
    async def on_fix_solved_in_dm(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        choice = parse_fix_choice(button_value(body))
        if choice is None:
            await ack()
            return
        number, fix_id = choice
        _, refused = await click_then_ack(
            ack,
            lambda: runtime.fixes.solved_after_filing(number, fix_id, partner=body["user"]["id"]),
        )
        if refused is not None:
            await tell(respond, refused)


async def _offer_in_time(runtime: Runtime, form: RequestForm) -> FixOffer | None:
    """The fixes for the form, or None when the database is slow to say (the form stays)."""
    looking = asyncio.ensure_future(runtime.fixes.offer(form))
    done, _ = await asyncio.wait({looking}, timeout=LOOKUP_BUDGET)
    if looking in done:
        return looking.result()
    looking.add_done_callback(lambda late: late.cancelled() or late.exception())
    logger.warning("request form not updated with shared fixes: the lookup took too long")
    return None


async def _update(client: AsyncWebClient, view: dict[str, Any], updated: View) -> None:
    """Replace the form in place; if the partner changed it meanwhile (hash), theirs wins."""
    try:
        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)
    except SlackApiError as exc:
        error = exc.response.get("error")
        logger.info("request form not updated with shared fixes error=%s", error)
