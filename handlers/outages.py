"""Outage listeners: the sub-commands, Follow instead, the list's buttons and the modals."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.outage import OutageEvent, OutageSummary
from bot.outages.desk import require_resolution
from bot.runtime import Runtime
from bot.views.ids import OutageActionId, OutageBlockId, OutageCallbackId
from bot.views.outage_modals import (
    declare_modal,
    decode_outage_metadata,
    maintenance_modal,
    outage_resolve_modal,
    outage_update_modal,
)
from bot.views.outages import (
    linked_now_message,
    linked_resolution_message,
    outage_confirmation,
    outage_list,
)
from bot.views.request_modal import RequestPrefill, request_modal
from handlers.acking import click_then_ack, submit_then_ack
from handlers.modals import known_outages
from handlers.parse import (
    SubCommand,
    button_outage_number,
    clicked_channel,
    parse_maintenance_form,
    parse_outage_edit,
    parse_outage_form,
    parse_request_form,
    text_value,
)
from handlers.replies import tell

logger = logging.getLogger(__name__)
OUTAGE_COMMANDS = frozenset({SubCommand.OUTAGE, SubCommand.MAINTENANCE, SubCommand.OUTAGES})
Rendered = tuple[list[Block], str]
Change = Callable[[str], Awaitable[Rendered]]  # the change, stored before the ack, by the actor
Reader = Callable[[dict[str, Any]], Change]  # pure checks of a submitted modal


async def run_subcommand(
    runtime: Runtime,
    parsed: SubCommand,
    *,
    body: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
) -> None:
    """`outage` and `maintenance` open their modal for technicians; `outages` lists (after ack)."""
    user, channel = body["user_id"], body.get("channel_id", "")
    try:
        if parsed is SubCommand.OUTAGES:
            blocks, text = outage_list(await runtime.outages.board(viewer=user))
            await tell(respond, text, blocks=blocks)
            return
        await runtime.outages.require_manager(user)
    except DomainError as refused:
        await tell(respond, str(refused))
        return
    services, now = runtime.catalogue.services, runtime.clock.now()
    view = (
        declare_modal(services, now=now, channel=channel)
        if parsed is SubCommand.OUTAGE
        else maintenance_modal(services, channel=channel)
    )
    await open_modal(client, body["trigger_id"], view, respond)


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for outage buttons and modal submissions."""

    @app.action(OutageActionId.FOLLOW)
    @runtime.inflight.track
    async def on_follow_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        number, user, view = button_outage_number(body), body["user"]["id"], body["view"]

        async def follow() -> None:
            if number is not None:
                await runtime.outages.follow(number, user=user)

        _, refused = await click_then_ack(ack, follow)
        if refused:  # over already: the new banner simply leaves it out
            logger.info("follow refused outage=%s user=%s reason=%s", number, user, refused)
        form = parse_request_form(view, partner_id=user)
        prefill = RequestPrefill(form.summary or "", form.details or "", form.source_link)
        banners = await known_outages(runtime, user)
        updated = request_modal(runtime.catalogue.services, prefill, banners)
        try:
            await client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)
        except SlackApiError as exc:  # closed or changed meanwhile; the follow is recorded
            logger.warning("could not update the request form error=%s", exc.response.get("error"))

    async def resolve_linked(number: int, actor: str) -> Rendered:
        return linked_resolution_message(
            await runtime.outages.links.resolve_linked(number, actor=actor)
        )

    async def link_open(number: int, actor: str) -> Rendered:
        outage, refs = await runtime.outages.links.link_open(number, actor=actor)
        return linked_now_message(outage, refs)

    for action_id, act in (
        (OutageActionId.RESOLVE_LINKED, resolve_linked),
        (OutageActionId.LINK_OPEN, link_open),
    ):
        app.action(action_id)(runtime.inflight.track(_batch_button(act)))
    app.action(OutageActionId.UPDATE)(runtime.inflight.track(_opener(runtime, update=True)))
    app.action(OutageActionId.RESOLVE)(runtime.inflight.track(_opener(runtime, update=False)))
    readers: dict[OutageCallbackId, tuple[Reader, OutageBlockId]] = {
        OutageCallbackId.DECLARE: (_declare(runtime), OutageBlockId.SUMMARY),
        OutageCallbackId.MAINTENANCE: (_schedule(runtime), OutageBlockId.SUMMARY),
        OutageCallbackId.UPDATE: (_update(runtime), OutageBlockId.MESSAGE),
        OutageCallbackId.RESOLVE: (_resolve(runtime), OutageBlockId.RESOLUTION),
    }
    for callback_id, (read, field) in readers.items():
        app.view(callback_id)(runtime.inflight.track(_submitter(read, field)))


