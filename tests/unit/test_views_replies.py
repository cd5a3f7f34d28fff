"""Saved replies in views: the select, the text a pick fills, and the shop's list; all valid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.domain.errors import FieldErrors
from bot.domain.replies import (
    SHOP_LIMIT,
    ReplyBoard,
    ReplyChoices,
    SavedReply,
    ShopReply,
    catalogue_key,
    shop_key,
)
from bot.domain.summary import RequestSummary
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.reply_picker import Fill, current_block_id, fill_block_id, fill_round
from bot.views.saved_replies import (
    decode_board_metadata,
    encode_board_metadata,
    saved_replies_modal,
)
from bot.views.triage_modals import message_partner_modal, resolve_modal, update_modal
from handlers.parse_replies import errors_named_in, in_view, parse_reply_draft, parse_reply_pick
from tests.unit.test_views_work import (
    HOSTILE,
    assert_escaped,
    check_modal,
    mrkdwn_texts,
    summary,
)

ReplyModal = Callable[[RequestSummary, ReplyChoices, Fill | None], View]
REPLY_MODALS: list[tuple[ReplyModal, str]] = [
    (message_partner_modal, BlockId.MESSAGE),
    (update_modal, BlockId.PARTNER_MESSAGE),
    (resolve_modal, BlockId.RESOLUTION),
]
FULL = ReplyChoices(
    service_name="N" * 75,
    service=tuple(
        SavedReply(catalogue_key(f"{n:02d}" + "T" * 73), f"{n:02d}" + "T" * 73, "x" * 3000)
        for n in range(20)
    ),
    shop=tuple(SavedReply(shop_key(n), f"{HOSTILE}"[:75], HOSTILE) for n in range(SHOP_LIMIT)),
)


def blocks_by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in data["blocks"] if "block_id" in b}


@pytest.mark.parametrize(("build", "target"), REPLY_MODALS)
def test_every_reply_on_offer_fits_one_select_above_the_text_it_fills(
    build: ReplyModal, target: str
) -> None:
    data = check_modal(build(summary(), FULL, None))
    ids = [b.get("block_id") for b in data["blocks"]]
    assert ids.index(BlockId.SAVED_REPLY) + 1 == ids.index(target)
    picker = blocks_by_id(data)[BlockId.SAVED_REPLY]
    assert picker["dispatch_action"] is True and picker["optional"] is True
    groups = picker["element"]["option_groups"]
    assert [len(g["options"]) for g in groups] == [20, SHOP_LIMIT]
    assert (
        groups[0]["label"]["text"].startswith("For NNN") and len(groups[0]["label"]["text"]) <= 75
    )
    assert groups[1]["label"]["text"] == "Saved by the shop"
    assert all(len(o["value"]) <= 150 for g in groups for o in g["options"])
    assert "initial_value" not in blocks_by_id(data)[target]["element"]


@pytest.mark.parametrize(("build", "target"), REPLY_MODALS)
def test_a_fill_renames_the_text_input_and_puts_the_reply_in_it(
    build: ReplyModal, target: str
) -> None:
    data = check_modal(build(summary(), FULL, Fill(HOSTILE, 3)))
    by_id = blocks_by_id(data)
    assert target not in by_id
    filled = by_id[f"{target}_v3"]
    assert filled["element"]["initial_value"] == HOSTILE, "plain text: shown exactly as saved"
    for mrkdwn in mrkdwn_texts(data["blocks"]):
        assert_escaped(mrkdwn)


@pytest.mark.parametrize(("build", "target"), REPLY_MODALS)
def test_without_replies_the_modal_has_no_select(build: ReplyModal, target: str) -> None:
    data = check_modal(build(summary(), ReplyChoices(service_name="Network"), None))
    assert BlockId.SAVED_REPLY not in blocks_by_id(data) and target in blocks_by_id(data)


def test_fill_rounds_read_back_and_never_confuse_similar_names() -> None:
    ids = ["saved_reply", "status", "partner_message_v12", "internal_note"]
    assert fill_round(ids, BlockId.PARTNER_MESSAGE) == 12
    assert fill_round(ids, BlockId.MESSAGE) == 0, "message is not partner_message"
    assert current_block_id(ids, BlockId.PARTNER_MESSAGE) == "partner_message_v12"
    assert current_block_id(ids, BlockId.INTERNAL_NOTE) == "internal_note"
    assert fill_block_id(BlockId.RESOLUTION, 0) == "resolution"
    assert fill_round(["resolution_vx"], BlockId.RESOLUTION) == 0


def board(count: int, *, may_edit: bool, **extra: Any) -> ReplyBoard:
    replies = tuple(
        ShopReply(n + 1, HOSTILE[:75], HOSTILE * 30, "U0SAM", "U0MORGAN" if n % 2 else None)
        for n in range(count)
    )
    return ReplyBoard(replies, may_edit=may_edit, **extra)


@pytest.mark.parametrize("may_edit", [True, False])
def test_the_shop_list_fits_a_modal_when_full_and_escapes_what_people_typed(
    may_edit: bool,
) -> None:
    data = check_modal(saved_replies_modal(board(SHOP_LIMIT, may_edit=may_edit, note=HOSTILE)))
    assert data["callback_id"] == CallbackId.SAVED_REPLIES
    for mrkdwn in mrkdwn_texts(data["blocks"]):
        assert_escaped(mrkdwn)
    buttons = [
        e["action_id"] for b in data["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    expected = [ActionId.REPLY_EDIT, ActionId.REPLY_REMOVE] * SHOP_LIMIT if may_edit else []
    assert buttons == expected
    assert "as many as the forms can offer" in str(data["blocks"])
    assert decode_board_metadata(data["private_metadata"]) is None


def test_editing_fills_the_form_under_fresh_block_ids_and_names_the_reply() -> None:
    editing = ShopReply(7, "Toner ordered", "Two days.", "U0SAM")
    data = check_modal(
        saved_replies_modal(ReplyBoard((editing,), may_edit=True, editing=editing), round_=2)
    )
    by_id = blocks_by_id(data)
    assert by_id["reply_title_v2"]["element"]["initial_value"] == "Toner ordered"
    assert by_id["reply_text_v2"]["element"]["initial_value"] == "Two days."
    assert decode_board_metadata(data["private_metadata"]) == 7
    assert "Change “Toner ordered”" in str(data["blocks"])
    drafted = check_modal(saved_replies_modal(ReplyBoard((), may_edit=False, draft="From chat")))
    assert blocks_by_id(drafted)["reply_text"]["element"]["initial_value"] == "From chat"
    assert "initial_value" not in blocks_by_id(drafted)["reply_title"]["element"]


@pytest.mark.parametrize("raw", [None, "", "x", "[]", '{"v":2,"e":3}', '{"v":1,"e":"3"}'])
def test_broken_board_metadata_means_a_new_reply(raw: str | None) -> None:
    assert decode_board_metadata(raw) is None
    assert decode_board_metadata(encode_board_metadata(None)) is None


def pick_body(**view: Any) -> dict[str, Any]:
    data = check_modal(message_partner_modal(summary(), FULL, Fill("x", 1)))
    data.update({"id": "V1", "hash": "h1", **view})
    option = {"value": "s:3", "text": {"type": "plain_text", "text": "t"}}
    return {
        "view": data,
        "actions": [{"action_id": ActionId.SAVED_REPLY, "selected_option": option}],
    }


def test_a_pick_names_the_request_reply_and_next_fill() -> None:
    pick = parse_reply_pick(pick_body())
    assert pick is not None
    assert (pick.number, pick.key, pick.view.id, pick.view.hash) == (42, "s:3", "V1", "h1")
    assert pick.next_round == 2


@pytest.mark.parametrize(
    "view",
    [
        {"private_metadata": "broken"},
        {"callback_id": CallbackId.ASSIGN},
        {"id": ""},
    ],
)
def test_a_pick_from_an_unknown_or_broken_view_is_ignored(view: dict[str, Any]) -> None:
    assert parse_reply_pick(pick_body(**view)) is None
    assert parse_reply_pick({"view": "nonsense", "actions": "x"}) is None


def test_refusals_and_the_draft_follow_the_renamed_blocks() -> None:
    data = saved_replies_modal(ReplyBoard((), may_edit=True), round_=4).to_dict()
    data["state"] = {
        "values": {
            "reply_title_v4": {"reply_title_input": {"type": "plain_text_input", "value": "T"}},
            "reply_text_v4": {"reply_text_input": {"type": "plain_text_input", "value": "X"}},
        }
    }
    draft = parse_reply_draft(data)
    assert (draft.reply_id, draft.title, draft.text) == (None, "T", "X")
    with pytest.raises(FieldErrors) as raised, errors_named_in(in_view(data)):
        raise FieldErrors({BlockId.REPLY_TEXT: "Write the reply.", "other": "kept"})
    assert raised.value.errors == {"reply_text_v4": "Write the reply.", "other": "kept"}
