"""Buttons on the triage card: Claim at once, the others open their modal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.summary import RequestSummary
from bot.domain.transitions import Action
from bot.runtime import Runtime
from bot.views.ids import ActionId
from bot.views.triage_modals import (
    assign_modal,
    message_partner_modal,
    reprioritise_modal,
    resolve_modal,
    update_modal,
)
from handlers.parse import button_number
from handlers.replies import Rendered, request_button, tell

MODALS: dict[ActionId, tuple[Action, Callable[[RequestSummary], View]]] = {
    ActionId.ASSIGN: (Action.ASSIGN, assign_modal),
    ActionId.UPDATE: (Action.UPDATE, update_modal),
    ActionId.RESOLVE: (Action.RESOLVE, resolve_modal),
    ActionId.REPRIORITISE: (Action.REPRIORITISE, reprioritise_modal),
    ActionId.MESSAGE_PARTNER: (Action.MESSAGE_PARTNER, message_partner_modal),
}


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the card's buttons."""

    async def claim(number: int, user: str) -> Rendered | None:
        await runtime.triage.claim(number, actor=user)
        return None

    app.action(ActionId.CLAIM)(runtime.inflight.track(request_button(claim)))

    for action_id, (action, build) in MODALS.items():
        app.action(action_id)(runtime.inflight.track(_opener(runtime, action, build)))


def _opener(
    runtime: Runtime, action: Action, build: Callable[[RequestSummary], View]
) -> Callable[..., Any]:
    async def on_modal_button_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        number = button_number(body)
        if number is None:
            return
        try:
            request = await runtime.triage.authorise(
                number, actor=body["user"]["id"], action=action
            )
        except DomainError as refused:
            await tell(respond, str(refused))
            return
        await client.views_open(trigger_id=body["trigger_id"], view=build(request))

    return on_modal_button_clicked
