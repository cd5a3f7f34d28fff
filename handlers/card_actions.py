"""Buttons on the triage card: Claim at once, the others open their modal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.replies import ReplyChoices
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
    ActionId.REPRIORITISE: (Action.REPRIORITISE, reprioritise_modal),
}
# Modals whose text a saved reply can fill: they open with the replies on offer.
REPLY_MODALS: dict[ActionId, tuple[Action, Callable[[RequestSummary, ReplyChoices], View]]] = {
    ActionId.UPDATE: (Action.UPDATE, update_modal),
    ActionId.RESOLVE: (Action.RESOLVE, resolve_modal),
    ActionId.MESSAGE_PARTNER: (Action.MESSAGE_PARTNER, message_partner_modal),
}
ViewFor = Callable[[int, str], Awaitable[View]]


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the card's buttons."""

    async def claim(number: int, user: str) -> Rendered | None:
        await runtime.triage.claim(number, actor=user)
        return None

    app.action(ActionId.CLAIM)(runtime.inflight.track(request_button(claim)))

    for action_id, (action, build) in MODALS.items():
        app.action(action_id)(runtime.inflight.track(_opener(_plain(runtime, action, build))))
    for action_id, (action, with_replies) in REPLY_MODALS.items():
        load = _with_replies(runtime, action, with_replies)
        app.action(action_id)(runtime.inflight.track(_opener(load)))


def _plain(runtime: Runtime, action: Action, build: Callable[[RequestSummary], View]) -> ViewFor:
    async def view_for(number: int, user: str) -> View:
        return build(await runtime.triage.authorise(number, actor=user, action=action))

    return view_for


def _with_replies(
    runtime: Runtime, action: Action, build: Callable[[RequestSummary, ReplyChoices], View]
) -> ViewFor:
    async def view_for(number: int, user: str) -> View:
        form = await runtime.replies.open_form(number, actor=user, action=action)
        return build(form.request, form.choices)

    return view_for


def _opener(view_for: ViewFor) -> Callable[..., Any]:
    """Check the person may act now and open the modal; a refusal is told only to them."""

    async def on_modal_button_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        number = button_number(body)
        if number is None:
            return
        try:
            view = await view_for(number, body["user"]["id"])
        except DomainError as refused:
            await tell(respond, str(refused))
            return
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    return on_modal_button_clicked
