"""The saved-reply select in technicians' modals, and how the text input it fills is named.

Slack keeps what a person typed in an input across `views.update` as long as its block_id
stays the same, and then ignores a new `initial_value`. So each time a reply fills the text,
the input gets a new block_id ("message", then "message_v1", "message_v2" ...); the
submission reads whichever one the view holds. Other inputs keep their block_ids, and with
them whatever the technician had already chosen or typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from slack_sdk.models.blocks import InputBlock, Option, OptionGroup, StaticSelectElement

from bot.domain.replies import ReplyChoices, SavedReply
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.text import plain, truncate

FILL_MARK = "_v"
# Which text each technician's modal fills with a picked reply.
REPLY_TARGETS = {
    CallbackId.MESSAGE_PARTNER: BlockId.MESSAGE,
    CallbackId.UPDATE: BlockId.PARTNER_MESSAGE,
    CallbackId.RESOLVE: BlockId.RESOLUTION,
}
NO_REPLIES = ReplyChoices()


@dataclass(frozen=True)
class Fill:
    """A picked reply's text, and how many times a reply has filled this modal (from 1)."""

    text: str
    round: int


def fill_block_id(base: str, round_: int) -> str:
    """The text input's block_id after `round_` fills (the plain id before any)."""
    return base if round_ <= 0 else f"{base}{FILL_MARK}{round_}"


def fill_round(block_ids: Iterable[str], base: str) -> int:
    """How many times the view's text input `base` has been filled (0: never, or not there)."""
    pattern = re.compile(rf"{re.escape(base)}(?:{FILL_MARK}(\d{{1,6}}))?")
    for block_id in block_ids:
        match = pattern.fullmatch(block_id)
        if match:
            return int(match.group(1) or 0)
    return 0


def current_block_id(block_ids: Iterable[str], base: str) -> str:
    """The block_id the view's text input `base` has now (errors must name it)."""
    return fill_block_id(base, fill_round(block_ids, base))


def reply_picker(choices: ReplyChoices) -> InputBlock | None:
    """A select of the replies on offer, sending its choice at once; None when there are none."""
    if choices.empty:
        return None
    groups = [
        OptionGroup(label=plain(truncate(label, 75)), options=[_option(r) for r in replies])
        for label, replies in (
            (f"For {choices.service_name}", choices.service),
            ("Saved by the shop", choices.shop),
        )
        if replies
    ]
    return InputBlock(
        block_id=BlockId.SAVED_REPLY,
        label=plain("Start from a saved reply"),
        hint=plain("Fills in the text below; you can still change it before sending."),
        optional=True,
        dispatch_action=True,
        element=StaticSelectElement(
            action_id=ActionId.SAVED_REPLY,
            placeholder=plain("Choose a reply"),
            option_groups=groups,
        ),
    )


def _option(reply: SavedReply) -> Option:
    return Option(value=reply.key, text=plain(truncate(reply.title, 75)))
