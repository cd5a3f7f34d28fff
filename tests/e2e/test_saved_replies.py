"""Saved replies: picked in a technician's modal they fill the text, which is sent as edited."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from bot.domain.errors import FieldErrors, NotPermitted
from bot.domain.replies import SHOP_LIMIT
from simulator.model import SimMessage
from simulator.surfaces import SimView
from tests.e2e.helpers import PAT, file_request

pytestmark = pytest.mark.e2e
SAM, ALEX, MORGAN = "U0SAM", "U0ALEX", "U0MORGAN"
TRIAGE = "C0TRIAGE"
MAILBOX_FULL = (
    "Your mailbox is over its quota, so new mail is held back. Please empty Deleted Items "
    "and archive older mail to your PST; mail flows again within a few minutes."
)
HOSTILE = "Reboot & retry <!channel> <b>now</b>"


@pytest.fixture
async def desk(database_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    """Liaison on SQLite and then on PostgreSQL, in HTTP mode, with the seeded workspace."""
    local = LocalLiaison(database_url=database_url, clock=clock)
    await local.start()
    yield local
    await local.stop()


def card(liaison: LocalLiaison) -> SimMessage:
    [message] = [m for m in liaison.slack.messages(TRIAGE) if "REQ-1" in m.text]
    return message


def partner_thread(liaison: LocalLiaison, user: str = PAT) -> list[str]:
    root = liaison.slack.dm_messages(user)[0]
    return [m.rendered for m in liaison.slack.thread(root.channel, root.ts)[1:]]


def options(view: SimView) -> dict[str, list[str]]:
    """The saved-reply select's groups as a technician sees them: label -> titles."""
    block = view.block("saved_reply")
    assert block is not None, "the modal offers saved replies"
    groups = block["element"]["option_groups"]
    return {g["label"]["text"]: [o["text"]["text"] for o in g["options"]] for g in groups}


def value_of(view: SimView, title: str) -> str:
    block = view.block("saved_reply")
    assert block is not None
    every = [o for g in block["element"]["option_groups"] for o in g["options"]]
    [option] = [o for o in every if o["text"]["text"] == title]
    return str(option["value"])


async def open_card_modal(liaison: LocalLiaison, user: str, action_id: str) -> SimView:
    message = card(liaison)
    await liaison.slack.click(user, channel=message.channel, ts=message.ts, action_id=action_id)
    await liaison.settle()
    return await liaison.slack.wait_for_view(user)


async def pick(
    liaison: LocalLiaison, user: str, title: str, values: dict[str, object] | None = None
) -> SimView:
    """Choose a saved reply in the open modal (after typing `values`); the updated view."""
    view = liaison.slack.open_view(user)
    assert view is not None
    before = view.hash
    result = await liaison.slack.click_in_view(
        user, "saved_reply_select", selected=value_of(view, title), values=values
    )
    assert result.ok, result.error
    await liaison.settle()
    updated = liaison.slack.open_view(user)
    assert updated is not None and updated.id == view.id and updated.hash != before
    return updated


def text_input(view: SimView, block_id: str) -> dict[str, object]:
    block = view.block(block_id)
    assert block is not None, f"{block_id} in {view.input_block_ids()}"
    element = block["element"]
    assert isinstance(element, dict)
    return element


async def save_shop_reply(liaison: LocalLiaison, user: str, title: str, text: str) -> SimView:
    result = await liaison.slack.command(user, "/request", "replies")
    assert result.ok, result.error
    view = await liaison.slack.wait_for_view(user)
    [title_block, text_block] = [b for b in view.input_block_ids() if b.startswith("reply_")]
    saved = await liaison.slack.submit_view(
        user, {title_block: title, text_block: text}, view_id=view.id
    )
    assert saved.ok and saved.response_action == "update", (saved.error, saved.errors)
    assert saved.view is not None
    return saved.view


async def test_a_catalogue_reply_fills_the_message_and_the_edited_text_reaches_the_partner(
    desk: LocalLiaison,
) -> None:
    await file_request(desk, PAT, service="email", summary="Mail bounces back")
    view = await open_card_modal(desk, SAM, "req_message")
    assert options(view) == {
        "For Email and calendaring": ["Mailbox full", "Outlook profile rebuilt"]
    }
    assert view.input_block_ids() == ["saved_reply", "message"]

    filled = await pick(desk, SAM, "Mailbox full")
    assert filled.input_block_ids() == ["saved_reply", "message_v1"], "a new block_id"
    assert text_input(filled, "message_v1")["initial_value"] == MAILBOX_FULL
    assert MAILBOX_FULL in filled.rendered, "the technician sees the reply in the text box"

    edited = MAILBOX_FULL.replace("a few minutes", "five minutes") + " — Sam"
    sent = await desk.slack.submit_view(SAM, {"message_v1": edited}, view_id=filled.id)
    assert sent.ok and sent.closed, (sent.error, sent.errors)
    await desk.settle()
    [told] = partner_thread(desk)
    assert "mail flows again within five minutes. — Sam" in told
    assert "a few minutes" not in told


