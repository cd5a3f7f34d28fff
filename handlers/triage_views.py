"""Submissions of the card's modals: each closes only once its change is stored."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from bot.domain.errors import FieldErrors
from bot.domain.model import Priority, RequestStatus
from bot.domain.transitions import Action
from bot.runtime import Runtime
from bot.triage.work import Edit, require_text, validate_update
from bot.views.ids import ActionId, BlockId, CallbackId, FixActionId, FixBlockId
from bot.views.shared_fixes import SHARE_VALUE
from bot.views.triage_modals import decode_request_metadata
from handlers.acking import submit_then_ack
from handlers.parse import datetime_value, option_value, options_value, text_value, user_value
from handlers.parse_replies import errors_named_in, filled_text, in_view

Reader = Callable[[dict[str, Any]], Edit]


def _assign(view: dict[str, Any]) -> Edit:
    assignee = user_value(view, BlockId.ASSIGNEE, ActionId.ASSIGNEE)
    if not assignee:
        raise FieldErrors({BlockId.ASSIGNEE: "Pick the technician."})
    return Edit(Action.ASSIGN, assignee=assignee)


def _resolve(view: dict[str, Any]) -> Edit:
    text = filled_text(view, BlockId.RESOLUTION, ActionId.RESOLUTION)
    message = require_text(BlockId.RESOLUTION, text, "what was fixed, for the partner")
    share = SHARE_VALUE in options_value(view, FixBlockId.SHARE, FixActionId.SHARE)
    return Edit(Action.RESOLVE, partner_message=message, share_fix=share)


def _reprioritise(view: dict[str, Any]) -> Edit:
    chosen = option_value(view, BlockId.PRIORITY, ActionId.PRIORITY)
    if chosen not in {p.value for p in Priority}:
        raise FieldErrors({BlockId.PRIORITY: "Choose the new priority."})
    text = text_value(view, BlockId.REASON, ActionId.REASON)
    reason = require_text(BlockId.REASON, text, "why the priority changes; the partner sees it")
    return Edit(Action.REPRIORITISE, priority=Priority(chosen), partner_message=reason)


def _message(view: dict[str, Any]) -> Edit:
    text = filled_text(view, BlockId.MESSAGE, ActionId.MESSAGE)
    return Edit(
        Action.MESSAGE_PARTNER, partner_message=require_text(BlockId.MESSAGE, text, "the message")
    )


def _update_reader(runtime: Runtime) -> Reader:
    def read(view: dict[str, Any]) -> Edit:
        chosen = option_value(view, BlockId.STATUS, ActionId.STATUS)
        status = RequestStatus(chosen) if chosen in {s.value for s in RequestStatus} else None
        message = filled_text(view, BlockId.PARTNER_MESSAGE, ActionId.PARTNER_MESSAGE).strip()
        note = text_value(view, BlockId.INTERNAL_NOTE, ActionId.INTERNAL_NOTE).strip()
        when = datetime_value(view, BlockId.NEXT_UPDATE, ActionId.NEXT_UPDATE)
        validate_update(
            status=status, partner_message=message, next_update_by=when, now=runtime.clock.now()
        )
        return Edit(
            Action.UPDATE,
            status=status,
            partner_message=message,
            internal_note=note,
            next_update_by=when,
        )

    return read


STALE_FORM = "This form no longer matches a request. Close it and use the card's buttons again."


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the card's modal submissions."""
    readers: dict[CallbackId, tuple[Reader, BlockId]] = {
        CallbackId.ASSIGN: (_assign, BlockId.ASSIGNEE),
        CallbackId.UPDATE: (_update_reader(runtime), BlockId.STATUS),
        CallbackId.RESOLVE: (_resolve, BlockId.RESOLUTION),
        CallbackId.REPRIORITISE: (_reprioritise, BlockId.PRIORITY),
        CallbackId.MESSAGE_PARTNER: (_message, BlockId.MESSAGE),
    }
    for callback_id, (reader, field) in readers.items():
        app.view(callback_id)(runtime.inflight.track(_submitter(runtime, reader, field)))


def _submitter(runtime: Runtime, read: Reader, field: BlockId) -> Callable[..., Awaitable[None]]:
    """Check the form, store the change, then close it; a refusal shows in the form."""

    async def on_card_modal_submitted(ack: AsyncAck, body: dict[str, Any]) -> None:
        view, actor = body["view"], body["user"]["id"]
        where = in_view(view)  # a saved reply may have renamed the text field's block
        number = decode_request_metadata(view.get("private_metadata"))
        if number is None:
            await ack(response_action="errors", errors={where.named(field): STALE_FORM})
            return

        async def change() -> None:
            with errors_named_in(where):
                edit = read(view)
                if edit.action is Action.ASSIGN and edit.assignee:
                    await runtime.triage.assign(number, actor=actor, assignee=edit.assignee)
                else:
                    await runtime.triage.apply(number, actor=actor, edit=edit)

        await submit_then_ack(ack, change, field=where.named(field))

    return on_card_modal_submitted
