"""Closing the loop: fixed or still broken, the poll's buttons, and supervisors' follow-ups."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.edit import Edit
from bot.domain.errors import DomainError, FieldErrors, NotFound
from bot.domain.poll import KeptInformed
from bot.domain.transitions import Action
from bot.runtime import Runtime
from bot.triage.work import require_text
from bot.views.closing import reopen_modal
from bot.views.ids import ClosingActionId, ClosingBlockId, ClosingCallbackId
from bot.views.polls import (
    comment_modal,
    decode_follow_up_metadata,
    decode_poll_metadata,
    follow_up_modal,
    poll_thanks,
)
from bot.views.triage_modals import decode_request_metadata
from handlers.acking import click_then_ack, submit_then_ack
from handlers.parse import text_value
from handlers.replies import Rendered, request_button, tell

PollWork = Callable[[int, str, str], Awaitable[str | None]]


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the partner's and the supervisors' closing buttons and modals."""
    _register_resolution(app, runtime)
    _register_poll(app, runtime)
    _register_follow_ups(app, runtime)


def _register_resolution(app: AsyncApp, runtime: Runtime) -> None:
    async def confirm(number: int, user: str) -> Rendered | None:
        await runtime.triage.apply(number, actor=user, edit=Edit(Action.CONFIRM))
        return None

    app.action(ClosingActionId.CONFIRM_FIXED)(runtime.inflight.track(request_button(confirm)))

    async def open_reopen(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        number = _int(body["actions"][0].get("value"))
        try:
            request = await runtime.triage.authorise(
                number, actor=body["user"]["id"], action=Action.REOPEN
            )
        except DomainError as refused:
            await tell(respond, str(refused))
            return
        await client.views_open(
            trigger_id=body["trigger_id"], view=reopen_modal(request.number, request.summary)
        )

    for action_id in (ClosingActionId.STILL_BROKEN, ClosingActionId.REOPEN):
        app.action(action_id)(runtime.inflight.track(open_reopen))

    @app.view(ClosingCallbackId.REOPEN)
    @runtime.inflight.track
    async def on_reopen_submitted(ack: AsyncAck, body: dict[str, Any]) -> None:
        view, user = body["view"], body["user"]["id"]
        number = decode_request_metadata(view.get("private_metadata")) or 0

        async def reopen() -> None:
            reason = require_text(
                ClosingBlockId.REASON,
                text_value(view, ClosingBlockId.REASON, ClosingActionId.REASON),
                "what is still wrong",
            )
            edit = Edit(Action.REOPEN, partner_message=reason)
            await runtime.triage.apply(number, actor=user, edit=edit)

        await submit_then_ack(ack, reopen, field=ClosingBlockId.REASON)


def _register_poll(app: AsyncApp, runtime: Runtime) -> None:
    polls = runtime.polls

    async def rate(poll_id: int, user: str, answer: str) -> str | None:
        return poll_thanks(await polls.answer(poll_id, user=user, rating=_int(answer)))

    async def informed(poll_id: int, user: str, answer: str) -> str | None:
        if answer not in {k.value for k in KeptInformed}:
            raise NotFound("That answer is not one of the poll's choices.")
        view = await polls.answer(poll_id, user=user, informed=KeptInformed(answer))
        return poll_thanks(view)

    async def trust(poll_id: int, user: str, answer: str) -> str | None:
        return poll_thanks(await polls.answer(poll_id, user=user, trust=_int(answer)))

    async def opt_out(poll_id: int, user: str, _answer: str) -> str | None:
        await polls.opt_out(poll_id, user=user)
        return "Understood: you will not be sent these polls again."

    for action_id, work in (
        (ClosingActionId.RATE, rate),
        (ClosingActionId.INFORMED, informed),
        (ClosingActionId.TRUST, trust),
        (ClosingActionId.OPT_OUT, opt_out),
    ):
        # Scale buttons carry "<action>:<answer>" ids (one row, distinct ids); match both forms.
        matcher = re.compile(rf"^{re.escape(action_id)}(:[a-z0-9]+)?$")
        app.action(matcher)(runtime.inflight.track(_poll_button(work)))

    _register_comment(app, runtime)


def _register_comment(app: AsyncApp, runtime: Runtime) -> None:
    polls = runtime.polls

    @app.action(ClosingActionId.COMMENT)
    @runtime.inflight.track
    async def on_comment_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        poll_id = _int(body["actions"][0].get("value"))
        try:
            poll = await polls.poll_view(poll_id, user=body["user"]["id"])
        except DomainError as refused:
            await tell(respond, str(refused))
            return
        await client.views_open(
            trigger_id=body["trigger_id"], view=comment_modal(poll.id, poll.comment)
        )

    @app.view(ClosingCallbackId.COMMENT)
    @runtime.inflight.track
    async def on_comment_submitted(ack: AsyncAck, body: dict[str, Any]) -> None:
        view, user = body["view"], body["user"]["id"]
        text = text_value(view, ClosingBlockId.COMMENT, ClosingActionId.COMMENT_INPUT).strip()
        poll_id = decode_poll_metadata(view.get("private_metadata")) or 0

        async def comment() -> None:
            if not text:
                raise FieldErrors({ClosingBlockId.COMMENT: "Write a comment."})
            await polls.answer(poll_id, user=user, comment=text)

        await submit_then_ack(ack, comment, field=ClosingBlockId.COMMENT)


def _poll_button(work: PollWork) -> Callable[..., Awaitable[None]]:
    """A poll button's value is "<poll id>:<answer>"; the answer is confirmed privately."""

    async def on_poll_button_clicked(
        ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        poll, _, answer = str(body["actions"][0].get("value", "")).partition(":")
        said, refusal = await click_then_ack(
            ack, lambda: work(_int(poll), body["user"]["id"], answer)
        )
        if refusal or said:
            await tell(respond, refusal or said or "")

    return on_poll_button_clicked


def _register_follow_ups(app: AsyncApp, runtime: Runtime) -> None:
    follow_ups = runtime.follow_ups

    async def take(follow_up_id: int, user: str) -> Rendered | None:
        await follow_ups.take_follow_up(follow_up_id, supervisor=user)
        return None

    async def finish(follow_up_id: int, user: str) -> Rendered | None:
        await follow_ups.finish_follow_up(follow_up_id, supervisor=user)
        return None

    app.action(ClosingActionId.TAKE_FOLLOW_UP)(runtime.inflight.track(request_button(take)))
    app.action(ClosingActionId.FINISH_FOLLOW_UP)(runtime.inflight.track(request_button(finish)))

    @app.action(ClosingActionId.WRITE_FOLLOW_UP)
    @runtime.inflight.track
    async def on_write_clicked(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        follow_up_id = _int(body["actions"][0].get("value"))
        try:
            request = await follow_ups.follow_up_request(
                follow_up_id, supervisor=body["user"]["id"]
            )
        except DomainError as refused:
            await tell(respond, str(refused))
            return
        await client.views_open(
            trigger_id=body["trigger_id"], view=follow_up_modal(follow_up_id, request)
        )

    @app.view(ClosingCallbackId.FOLLOW_UP)
    @runtime.inflight.track
    async def on_follow_up_submitted(ack: AsyncAck, body: dict[str, Any]) -> None:
        view, user = body["view"], body["user"]["id"]
        text = text_value(view, ClosingBlockId.MESSAGE, ClosingActionId.MESSAGE).strip()
        follow_up_id = decode_follow_up_metadata(view.get("private_metadata")) or 0

        async def write() -> None:
            if not text:
                raise FieldErrors({ClosingBlockId.MESSAGE: "Write the message."})
            await follow_ups.write_to_partner(follow_up_id, supervisor=user, text=text)

        await submit_then_ack(ack, write, field=ClosingBlockId.MESSAGE)


def _int(value: object) -> int:
    """Numbers carried in button values; junk reads as 0, which matches nothing."""
    text = str(value or "")
    return int(text) if text.isdigit() else 0