async def test_picking_again_replaces_the_text_and_an_untouched_reply_is_sent_as_written(
    desk: LocalLiaison,
) -> None:
    await file_request(desk, PAT, service="email", summary="Outlook keeps crashing")
    await open_card_modal(desk, SAM, "req_message")
    await pick(desk, SAM, "Mailbox full", values={"message": "Something I typed first"})
    second = await pick(desk, SAM, "Outlook profile rebuilt", values={"message_v1": "edited"})
    assert second.input_block_ids() == ["saved_reply", "message_v2"]
    assert "We rebuilt your Outlook profile." in str(text_input(second, "message_v2"))

    sent = await desk.slack.submit_view(SAM, view_id=second.id)
    assert sent.closed, sent.errors
    await desk.settle()
    [told] = partner_thread(desk)
    assert "We rebuilt your Outlook profile." in told and "edited" not in told


async def test_a_reply_saved_from_slack_fills_the_update_and_keeps_the_other_fields(
    desk: LocalLiaison,
) -> None:
    board = await save_shop_reply(desk, ALEX, "Part on order", HOSTILE)
    assert "Saved “Part on order”." in board.rendered and "added by @alex" in board.rendered
    assert "reply_edit" not in board.action_ids(), "technicians add; they do not edit"
    await file_request(desk, PAT, service="network", summary="Switch port dead")

    view = await open_card_modal(desk, SAM, "req_update")
    assert options(view) == {"Saved by the shop": ["Part on order"]}, "network has none of its own"
    typed = {"status": "waiting_third_party", "internal_note": "Vendor case 4471"}
    filled = await pick(desk, SAM, "Part on order", values=typed)
    assert "partner_message_v1" in filled.input_block_ids()
    assert filled.state["status"]["status_select"]["selected_option"]["value"] == (
        "waiting_third_party"
    ), "what the technician chose is kept"
    assert filled.state["internal_note"]["internal_note_input"]["value"] == "Vendor case 4471"

    sent = await desk.slack.submit_view(SAM, view_id=filled.id)
    assert sent.closed, sent.errors
    await desk.settle()
    [told] = [t for t in partner_thread(desk) if "Reboot" in t]
    assert f"> {HOSTILE}" in told, "the partner reads the reply as it was saved"
    root = desk.slack.dm_messages(PAT)[0]
    [raw] = [m for m in desk.slack.thread(root.channel, root.ts)[1:] if "Reboot" in m.text]
    assert "<!channel>" not in str(raw.blocks) + raw.text, "saved text never pings"
    assert "&lt;!channel&gt;" in str(raw.blocks)
    assert "Vendor case 4471" not in " ".join(partner_thread(desk))


async def test_a_refusal_names_the_text_field_a_reply_renamed(desk: LocalLiaison) -> None:
    await file_request(desk, PAT, service="accounts", summary="Certificates expired")
    await open_card_modal(desk, SAM, "req_update")
    filled = await pick(desk, SAM, "Bring your CAC to the PKI desk")
    refused = await desk.slack.submit_view(
        SAM, {"status": "waiting_third_party", "partner_message_v1": "  "}, view_id=filled.id
    )
    assert refused.error is None, refused.error
    assert refused.errors == {
        "partner_message_v1": "Say what we are waiting for (vendor, part, contract)."
    }


async def test_a_resolution_can_start_from_a_reply(desk: LocalLiaison) -> None:
    await file_request(desk, PAT, service="email", summary="Mailbox will not take mail")
    view = await open_card_modal(desk, SAM, "req_resolve")
    assert view.input_block_ids()[0] == "saved_reply"
    filled = await pick(desk, SAM, "Mailbox full")
    sent = await desk.slack.submit_view(SAM, view_id=filled.id)
    assert sent.closed, sent.errors
    await desk.settle()
    assert any(MAILBOX_FULL in t for t in partner_thread(desk))


