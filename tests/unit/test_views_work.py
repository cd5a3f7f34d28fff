"""Views for technician work and partner threads: valid, within limits, escaped, and honest."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.domain.model import Impact, Priority, RequestStatus, Urgency
from bot.domain.summary import Change, RequestSummary, TimelineEntry
from bot.domain.transitions import UPDATE_TARGETS, Action
from bot.views.card_thread import card_thread_entry, partner_reply_in_card_thread, quote_within
from bot.views.help import help_message
from bot.views.ids import ActionId, BlockId, CallbackId
from bot.views.lists import not_yours, partner_request_list, request_status, technician_queue
from bot.views.partner_dm import partner_acknowledgement
from bot.views.partner_thread import (
    dm_offer_to_file,
    partner_change_message,
    partner_withdrawn_message,
)
from bot.views.triage_card import triage_card
from bot.views.triage_modals import (
    assign_modal,
    decode_request_metadata,
    encode_request_metadata,
    message_partner_modal,
    reprioritise_modal,
    resolve_modal,
    update_modal,
)

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
HOSTILE = "Ping <!channel> & <@U0X> <b>bold</b> <https://evil.example|click> > done"
# The same text as a Slack message event delivers it: already encoded.
HOSTILE_EVENT = "Ping <!channel> &amp; <@U0X|mallory> <!subteam^S0TEAM|@team> &lt;b&gt; done"
NOTE = "INTERNAL-ONLY vendor contact 555-0100"
PROMISE = "You will hear from us by"
OPEN = [s for s in RequestStatus if s.is_open]
CLOSED = [s for s in RequestStatus if not s.is_open]


def summary(**overrides: Any) -> RequestSummary:
    values: dict[str, Any] = {
        "id": 1,
        "number": 42,
        "partner_id": "U0PAT",
        "service_id": "network",
        "service_name": "Network",
        "summary": HOSTILE,
        "details": HOSTILE * 40,
        "impact": Impact.DEGRADED,
        "urgency": Urgency.MEDIUM,
        "priority": Priority.P3,
        "status": RequestStatus.IN_PROGRESS,
        "assignee_id": "U0TECH",
        "needed_by": None,
        "opened_at": NOW - dt.timedelta(hours=3),
        "first_response_due": NOW + dt.timedelta(minutes=30),
        "resolution_due": NOW + dt.timedelta(days=2),
        "next_update_due": NOW + dt.timedelta(hours=4),
        "card_channel": "C0TRIAGE",
        "card_ts": "1700000000.000100",
        "partner_channel": "D0PAT",
        "partner_ts": "1700000000.000200",
        "source_link": None,
    }
    values.update(overrides)
    return RequestSummary(**values)


def change(action: Action, **overrides: Any) -> Change:
    request = overrides.pop("request", None) or summary(**overrides.pop("after", {}))
    values: dict[str, Any] = {
        "action": action.value,
        "actor_id": "U0TECH",
        "request": request,
        "previous_status": RequestStatus.IN_PROGRESS,
        "previous_priority": Priority.P3,
        "previous_assignee": "U0TECH",
        "partner_message": HOSTILE,
        "internal_note": NOTE,
    }
    values.update(overrides)
    return Change(**values)


def statuses_after(action: Action) -> list[RequestStatus]:
    if action is Action.RESOLVE:
        return [RequestStatus.RESOLVED]
    if action is Action.WITHDRAW:
        return [RequestStatus.WITHDRAWN]
    if action is Action.SOLVED_BY_FIX:
        return [RequestStatus.CLOSED]
    if action in (Action.MESSAGE_PARTNER, Action.PARTNER_REPLY):
        return [*OPEN, RequestStatus.RESOLVED]
    return OPEN


def every_change() -> Iterator[Change]:
    """Each action, in each status it can leave a request in, with and without messages."""
    for action in Action:
        for status in statuses_after(action):
            for message, note in [(HOSTILE, NOTE), ("", NOTE), (HOSTILE, "")]:
                yield change(
                    action,
                    after={"status": status, "priority": Priority.P2},
                    partner_message=message,
                    internal_note=note,
                )


# ---- Slack limits that slack_sdk's to_dict() does not check ----------------------------------


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def check_blocks(blocks: list[dict[str, Any]], *, limit: int) -> None:
    assert 0 < len(blocks) <= limit
    for node in walk(blocks):
        if node.get("type") in ("mrkdwn", "plain_text"):
            assert 0 < len(node["text"]) <= 3000, node
        if node.get("type") in ("radio_buttons", "checkboxes"):
            assert len(node["options"]) <= 10
        if "fields" in node:
            assert len(node["fields"]) <= 10
            for field in node["fields"]:
                assert 0 < len(field["text"]) <= 2000
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75
            assert len(node.get("value", "")) <= 2000
    action_ids = [n["action_id"] for b in blocks for n in walk(b) if "action_id" in n]
    for block in blocks:
        ids = [n["action_id"] for n in walk(block) if "action_id" in n]
        assert len(ids) == len(set(ids)), action_ids


def check_message(built: tuple[list[Block], str]) -> tuple[list[dict[str, Any]], str]:
    blocks, text = built
    data = [b.to_dict() for b in blocks]
    check_blocks(data, limit=50)
    assert 0 < len(text) <= 4000
    return data, text


def check_modal(view: View) -> dict[str, Any]:
    data = view.to_dict()
    check_blocks(data["blocks"], limit=100)
    assert 0 < len(data["title"]["text"]) <= 24
    if any(b["type"] == "input" for b in data["blocks"]):
        assert data["submit"]["text"]
    for block in data["blocks"]:
        if block["type"] == "input" and block["element"]["type"] == "plain_text_input":
            assert block["element"]["max_length"] <= 3000
    return data


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [n["text"] for n in walk(blocks) if n.get("type") == "mrkdwn"]


def assert_escaped(text: str) -> None:
    """No typed text survives as Slack markup: no pings, no links, no stray ampersands."""
    for raw in ("<!channel>", "<@U0X", "<!subteam", "<b>", "<https://evil", "> done"):
        assert raw not in text, text
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text


def rendered(blocks: list[dict[str, Any]], text: str) -> str:
    return json.dumps(blocks, ensure_ascii=False) + text


# ---- every view is valid -----------------------------------------------------------------------

MESSAGES: dict[str, Callable[[], tuple[list[Block], str]]] = {
    "card-open": lambda: triage_card(summary()),
    "card-unassigned": lambda: triage_card(summary(assignee_id=None, status=RequestStatus.NEW)),
    "card-resolved": lambda: triage_card(summary(status=RequestStatus.RESOLVED)),
    "card-amp-details": lambda: triage_card(summary(details="&" * 3000)),
    "ack": lambda: partner_acknowledgement(summary()),
    "ack-no-promise": lambda: partner_acknowledgement(summary(next_update_due=None)),
    "ack-others-reporting": lambda: partner_acknowledgement(summary(), others_reporting=True),
    "thread-reply": lambda: partner_reply_in_card_thread(summary(), HOSTILE_EVENT * 100),
    "withdrawn": lambda: partner_withdrawn_message(summary(status=RequestStatus.WITHDRAWN)),
    "dm-offer": lambda: dm_offer_to_file(HOSTILE_EVENT * 100),
    "dm-offer-empty": lambda: dm_offer_to_file(""),
    "list": lambda: partner_request_list([summary(number=n) for n in range(1, 4)], "/request"),
    "list-empty": lambda: partner_request_list([], "/request"),
    "status": lambda: request_status(summary(), []),
    "queue": lambda: technician_queue([summary(assignee_id=None)], [summary()]),
    "queue-empty": lambda: technician_queue([], []),
    "help": lambda: help_message("/request"),
}


@pytest.mark.parametrize("name", MESSAGES)
def test_messages_are_valid_within_limits_and_escape_typed_text(name: str) -> None:
    blocks, text = check_message(MESSAGES[name]())
    for mrkdwn in [*mrkdwn_texts(blocks), text]:
        assert_escaped(mrkdwn)


@pytest.mark.parametrize(
    "build", [assign_modal, update_modal, resolve_modal, reprioritise_modal, message_partner_modal]
)
@pytest.mark.parametrize("status", list(RequestStatus))
def test_modals_are_valid_and_carry_the_request_number(
    build: Callable[[RequestSummary], View], status: RequestStatus
) -> None:
    data = check_modal(build(summary(status=status, summary="&" * 150)))
    assert decode_request_metadata(data["private_metadata"]) == 42
    assert data["blocks"][0]["type"] == "context"
    assert "REQ-42" in data["blocks"][0]["elements"][0]["text"]
    for mrkdwn in mrkdwn_texts(data["blocks"]):
        assert_escaped(mrkdwn)


def test_every_change_renders_valid_escaped_thread_entries_and_partner_messages() -> None:
    for item in every_change():
        blocks, text = check_message(card_thread_entry(item))
        for mrkdwn in [*mrkdwn_texts(blocks), text]:
            assert_escaped(mrkdwn)
        built = partner_change_message(item)
        if built is not None:
            blocks, text = check_message(built)
            for mrkdwn in [*mrkdwn_texts(blocks), text]:
                assert_escaped(mrkdwn)


# ---- triage card ---------------------------------------------------------------------------------


def actions_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b.get("block_id") == BlockId.CARD_ACTIONS]


def test_unassigned_open_card_offers_claim_first_and_every_action() -> None:
    blocks, _ = check_message(triage_card(summary(assignee_id=None, status=RequestStatus.NEW)))
    [actions] = actions_of(blocks)
    buttons = actions["elements"]
    assert [b["action_id"] for b in buttons] == [
        ActionId.CLAIM,
        ActionId.ASSIGN,
        ActionId.UPDATE,
        ActionId.RESOLVE,
        ActionId.REPRIORITISE,
        ActionId.MESSAGE_PARTNER,
    ]
    assert buttons[0]["style"] == "primary"
    assert {b["value"] for b in buttons} == {"42"}


def test_assigned_card_has_no_claim_and_shows_the_next_promised_update() -> None:
    request = summary()
    blocks, _ = check_message(triage_card(request))
    [actions] = actions_of(blocks)
    assert ActionId.CLAIM not in [b["action_id"] for b in actions["elements"]]
    assert str(int(request.next_update_due.timestamp())) in json.dumps(blocks)  # type: ignore[union-attr]


@pytest.mark.parametrize("status", CLOSED)
def test_closed_card_has_no_buttons_and_shows_the_status_prominently(
    status: RequestStatus,
) -> None:
    blocks, text = check_message(triage_card(summary(status=status)))
    assert not [b for b in blocks if b["type"] == "actions"]
    assert status.label.upper() in blocks[1]["text"]["text"]
    assert text.startswith(status.label)


# ---- modals ------------------------------------------------------------------------------------


def block(data: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in data["blocks"] if b.get("block_id") == block_id)


def test_assign_modal_starts_from_the_current_assignee() -> None:
    data = check_modal(assign_modal(summary(assignee_id="U0TECH")))
    assert data["callback_id"] == CallbackId.ASSIGN
    assert block(data, BlockId.ASSIGNEE)["element"]["initial_user"] == "U0TECH"
    data = check_modal(assign_modal(summary(assignee_id=None)))
    assert "initial_user" not in block(data, BlockId.ASSIGNEE)["element"]


@pytest.mark.parametrize("status", list(RequestStatus))
def test_update_modal_offers_only_update_targets_and_a_sensible_initial_status(
    status: RequestStatus,
) -> None:
    data = check_modal(update_modal(summary(status=status)))
    select = block(data, BlockId.STATUS)["element"]
    assert {o["value"] for o in select["options"]} == {s.value for s in UPDATE_TARGETS}
    expected = status if status in UPDATE_TARGETS else RequestStatus.IN_PROGRESS
    assert select["initial_option"]["value"] == expected.value
    for block_id in (BlockId.PARTNER_MESSAGE, BlockId.INTERNAL_NOTE, BlockId.NEXT_UPDATE):
        assert block(data, block_id)["optional"] is True
    assert "partner will see" in block(data, BlockId.PARTNER_MESSAGE)["label"]["text"]
    assert "only technicians" in block(data, BlockId.INTERNAL_NOTE)["label"]["text"]
    assert block(data, BlockId.NEXT_UPDATE)["element"]["type"] == "datetimepicker"


def test_required_inputs_of_resolve_reprioritise_and_message_modals() -> None:
    resolve = check_modal(resolve_modal(summary()))
    assert block(resolve, BlockId.RESOLUTION).get("optional", False) is False
    prio = check_modal(reprioritise_modal(summary(priority=Priority.P2)))
    assert block(prio, BlockId.PRIORITY)["element"]["initial_option"]["value"] == "P2"
    assert [o["value"] for o in block(prio, BlockId.PRIORITY)["element"]["options"]] == [
        "P1",
        "P2",
        "P3",
        "P4",
    ]
    assert block(prio, BlockId.REASON).get("optional", False) is False
    message = check_modal(message_partner_modal(summary()))
    assert block(message, BlockId.MESSAGE).get("optional", False) is False


@pytest.mark.parametrize(
    "raw",
    [None, "", "not json", "[]", '{"v":2,"n":1}', '{"v":1}', '{"v":1,"n":"4"}', '{"v":1,"n":true}'],
)
def test_broken_request_metadata_reads_as_none(raw: str | None) -> None:
    assert decode_request_metadata(raw) is None


def test_request_metadata_round_trips() -> None:
    assert decode_request_metadata(encode_request_metadata(123456)) == 123456


# ---- card thread -------------------------------------------------------------------------------


def test_thread_entry_labels_what_the_partner_was_told_and_the_internal_note() -> None:
    item = change(
        Action.UPDATE,
        after={"status": RequestStatus.WAITING_THIRD_PARTY},
        partner_message="Waiting on vendor part",
    )
    blocks, text = check_message(card_thread_entry(item))
    out = rendered(blocks, text)
    assert "In progress → *Waiting on third party* by <@U0TECH>" in out
    assert "Partner was told:" in out and "> Waiting on vendor part" in out
    assert "Internal note (not shown to the partner):" in out
    assert NOTE in out
    assert text.startswith("REQ-42: ")


def test_thread_entry_names_new_and_previous_assignee() -> None:
    item = change(Action.ASSIGN, after={"assignee_id": "U0NEW"}, previous_assignee="U0OLD")
    blocks, _ = check_message(card_thread_entry(item))
    assert "Assigned to <@U0NEW> (was <@U0OLD>) by <@U0TECH>." in blocks[0]["text"]["text"]


def test_partner_reply_in_card_thread_never_pings() -> None:
    blocks, _ = check_message(partner_reply_in_card_thread(summary(), HOSTILE_EVENT))
    out = blocks[0]["text"]["text"]
    assert out.startswith("*From the partner <@U0PAT>:*")
    assert "@channel &amp; @mallory @team &lt;b&gt; done" in out


def test_quote_within_fits_text_that_escaping_makes_five_times_longer() -> None:
    assert len(quote_within("&" * 3000, 3000)) <= 3000
    assert quote_within("short", 3000) == "> short"


# ---- partner thread ----------------------------------------------------------------------------


def test_internal_note_only_update_tells_the_partner_nothing() -> None:
    item = change(Action.UPDATE, partner_message="", internal_note=NOTE)
    assert partner_change_message(item) is None


def test_partner_messages_never_contain_internal_notes() -> None:
    for item in every_change():
        built = partner_change_message(item)
        if built is not None:
            blocks, text = check_message(built)
            assert "INTERNAL-ONLY" not in rendered(blocks, text)


def test_every_open_partner_message_ends_with_the_next_update_promise() -> None:
    seen = 0
    for item in every_change():
        built = partner_change_message(item)
        if built is None or not item.request.status.is_open:
            continue
        blocks, text = check_message(built)
        assert PROMISE in blocks[-1]["text"]["text"], item.action
        assert "REQ-42" in text
        seen += 1
    assert seen > 20


def test_resolved_and_withdrawn_messages_make_no_promise() -> None:
    resolved = change(Action.RESOLVE, after={"status": RequestStatus.RESOLVED})
    withdrawn = change(Action.WITHDRAW, after={"status": RequestStatus.WITHDRAWN})
    for item in (resolved, withdrawn):
        built = partner_change_message(item)
        assert built is not None
        assert PROMISE not in rendered(*check_message(built))


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (change(Action.CLAIM), "<@U0TECH> is now working on *REQ-42*."),
        (change(Action.ASSIGN, after={"assignee_id": "U0NEW"}), "<@U0NEW> is now working on"),
        (
            change(Action.UPDATE, after={"status": RequestStatus.WAITING_PARTNER}),
            "We need something from you",
        ),
        (
            change(Action.UPDATE, after={"status": RequestStatus.WAITING_THIRD_PARTY}),
            "waiting on a third party",
        ),
        (
            change(Action.REPRIORITISE, after={"priority": Priority.P2}),
            "changed from P3 to *P2*",
        ),
        (change(Action.RESOLVE, after={"status": RequestStatus.RESOLVED}), "resolved"),
        (change(Action.MESSAGE_PARTNER), "<@U0TECH> writes"),
    ],
)
def test_partner_messages_say_what_happened(item: Change, expected: str) -> None:
    built = partner_change_message(item)
    assert built is not None
    blocks, text = check_message(built)
    assert expected in blocks[0]["text"]["text"]
    if item.partner_message:
        assert "&lt;!channel&gt;" in rendered(blocks, text)


def test_waiting_on_partner_says_replying_in_the_thread_reaches_technicians() -> None:
    item = change(Action.UPDATE, after={"status": RequestStatus.WAITING_PARTNER})
    built = partner_change_message(item)
    assert built is not None
    assert "Reply in this thread" in rendered(*check_message(built))


def test_dm_offer_carries_the_decoded_message_in_its_button() -> None:
    blocks, _ = check_message(dm_offer_to_file("x" * 5000))
    button = next(n for n in walk(blocks) if n.get("type") == "button")
    assert button["action_id"] == ActionId.FILE_FROM_DM
    assert len(button["value"]) == 2000
    blocks, _ = check_message(dm_offer_to_file("Printer &amp; <!here> jammed"))
    button = next(n for n in walk(blocks) if n.get("type") == "button")
    assert button["value"] == "Printer & @here jammed"
    assert "/request help" in rendered(blocks, "")


def test_acknowledgement_offers_withdrawal_behind_a_confirmation() -> None:
    blocks, _ = check_message(partner_acknowledgement(summary()))
    assert "Reply in this thread" in blocks[-2]["elements"][0]["text"]
    ask, button = blocks[-1]["elements"]
    assert ask["action_id"] == ActionId.ASK_UPDATE
    assert button["action_id"] == ActionId.WITHDRAW
    assert button["value"] == "42"
    assert button["style"] == "danger"
    assert button["confirm"]["title"]["text"] == "Withdraw REQ-42?"
    assert button["confirm"]["confirm"]["text"] == "Withdraw"
    assert button["confirm"]["deny"]["text"] == "Keep it"


# ---- lists ---------------------------------------------------------------------------------------


def test_long_partner_list_is_truncated_with_and_n_more() -> None:
    requests = [summary(number=n) for n in range(1, 61)]
    blocks, text = check_message(partner_request_list(requests, "/request"))
    assert "and 40 more" in rendered(blocks, text)
    buttons = [n for n in walk(blocks) if n.get("type") == "button"]
    assert len(buttons) == 20
    assert {b["action_id"] for b in buttons} == {ActionId.SHOW_REQUEST}
    assert buttons[0]["value"] == "1"


def test_partner_list_shows_assignee_or_not_yet_assigned() -> None:
    requests = [summary(), summary(number=43, assignee_id=None)]
    blocks, _ = check_message(partner_request_list(requests, "/request"))
    out = rendered(blocks, "")
    assert "<@U0TECH>" in out
    assert "not yet assigned" in out


def test_empty_partner_list_is_one_friendly_line() -> None:
    blocks, text = check_message(partner_request_list([], "/request"))
    assert len(blocks) == 1
    assert text == "You have no open requests. `/request` files one."


def test_long_queue_is_truncated_in_both_sections() -> None:
    unclaimed = [summary(number=n, assignee_id=None) for n in range(1, 61)]
    mine = [summary(number=n) for n in range(100, 131)]
    blocks, text = check_message(technician_queue(unclaimed, mine))
    out = rendered(blocks, text)
    assert "and 40 more" in out
    assert "and 11 more" in out
    assert out.index("*Unclaimed*") < out.index("*Yours*")


def timeline(count: int, *, visible: bool = True) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=NOW + dt.timedelta(minutes=i),
            kind="update",
            actor_id="U0TECH",
            partner_visible=visible,
            text=f"entry {i} {HOSTILE}" + "&" * 500,
            data={},
        )
        for i in range(count)
    ]


def test_status_shows_the_last_ten_partner_visible_entries() -> None:
    entries = [*timeline(15), *timeline(3, visible=False)]
    entries[-1] = TimelineEntry(NOW, "update", "U0TECH", False, NOTE, {})
    blocks, text = check_message(request_status(summary(), entries))
    out = rendered(blocks, text)
    assert "entry 14" in out and "entry 5 " in out and "entry 4 " not in out
    assert "INTERNAL-ONLY" not in out
    assert "Last 10 of 15" in out
    for mrkdwn in mrkdwn_texts(blocks):
        assert_escaped(mrkdwn)


def test_status_for_technicians_includes_internal_entries() -> None:
    entries = [TimelineEntry(NOW, "update", "U0TECH", False, NOTE, {})]
    blocks, text = check_message(request_status(summary(), entries, include_internal=True))
    assert "INTERNAL-ONLY" in rendered(blocks, text)


def test_not_yours_names_the_request() -> None:
    assert not_yours(7) == "There is no request REQ-7 of yours."


def test_help_lists_the_new_sub_commands() -> None:
    _, text = help_message("/request")
    for usage in ("/request list", "/request status REQ-42", "/request queue"):
        assert usage in text


def test_status_shows_how_decided_targets_went_and_no_spent_deadline() -> None:
    request = summary(
        status=RequestStatus.RESOLVED,
        opened_at=NOW - dt.timedelta(hours=3, minutes=12),
        first_response_due=NOW - dt.timedelta(hours=2),
        first_responded_at=NOW - dt.timedelta(hours=3),
        resolved_at=NOW,
    )
    blocks, text = check_message(request_status(request, []))
    shown = rendered(blocks, text)
    assert "*First response*\\nMet, 12 min" in shown and "First response due" not in shown
    assert "Resolution due" not in shown