def _batch_button(act: Callable[[int, str], Awaitable[Rendered]]) -> Callable[..., Awaitable[None]]:
    """A button acting on an outage's requests together; the answer goes to the clicker."""

    async def on_outage_batch_clicked(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        number = button_outage_number(body)
        if number is None:
            await ack()
            return
        done, refusal = await click_then_ack(ack, lambda: act(number, body["user"]["id"]))
        if done is not None:
            blocks, text = done
            # The offer is spent: its message becomes the answer, so it cannot be used twice.
            await tell(respond, text, blocks=blocks, replace=True)
        elif refusal is not None:
            await tell(respond, refusal)

    return on_outage_batch_clicked


def _opener(runtime: Runtime, *, update: bool) -> Callable[..., Awaitable[None]]:
    async def on_outage_button_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        number = button_outage_number(body)
        if number is None:
            return
        try:
            outage = await runtime.outages.authorise(number, actor=body["user"]["id"])
        except DomainError as refused:
            await tell(respond, str(refused))
            return
        await open_modal(
            client, body["trigger_id"], _modal_for(runtime, outage, body, update), respond
        )

    return on_outage_button_clicked


def _modal_for(runtime: Runtime, outage: OutageSummary, body: dict[str, Any], update: bool) -> View:
    channel = clicked_channel(body)
    if update:
        return outage_update_modal(outage, now=runtime.clock.now(), channel=channel)
    return outage_resolve_modal(outage, channel=channel)


def _submitter(read: Reader, field: OutageBlockId) -> Callable[..., Awaitable[None]]:
    """Check the form, store the change, close it, then confirm where the technician was."""

    async def on_outage_modal_submitted(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        view, actor = body["view"], body["user"]["id"]
        done = await submit_then_ack(ack, lambda: read(view)(actor), field=field)
        if done is not None:
            blocks, text = done
            channel = decode_outage_metadata(view.get("private_metadata")).channel
            await tell(None, text, blocks=blocks, client=client, channel=channel, user=actor)

    return on_outage_modal_submitted


def _declare(runtime: Runtime) -> Reader:
    def read(view: dict[str, Any]) -> Change:
        form = parse_outage_form(view)
        runtime.outages.validate_declaration(form)
        burst = decode_outage_metadata(view.get("private_metadata")).burst

        async def change(actor: str) -> Rendered:
            outcome = await runtime.outages.declare(form, actor=actor, burst_id=burst)
            return outage_confirmation(OutageEvent.DECLARED, outcome)

        return change

    return read


def _schedule(runtime: Runtime) -> Reader:
    def read(view: dict[str, Any]) -> Change:
        form = parse_maintenance_form(view)
        runtime.outages.validate_maintenance(form)

        async def change(actor: str) -> Rendered:
            outcome = await runtime.outages.schedule_maintenance(form, actor=actor)
            return outage_confirmation(OutageEvent.SCHEDULED, outcome)

        return change

    return read


def _update(runtime: Runtime) -> Reader:
    def read(view: dict[str, Any]) -> Change:
        edit = parse_outage_edit(view)
        runtime.outages.validate_edit(edit)
        number = decode_outage_metadata(view.get("private_metadata")).number or 0

        async def change(actor: str) -> Rendered:
            outcome = await runtime.outages.update(number, actor=actor, edit=edit)
            return outage_confirmation(OutageEvent.UPDATED, outcome)

        return change

    return read


def _resolve(runtime: Runtime) -> Reader:
    def read(view: dict[str, Any]) -> Change:
        text = text_value(view, OutageBlockId.RESOLUTION, OutageActionId.RESOLUTION)
        resolution = require_resolution(text)
        number = decode_outage_metadata(view.get("private_metadata")).number or 0

        async def change(actor: str) -> Rendered:
            event, outcome = await runtime.outages.resolve(
                number, actor=actor, resolution=resolution
            )
            return outage_confirmation(event, outcome)

        return change

    return read


async def open_modal(
    client: AsyncWebClient, trigger_id: str, view: View, respond: AsyncRespond | None
) -> None:
    """Open a modal with the click's trigger; if Slack refuses, say so where the person is."""
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as exc:
        logger.warning("could not open an outage modal error=%s", exc.response.get("error"))
        await tell(respond, "Slack closed the form before it could open; please try again.")
