"""The shop's saved replies in one modal: the list, and a form to add (or change) one.

Technicians add; supervisors also get Edit and Remove on each reply. After each change the
form's inputs get fresh block_ids (see reply_picker), so Slack shows the new initial values
instead of what was typed before.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.replies import SHOP_LIMIT, TEXT_LIMIT, TITLE_LIMIT, ReplyBoard, ShopReply
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.reply_picker import fill_block_id
from bot.views.text import escape, md, mention, plain, truncate

METADATA_VERSION = 1
PREVIEW = 280  # characters of each reply shown in the list


def saved_replies_modal(board: ReplyBoard, *, round_: int = 0) -> View:
    """The list and the form; `round_` counts the changes made in this modal so far."""
    who = (
        "Technicians add replies; you can also change and remove them."
        if board.may_edit
        else "Technicians add replies; supervisors change and remove them."
    )
    blocks: list[Block] = [
        ContextBlock(
            elements=[
                md(
                    "Saved replies can be picked in *Message partner…*, *Update…* and "
                    f"*Resolve…*, after the service's own replies from the catalogue. {who}"
                )
            ]
        )
    ]
    if board.note:
        blocks.append(SectionBlock(text=md(escape(board.note))))
    blocks += _listed(board)
    blocks += [DividerBlock(), *_form(board, round_)]
    return View(
        type="modal",
        callback_id=CallbackId.SAVED_REPLIES,
        title=plain("Saved replies"),
        submit=plain("Save reply"),
        close=plain("Done"),
        private_metadata=encode_board_metadata(board.editing.id if board.editing else None),
        blocks=blocks,
    )


def _listed(board: ReplyBoard) -> list[Block]:
    if not board.replies:
        return [ContextBlock(elements=[md("_No saved replies yet._")])]
    blocks: list[Block] = []
    for reply in board.replies:
        blocks.append(SectionBlock(text=md(_described(reply))))
        if board.may_edit:
            blocks.append(_buttons(reply))
    return blocks


def _described(reply: ShopReply) -> str:
    by = f"added by {mention(reply.created_by)}"
    if reply.updated_by:
        by += f", changed by {mention(reply.updated_by)}"
    return f"*{escape(reply.title)}*\n{escape(truncate(reply.text, PREVIEW))}\n_{by}_"


def _buttons(reply: ShopReply) -> ActionsBlock:
    value = str(reply.id)
    return ActionsBlock(
        block_id=f"saved_reply_{reply.id}",
        elements=[
            ButtonElement(text=plain("Edit"), action_id=ActionId.REPLY_EDIT, value=value),
            ButtonElement(
                text=plain("Remove"),
                action_id=ActionId.REPLY_REMOVE,
                value=value,
                style="danger",
                confirm=ConfirmObject(
                    title=plain("Remove this reply?"),
                    text=plain(truncate(f"“{reply.title}” will no longer be offered.", 300)),
                    confirm=plain("Remove"),
                    deny=plain("Keep it"),
                    style="danger",
                ),
            ),
        ],
    )


def _form(board: ReplyBoard, round_: int) -> list[Block]:
    editing = board.editing
    if editing is not None:
        heading = f"*Change “{escape(editing.title)}”*"
    elif board.full:
        heading = (
            f"*Add a reply*\nThe shop has {SHOP_LIMIT} saved replies, as many as the forms can "
            "offer: a supervisor can remove one to make room."
        )
    else:
        heading = "*Add a reply*"
    title = InputBlock(
        block_id=fill_block_id(BlockId.REPLY_TITLE, round_),
        label=plain("Title technicians pick it by"),
        element=PlainTextInputElement(
            action_id=ActionId.REPLY_TITLE,
            max_length=TITLE_LIMIT,
            initial_value=editing.title if editing else None,
        ),
    )
    text = InputBlock(
        block_id=fill_block_id(BlockId.REPLY_TEXT, round_),
        label=plain("Reply — partners will see this"),
        element=PlainTextInputElement(
            action_id=ActionId.REPLY_TEXT,
            multiline=True,
            max_length=TEXT_LIMIT,
            initial_value=(editing.text if editing else board.draft) or None,
        ),
    )
    return [SectionBlock(text=md(heading)), title, text]


def encode_board_metadata(editing: int | None) -> str:
    """Which reply the form changes (0: it adds a new one)."""
    return json.dumps({"v": METADATA_VERSION, "e": editing or 0}, separators=(",", ":"))


def decode_board_metadata(raw: str | None) -> int | None:
    """The reply id encode_board_metadata wrote; None for a new reply or unreadable metadata."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != METADATA_VERSION:
        return None
    editing = data.get("e")
    if isinstance(editing, bool) or not isinstance(editing, int) or editing <= 0:
        return None
    return editing
