"""Pure reading of saved-reply payloads, and of text inputs a picked reply has renamed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bot.domain.errors import FieldErrors
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.reply_picker import REPLY_TARGETS, current_block_id, fill_round
from bot.views.saved_replies import decode_board_metadata
from bot.views.triage_modals import decode_request_metadata
from handlers.parse import option_value, text_value


@dataclass(frozen=True)
class InView:
    """The open view a block_actions came from: what views.update needs to replace it."""

    id: str
    hash: str | None
    callback_id: str
    block_ids: tuple[str, ...]

    def named(self, base: str) -> str:
        """The block_id a text input `base` has in this view (renamed by each fill)."""
        return current_block_id(self.block_ids, base)

    def fills(self, base: str) -> int:
        """How many times a reply has filled the text input `base` in this view."""
        return fill_round(self.block_ids, base)


@dataclass(frozen=True)
class ReplyPick:
    """A technician chose a saved reply in a request's modal."""

    number: int
    key: str
    view: InView

    @property
    def next_round(self) -> int:
        """The fill this pick makes (the text input's next block_id)."""
        return self.view.fills(REPLY_TARGETS[CallbackId(self.view.callback_id)]) + 1


@dataclass(frozen=True)
class ReplyDraft:
    """The saved-replies form as submitted: a new reply, or a change to `reply_id`."""

    reply_id: int | None
    title: str
    text: str


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def in_view(view: object) -> InView:
    """The parts of a payload's `view` that answering it needs (empty when malformed)."""
    data = _mapping(view)
    blocks = data.get("blocks")
    ids = tuple(
        str(b["block_id"])
        for b in (blocks if isinstance(blocks, list) else [])
        if isinstance(b, dict) and isinstance(b.get("block_id"), str)
    )
    raw_hash = data.get("hash")
    return InView(
        id=str(data.get("id") or ""),
        hash=str(raw_hash) if raw_hash else None,
        callback_id=str(data.get("callback_id") or ""),
        block_ids=ids,
    )


def filled_text(view: dict[str, Any], base: str, action: str) -> str:
    """A text input's value, wherever the latest fill has moved its block_id."""
    return text_value(view, in_view(view).named(base), action)


def parse_reply_pick(body: dict[str, Any]) -> ReplyPick | None:
    """The request, chosen reply and view of a pick; None when any part is missing."""
    view = _mapping(body.get("view"))
    where = in_view(view)
    number = decode_request_metadata(view.get("private_metadata"))
    key = option_value(view, BlockId.SAVED_REPLY, ActionId.SAVED_REPLY)
    actions = body.get("actions")
    if isinstance(actions, list) and actions:
        chosen = _mapping(_mapping(actions[0]).get("selected_option")).get("value")
        key = str(chosen) if chosen else key
    if number is None or not key or not where.id or where.callback_id not in REPLY_TARGETS:
        return None
    return ReplyPick(number=number, key=key, view=where)


def parse_reply_draft(view: dict[str, Any]) -> ReplyDraft:
    """The saved-replies form's title and text, and which reply it changes (if any)."""
    return ReplyDraft(
        reply_id=decode_board_metadata(view.get("private_metadata")),
        title=filled_text(view, BlockId.REPLY_TITLE, ActionId.REPLY_TITLE),
        text=filled_text(view, BlockId.REPLY_TEXT, ActionId.REPLY_TEXT),
    )


def reply_button(body: dict[str, Any]) -> int | None:
    """The saved reply's id carried by an Edit or Remove button."""
    actions = body.get("actions")
    first = _mapping(actions[0]) if isinstance(actions, list) and actions else {}
    value = str(first.get("value") or "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


@contextmanager
def errors_named_in(view: InView) -> Iterator[None]:
    """Refusals keyed by a text input's plain block_id, re-keyed to the one the view has."""
    try:
        yield
    except FieldErrors as invalid:
        raise FieldErrors({view.named(k): v for k, v in invalid.errors.items()}) from invalid
