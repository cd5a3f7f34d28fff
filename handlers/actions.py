"""Buttons outside the triage card: help's "file it", the partner's DM buttons, lists."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.transitions import Action
from bot.runtime import Runtime
from bot.triage.work import Edit
from bot.views.ids import ActionId
from bot.views.lists import request_status
from bot.views.request_modal import RequestPrefill
from handlers.modals import open_request_modal
from handlers.replies import Rendered, request_button


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the buttons."""

    @app.action(ActionId.FILE_REQUEST)
    @runtime.inflight.track
    async def on_file_request_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        value = str(body["actions"][0].get("value", ""))
        await open_request_modal(
            runtime,
            client=client,
            trigger_id=body["trigger_id"],
            prefill=RequestPrefill(summary=value),
            respond=respond,
        )

    @app.action(ActionId.FILE_FROM_DM)
    @runtime.inflight.track
    async def on_file_from_dm_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        value = str(body["actions"][0].get("value", ""))
        await open_request_modal(
            runtime,
            client=client,
            trigger_id=body["trigger_id"],
            prefill=RequestPrefill(summary=value.splitlines()[0] if value else "", details=value),
            respond=respond,
        )

    _register_partner_buttons(app, runtime)


def _register_partner_buttons(app: AsyncApp, runtime: Runtime) -> None:
    """The buttons on a partner's confirmation DM and request list."""

    async def withdraw(number: int, user: str) -> Rendered | None:
        await runtime.triage.apply(number, actor=user, edit=Edit(Action.WITHDRAW))
        return None

    async def ask_for_update(number: int, user: str) -> Rendered | None:
        await runtime.expectations.ask_for_update(number, partner=user)
        return None

    async def show(number: int, user: str) -> Rendered | None:
        request, timeline = await runtime.partners.request_story(number, viewer=user)
        return request_status(request, timeline, include_internal=True)

    for action_id, work in (
        (ActionId.WITHDRAW, withdraw),
        (ActionId.ASK_UPDATE, ask_for_update),
        (ActionId.SHOW_REQUEST, show),
    ):
        app.action(action_id)(runtime.inflight.track(request_button(work)))
