"""Saved replies: picked in technicians' modals, and the shop's list to add to and tidy."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.domain.replies import ReplyBoard, ReplyChoices
from bot.domain.summary import RequestSummary
from bot.domain.transitions import Action
from bot.runtime import Runtime
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.reply_picker import Fill
from bot.views.saved_replies import saved_replies_modal
from bot.views.text import plain_from_slack
from bot.views.triage_modals import message_partner_modal, resolve_modal, update_modal
from handlers.acking import click_then_ack, submit_then_ack
from handlers.outages import open_modal
from handlers.parse_replies import (
    InView,
    errors_named_in,
    in_view,
    parse_reply_draft,
    parse_reply_pick,
    reply_button,
)
from handlers.replies import tell

logger = logging.getLogger(__name__)
ReplyModal = Callable[[RequestSummary, ReplyChoices, Fill | None], View]
REPLY_FORMS: dict[str, tuple[Action, ReplyModal]] = {
    CallbackId.MESSAGE_PARTNER: (Action.MESSAGE_PARTNER, message_partner_modal),
    CallbackId.UPDATE: (Action.UPDATE, update_modal),
    CallbackId.RESOLVE: (Action.RESOLVE, resolve_modal),
}
BoardWork = Callable[[int, str], Awaitable[ReplyBoard]]


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for picks, the saved-replies modal, its buttons and the Save as reply shortcut."""

    @app.action(ActionId.SAVED_REPLY)
    @runtime.inflight.track
    async def on_saved_reply_picked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        pick = parse_reply_pick(body)
        if pick is None:
            return
        action, build = REPLY_FORMS[pick.view.callback_id]
        try:
            form = await runtime.replies.pick(
                pick.number, actor=body["user"]["id"], action=action, key=pick.key
            )
        except DomainError as refused:  # the submission will say so in the form
            logger.info("saved reply not filled request=%s reason=%s", pick.number, refused)
            return
        fill = Fill(form.chosen.text, pick.next_round) if form.chosen else None
        await _replace(client, pick.view, build(form.request, form.choices, fill))

    @app.message_shortcut(CallbackId.SAVE_AS_REPLY)
    @runtime.inflight.track
    async def on_save_as_reply(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        text = str((body.get("message") or {}).get("text") or "")
        draft = plain_from_slack(await runtime.names.with_names(text))
        await open_board(runtime, body, client=client, respond=respond, draft=draft)

    @app.view(CallbackId.SAVED_REPLIES)
    @runtime.inflight.track
    async def on_saved_reply_submitted(ack: AsyncAck, body: dict[str, Any]) -> None:
        view, draft = in_view(body["view"]), parse_reply_draft(body["view"])

        async def save() -> ReplyBoard:
            with errors_named_in(view):
                return await runtime.replies.save(
                    actor=body["user"]["id"],
                    reply_id=draft.reply_id,
                    title=draft.title,
                    text=draft.text,
                )

        await submit_then_ack(
            ack, save, field=view.named(BlockId.REPLY_TITLE), answer=_board_answer(view)
        )

    async def edit(reply_id: int, user: str) -> ReplyBoard:
        return await runtime.replies.start_edit(reply_id, actor=user)

    async def remove(reply_id: int, user: str) -> ReplyBoard:
        return await runtime.replies.remove(reply_id, actor=user)

    app.action(ActionId.REPLY_EDIT)(runtime.inflight.track(_board_button(edit, stored=False)))
    app.action(ActionId.REPLY_REMOVE)(runtime.inflight.track(_board_button(remove, stored=True)))


async def open_board(
    runtime: Runtime,
    body: dict[str, Any],
    *,
    client: AsyncWebClient,
    respond: AsyncRespond,
    draft: str = "",
) -> None:
    """Open the saved-replies modal for whoever asked; everyone else is told why not."""
    user = body.get("user_id") or (body.get("user") or {}).get("id", "")
    try:
        board = await runtime.replies.board(actor=str(user), draft=draft)
    except DomainError as refused:
        await tell(respond, str(refused))
        return
    await open_modal(client, body["trigger_id"], saved_replies_modal(board), respond)


def _board_answer(view: InView) -> Callable[[ReplyBoard], dict[str, Any]]:
    """After a save the modal shows the list again, with an empty form (fresh block_ids)."""

    def answer(board: ReplyBoard) -> dict[str, Any]:
        rebuilt = saved_replies_modal(board, round_=view.fills(BlockId.REPLY_TITLE) + 1)
        return {"response_action": "update", "view": rebuilt}

    return answer


def _board_button(work: BoardWork, *, stored: bool) -> Callable[..., Awaitable[None]]:
    """Edit or Remove on one reply: the modal is replaced by the list as it is now."""

    async def on_saved_reply_button(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        reply_id, view, user = reply_button(body), in_view(body.get("view")), body["user"]["id"]
        if reply_id is None or not view.id:
            await ack()
            return
        if stored:  # a removal is acknowledged once it is committed
            board, refusal = await click_then_ack(ack, lambda: work(reply_id, user))
        else:
            await ack()
            board, refusal = await _read(work(reply_id, user))
        if board is None:
            logger.info("saved reply button refused user=%s reason=%s", user, refusal)
            return
        rebuilt = saved_replies_modal(board, round_=view.fills(BlockId.REPLY_TITLE) + 1)
        await _replace(client, view, rebuilt)

    return on_saved_reply_button


async def _read(reading: Awaitable[ReplyBoard]) -> tuple[ReplyBoard | None, str | None]:
    try:
        return await reading, None
    except DomainError as refused:
        return None, str(refused)


async def _replace(client: AsyncWebClient, view: InView, updated: View) -> None:
    """views.update guarded by the view's hash: a view changed meanwhile is left as it is."""
    try:
        await client.views_update(view_id=view.id, hash=view.hash, view=updated)
    except SlackApiError as exc:
        logger.warning("could not update the modal error=%s", exc.response.get("error"))
