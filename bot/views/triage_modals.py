"""Modals technicians open from a triage card's buttons to work a request."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.model import Priority, RequestStatus
from bot.domain.replies import ReplyChoices
from bot.domain.summary import RequestSummary
from bot.domain.transitions import UPDATE_TARGETS
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.reply_picker import NO_REPLIES, Fill, fill_block_id, reply_picker
from bot.views.shared_fixes import share_fix_input
from bot.views.text import escape, md, plain, truncate

TEXT_MAX = 3000
METADATA_VERSION = 1


def assign_modal(request: RequestSummary) -> View:
    """Pick who works the request; starts from the current assignee so a slip is easy to see."""
    select = UserSelectElement(
        action_id=ActionId.ASSIGNEE,
        placeholder=plain("Choose a technician"),
        initial_user=request.assignee_id,
    )
    return _modal(
        request,
        callback_id=CallbackId.ASSIGN,
        title="Assign request",
        submit="Assign",
        inputs=[InputBlock(block_id=BlockId.ASSIGNEE, label=plain("Assign to"), element=select)],
    )


def update_modal(
    request: RequestSummary, replies: ReplyChoices = NO_REPLIES, fill: Fill | None = None
) -> View:
    """Status, what the partner is told, what only technicians see, and the next promise."""
    targets = [s for s in RequestStatus if s in UPDATE_TARGETS]
    current = request.status if request.status in UPDATE_TARGETS else RequestStatus.IN_PROGRESS
    options = [Option(value=s.value, text=plain(s.label)) for s in targets]
    inputs: list[Block] = [
        InputBlock(
            block_id=BlockId.STATUS,
            label=plain("Status"),
            element=StaticSelectElement(
                action_id=ActionId.STATUS,
                options=options,
                initial_option=options[targets.index(current)],
            ),
        ),
        *_reply_inputs(
            replies,
            _text_input(
                BlockId.PARTNER_MESSAGE,
                ActionId.PARTNER_MESSAGE,
                "Message to the partner (the partner will see this)",
                optional=True,
                hint="Required when waiting on a third party: say which vendor, part or contract.",
                fill=fill,
            ),
        ),
        _text_input(
            BlockId.INTERNAL_NOTE,
            ActionId.INTERNAL_NOTE,
            "Internal note (only technicians see this)",
            optional=True,
        ),
        InputBlock(
            block_id=BlockId.NEXT_UPDATE,
            label=plain("Partner hears from us again by"),
            hint=plain("Leave empty to use the service's standard update interval."),
            optional=True,
            element=DateTimePickerElement(action_id=ActionId.NEXT_UPDATE),
        ),
    ]
    return _modal(
        request, callback_id=CallbackId.UPDATE, title="Update request", submit="Save", inputs=inputs
    )


def resolve_modal(
    request: RequestSummary, replies: ReplyChoices = NO_REPLIES, fill: Fill | None = None
) -> View:
    """Resolving needs words the partner can read: what was actually fixed."""
    field = _text_input(
        BlockId.RESOLUTION,
        ActionId.RESOLUTION,
        "What was fixed — the partner will see this",
        fill=fill,
    )
    return _modal(
        request,
        callback_id=CallbackId.RESOLVE,
        title="Resolve request",
        submit="Resolve",
        inputs=[*_reply_inputs(replies, field), share_fix_input()],
    )


def reprioritise_modal(request: RequestSummary) -> View:
    """Change the priority; the partner is told why, because it moves their targets."""
    options = [Option(value=p.value, text=plain(p.value)) for p in Priority]
    select = StaticSelectElement(
        action_id=ActionId.PRIORITY,
        options=options,
        initial_option=options[list(Priority).index(request.priority)],
    )
    inputs: list[Block] = [
        InputBlock(block_id=BlockId.PRIORITY, label=plain("Priority"), element=select),
        _text_input(BlockId.REASON, ActionId.REASON, "Reason — the partner will see this"),
    ]
    return _modal(
        request,
        callback_id=CallbackId.REPRIORITISE,
        title="Change priority",
        submit="Save",
        inputs=inputs,
    )


def message_partner_modal(
    request: RequestSummary, replies: ReplyChoices = NO_REPLIES, fill: Fill | None = None
) -> View:
    """A message to the partner in their request thread, without changing the status."""
    field = _text_input(
        BlockId.MESSAGE, ActionId.MESSAGE, "Message — the partner will see this", fill=fill
    )
    return _modal(
        request,
        callback_id=CallbackId.MESSAGE_PARTNER,
        title="Message partner",
        submit="Send",
        inputs=_reply_inputs(replies, field),
    )


def encode_request_metadata(number: int) -> str:
    """Small versioned JSON naming the request a modal acts on."""
    return json.dumps({"v": METADATA_VERSION, "n": number}, separators=(",", ":"))


def decode_request_metadata(raw: str | None) -> int | None:
    """The request number encode_request_metadata wrote; None for unknown or broken metadata."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != METADATA_VERSION:
        return None
    number = data.get("n")
    if isinstance(number, bool) or not isinstance(number, int) or number <= 0:
        return None
    return number


def _modal(
    request: RequestSummary,
    *,
    callback_id: CallbackId,
    title: str,
    submit: str,
    inputs: list[Block],
) -> View:
    context = md(f"*{request.ref}* · {escape(truncate(request.summary, 150))}")
    return View(
        type="modal",
        callback_id=callback_id,
        title=plain(truncate(title, 24)),
        submit=plain(submit),
        close=plain("Cancel"),
        private_metadata=encode_request_metadata(request.number),
        blocks=[ContextBlock(elements=[context]), *inputs],
    )


def _reply_inputs(replies: ReplyChoices, field: InputBlock) -> list[Block]:
    """The text a saved reply fills, with the select of replies just above it when any."""
    picker = reply_picker(replies)
    return [field] if picker is None else [picker, field]


def _text_input(
    block_id: BlockId,
    action_id: ActionId,
    label: str,
    *,
    optional: bool = False,
    hint: str | None = None,
    fill: Fill | None = None,
) -> InputBlock:
    """A text input; a picked reply's `fill` gives it a fresh block_id and the reply's text."""
    element = PlainTextInputElement(
        action_id=action_id,
        multiline=True,
        max_length=TEXT_MAX,
        initial_value=truncate(fill.text, TEXT_MAX) if fill else None,
    )
    return InputBlock(
        block_id=fill_block_id(block_id, fill.round if fill else 0),
        label=plain(label),
        hint=plain(hint) if hint else None,
        optional=optional,
        element=element,
    )