async def test_a_supervisor_changes_and_removes_a_reply_a_technician_cannot(
    desk: LocalLiaison,
) -> None:
    await save_shop_reply(desk, SAM, "Toner ordered", "Toner is on order; two days.")
    await desk.slack.close_view(SAM)
    board = await save_shop_reply(desk, MORGAN, "Printer moved", "We moved the printer.")
    assert board.action_ids().count("reply_edit") == 2, "supervisors may change each"

    toner = "Toner ordered"
    [edit_value] = [
        b["elements"][0]["value"]
        for b in board.blocks
        if b.get("type") == "actions" and toner in str(board.blocks[board.blocks.index(b) - 1])
    ]
    clicked_edit = await desk.slack.click_in_view(MORGAN, "reply_edit", value=edit_value)
    await desk.settle()
    editing = desk.slack.open_view(MORGAN)
    assert editing is not None and "Change “Toner ordered”" in editing.rendered
    title_block = next(b for b in editing.input_block_ids() if b.startswith("reply_title"))
    text_block = next(b for b in editing.input_block_ids() if b.startswith("reply_text"))
    assert text_input(editing, text_block)["initial_value"] == "Toner is on order; two days."
    changed = await desk.slack.submit_view(
        MORGAN, {text_block: "Toner arrives Thursday."}, view_id=editing.id
    )
    assert changed.ok and changed.view is not None, changed.errors
    assert "Saved “Toner ordered”." in changed.view.rendered
    assert "changed by @morgan" in changed.view.rendered and title_block

    # A technician sees no Remove, and one sent anyway by a modified client changes nothing.
    sam_board = await save_shop_reply(desk, SAM, "Cable swapped", "We swapped the cable.")
    assert "reply_remove" not in sam_board.action_ids()
    with pytest.raises(NotPermitted):
        await desk.runtime.replies.remove(int(edit_value), actor=SAM)
    [action] = clicked_edit.payload["actions"]
    forged = {
        **clicked_edit.payload,
        "user": {**clicked_edit.payload["user"], "id": ALEX},
        "actions": [{**action, "action_id": "reply_remove"}],
    }
    assert (await desk.slack.deliver_payload("interactive", forged)).status == 200
    await desk.settle()
    titles = [r.title for r in (await desk.runtime.replies.board(actor=MORGAN)).replies]
    assert titles == ["Cable swapped", "Printer moved", "Toner ordered"]

    removed = await desk.slack.click_in_view(MORGAN, "reply_remove", value=edit_value)
    assert removed.ok, removed.error
    await desk.settle()
    after = desk.slack.open_view(MORGAN)
    assert after is not None and "Removed “Toner ordered”." in after.rendered
    titles = [r.title for r in (await desk.runtime.replies.board(actor=MORGAN)).replies]
    assert titles == ["Cable swapped", "Printer moved"]

    await file_request(desk, PAT, service="printers", summary="Printer gone")
    view = await open_card_modal(desk, SAM, "req_message")
    assert options(view) == {"Saved by the shop": ["Cable swapped", "Printer moved"]}


async def test_a_message_becomes_a_shop_reply_and_partners_are_kept_out(
    desk: LocalLiaison,
) -> None:
    await file_request(desk, PAT, service="network", summary="No network in room 12")
    posted = await desk.slack.post_message(
        SAM,
        TRIAGE,
        "Patched room 12 to the new switch; please restart your PC.",
        thread_ts=card(desk).ts,
    )
    shortcut = await desk.slack.message_shortcut(SAM, "save_as_reply", TRIAGE, posted)
    assert shortcut.ok, shortcut.error
    await desk.settle()
    view = await desk.slack.wait_for_view(SAM)
    text_block = next(b for b in view.input_block_ids() if b.startswith("reply_text"))
    assert text_input(view, text_block)["initial_value"] == (
        "Patched room 12 to the new switch; please restart your PC."
    )

    asked = await desk.slack.command(PAT, "/request", "replies")
    assert asked.ok
    await desk.settle()
    assert desk.slack.open_view(PAT) is None
    assert any("for technicians and supervisors" in m.text for m in desk.slack.ephemerals(PAT))


async def test_the_shop_list_refuses_duplicates_blanks_and_more_than_the_forms_can_offer(
    desk: LocalLiaison,
) -> None:
    replies = desk.runtime.replies
    first = await replies.save(actor=SAM, reply_id=None, title="  Toner   ordered ", text=" Soon. ")
    assert [(r.title, r.text) for r in first.replies] == [("Toner ordered", "Soon.")]
    with pytest.raises(FieldErrors) as duplicate:
        await replies.save(actor=ALEX, reply_id=None, title="TONER ORDERED", text="Again.")
    assert duplicate.value.errors == {"reply_title": "The shop already has “TONER ORDERED”."}
    with pytest.raises(FieldErrors) as blank:
        await replies.save(actor=ALEX, reply_id=None, title=" ", text="\n")
    assert set(blank.value.errors) == {"reply_title", "reply_text"}
    with pytest.raises(NotPermitted):
        await replies.save(actor=SAM, reply_id=first.replies[0].id, title="Mine", text="Mine.")
    with pytest.raises(NotPermitted):
        await replies.board(actor=PAT)

    for n in range(SHOP_LIMIT - 1):
        await replies.save(actor=SAM, reply_id=None, title=f"Reply {n:02d}", text="Text.")
    with pytest.raises(FieldErrors) as full:
        await replies.save(actor=SAM, reply_id=None, title="One too many", text="Text.")
    assert "ask a supervisor to remove one first" in full.value.errors["reply_title"]
    assert (await replies.board(actor=MORGAN)).full
