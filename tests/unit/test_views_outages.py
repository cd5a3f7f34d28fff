"""Outage views: valid Block Kit within Slack's limits, typed text escaped, next steps stated."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.catalogue import load_catalogue
from bot.domain.outage import (
    CHANGED_NEXT_UPDATE,
    CHANGED_SUMMARY,
    LinkedResolution,
    OutageBanner,
    OutageBoard,
    OutageChange,
    OutageEvent,
    OutageKind,
    OutageOutcome,
    OutageStatus,
    OutageSummary,
    as_of,
    parse_outage_number,
)
from bot.views.outage_modals import (
    declare_modal,
    decode_outage_metadata,
    encode_outage_metadata,
    maintenance_modal,
    outage_resolve_modal,
    outage_update_modal,
)
from bot.views.outages import announcement as announcement_view
from bot.views.outages import announcement_reply as reply_view
from bot.views.outages import (
    linked_card_note,
    linked_request_note,
    linked_resolution_message,
    outage_banner_blocks,
    outage_confirmation,
    outage_list,
    partner_notice,
)
from bot.views.request_modal import RequestPrefill, request_modal
from handlers.parse import parse_maintenance_form, parse_outage_edit, parse_outage_form
from tests.conftest import EXAMPLE_CATALOGUE
from tests.unit.test_views_work import (
    HOSTILE,
    assert_escaped,
    check_message,
    check_modal,
    mrkdwn_texts,
    walk,
)

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
SERVICES = load_catalogue(EXAMPLE_CATALOGUE).services
E, S, K = OutageEvent, OutageStatus, OutageKind


def outage(**overrides: Any) -> OutageSummary:
    values: dict[str, Any] = {
        "id": 7,
        "number": 3,
        "service_id": "network",
        "service_name": "Network <b>& co</b>",
        "kind": K.OUTAGE,
        "status": S.OPEN,
        "summary": HOSTILE,
        "workaround": HOSTILE,
        "starts_at": NOW,
        "ends_at": None,
        "next_update_due": NOW + dt.timedelta(hours=1),
        "declared_by": "U0TECH",
        "created_at": NOW,
        "announcement_channel": "C0ANNOUNCE",
    }
    values.update(overrides)
    return OutageSummary(**values)


def maintenance(**overrides: Any) -> OutageSummary:
    values: dict[str, Any] = {
        "kind": K.MAINTENANCE,
        "status": S.SCHEDULED,
        "starts_at": NOW + dt.timedelta(hours=3),
        "ends_at": NOW + dt.timedelta(hours=5),
        "next_update_due": None,
        "workaround": "",
    }
    values.update(overrides)
    return outage(**values)


def over(summary: OutageSummary, status: OutageStatus) -> OutageSummary:
    return dataclasses.replace(summary, status=status, resolved_at=NOW, resolution=HOSTILE)


def longest(summary: OutageSummary) -> OutageSummary:
    """Every typed field at its longest, made of the character escaping makes 5x longer."""
    return dataclasses.replace(
        summary, service_name="&" * 200, summary="&" * 500, workaround="&" * 1000
    )


def change(event: OutageEvent, subject: OutageSummary, **kw: Any) -> OutageChange:
    return OutageChange(event, subject, kw.pop("actor", "U0TECH"), **kw)


def banner(number: int = 3, **overrides: Any) -> OutageBanner:
    values: dict[str, Any] = {
        "number": number,
        "service_name": "&" * 200,
        "kind": K.OUTAGE,
        "summary": "&" * 500,
        "workaround": "&" * 1000,
        "next_update_due": NOW + dt.timedelta(hours=1),
        "ends_at": None,
    }
    values.update(overrides)
    return OutageBanner(**values)


MESSAGES: dict[str, Callable[[], tuple[list[Block], str]]] = {
    "holding-notice": lambda: partner_notice(change(E.HOLDING, longest(outage()), actor=None)),
    "holding-reply": lambda: reply_view(change(E.HOLDING, outage(), actor=None)),
    "announce-open": lambda: announcement_view(outage()),
    "announce-longest": lambda: announcement_view(longest(outage())),
    "announce-resolved": lambda: announcement_view(over(outage(), S.RESOLVED)),
    "announce-maintenance": lambda: announcement_view(maintenance()),
    "announce-completed": lambda: announcement_view(over(maintenance(), S.COMPLETED)),
    "announce-cancelled": lambda: announcement_view(over(maintenance(), S.CANCELLED)),
    "reply-update": lambda: reply_view(
        change(E.UPDATED, outage(), message=HOSTILE * 40, changed=(CHANGED_SUMMARY,))
    ),
    "reply-resolved": lambda: reply_view(change(E.RESOLVED, over(outage(), S.RESOLVED))),
    "reply-reminder": lambda: reply_view(change(E.REMINDER, maintenance(), actor=None)),
    "reply-completed": lambda: reply_view(
        change(E.COMPLETED, over(maintenance(), S.COMPLETED), actor=None)
    ),
    "list": lambda: outage_list(
        OutageBoard(
            current=tuple(longest(outage(number=n)) for n in range(1, 31)),
            upcoming=tuple(longest(maintenance(number=n)) for n in range(31, 61)),
            can_manage=True,
        )
    ),
    "list-empty": lambda: outage_list(OutageBoard((), (), can_manage=False)),
    "confirm-resolved-500-linked": lambda: outage_confirmation(
        E.RESOLVED,
        OutageOutcome(over(outage(), S.RESOLVED), 500, tuple(f"REQ-{n}" for n in range(1, 501))),
    ),
    "confirm-declared": lambda: outage_confirmation(E.DECLARED, OutageOutcome(outage(), 1)),
    "linked-result": lambda: linked_resolution_message(
        LinkedResolution(
            "OUT-3",
            tuple(f"REQ-{n}" for n in range(1, 300)),
            tuple((f"REQ-{n}", HOSTILE) for n in range(300, 400)),
        )
    ),
    "linked-result-nothing": lambda: linked_resolution_message(LinkedResolution("OUT-3", (), ())),
    "linked-note": lambda: linked_request_note(longest(outage()), "REQ-9"),
    "linked-note-announced": lambda: linked_request_note(
        longest(outage()), "REQ-9", announced=True
    ),
    "linked-card": lambda: linked_card_note(longest(outage())),
}
NOTICES: dict[str, Callable[[], OutageChange]] = {
    "declared": lambda: change(E.DECLARED, longest(outage())),
    "updated": lambda: change(
        E.UPDATED,
        longest(outage()),
        message="&" * 3000,
        changed=(CHANGED_SUMMARY, CHANGED_NEXT_UPDATE),
    ),
    "resolved": lambda: change(E.RESOLVED, over(outage(), S.RESOLVED), message="&" * 3000),
    "scheduled": lambda: change(E.SCHEDULED, longest(maintenance())),
    "reminder": lambda: change(E.REMINDER, maintenance(), actor=None),
    "completed": lambda: change(E.COMPLETED, over(maintenance(), S.COMPLETED), actor=None),
    "cancelled": lambda: change(E.CANCELLED, over(maintenance(), S.CANCELLED), message=HOSTILE),
}


@pytest.mark.parametrize("name", MESSAGES)
def test_messages_are_valid_within_limits_and_escape_typed_text(name: str) -> None:
    blocks, _ = check_message(MESSAGES[name]())
    for text in mrkdwn_texts(blocks):
        assert_escaped(text)


@pytest.mark.parametrize("name", NOTICES)
def test_every_partner_notice_says_what_happens_next_and_when(name: str) -> None:
    notice = NOTICES[name]()
    blocks, text = check_message(partner_notice(notice))
    for mrkdwn in mrkdwn_texts(blocks):
        assert_escaped(mrkdwn)
    shown = " ".join(mrkdwn_texts(blocks))
    assert "*What happens next*" in shown
    subject = notice.outage
    if subject.status is S.OPEN:
        assert f"<!date^{int(subject.next_update_due.timestamp())}^" in shown  # type: ignore[union-attr]
    elif subject.status is S.SCHEDULED:
        assert f"<!date^{int(subject.ends_at.timestamp())}^" in shown  # type: ignore[union-attr]
    else:
        assert "last message about OUT-3" in shown
    assert "OUT-3" in text


def test_an_update_says_what_changed() -> None:
    notice = change(E.UPDATED, outage(), message="Crew on site", changed=(CHANGED_NEXT_UPDATE,))
    blocks, _ = check_message(partner_notice(notice))
    assert "*Changed:* next update time." in mrkdwn_texts(blocks)


MODALS = {
    "declare": lambda: declare_modal(SERVICES, now=NOW, channel="D0SAM"),
    "maintenance": lambda: maintenance_modal(SERVICES, channel="D0SAM"),
    "update-outage": lambda: outage_update_modal(longest(outage()), now=NOW),
    "update-outage-overdue": lambda: outage_update_modal(
        outage(next_update_due=NOW - dt.timedelta(hours=1)), now=NOW
    ),
    "update-maintenance": lambda: outage_update_modal(longest(maintenance()), now=NOW),
    "resolve": lambda: outage_resolve_modal(outage(number=123_456_789)),
    "end-maintenance": lambda: outage_resolve_modal(maintenance()),
}


@pytest.mark.parametrize("name", MODALS)
def test_modals_are_valid_and_escape_what_they_show(name: str) -> None:
    data = check_modal(MODALS[name]())
    for text in mrkdwn_texts(data["blocks"]):
        assert_escaped(text)


def test_the_update_modal_starts_from_what_partners_were_told_and_a_future_promise() -> None:
    data = outage_update_modal(outage(next_update_due=NOW - dt.timedelta(hours=1)), now=NOW)
    blocks = {b.get("block_id"): b for b in data.to_dict()["blocks"]}
    assert blocks["outage_summary"]["element"]["initial_value"] == HOSTILE
    promise = blocks["outage_next_update"]["element"]["initial_date_time"]
    assert promise == int((NOW + dt.timedelta(hours=1)).timestamp())
    assert blocks["outage_kind"]["element"]["initial_option"]["value"] == "outage"


def test_the_request_form_shows_known_outages_first_and_stays_within_100_blocks() -> None:
    banners = [banner(n) for n in range(1, 40)] + [banner(40, following=True)]
    data = check_modal(request_modal(SERVICES, RequestPrefill(), banners))
    ids = [b.get("block_id", "") for b in data["blocks"]]
    assert ids[1] == "outage_banner:1"
    assert ids.index("service") > ids.index("outage_banner:10")
    assert "outage_banner:11" not in ids, "ten shown, the rest counted"
    assert any("30 more" in text for text in mrkdwn_texts(data["blocks"]))
    for text in mrkdwn_texts(data["blocks"]):
        assert_escaped(text)


def test_following_replaces_the_button_with_what_happens_next() -> None:
    [_, following, divider] = [b.to_dict() for b in outage_banner_blocks([banner(following=True)])]
    assert "accessory" not in following and divider["type"] == "divider"
    assert "You are following OUT-3" in following["text"]["text"]
    [_, to_follow, _] = [b.to_dict() for b in outage_banner_blocks([banner()])]
    button = to_follow["accessory"]
    assert (button["action_id"], button["value"]) == ("outage_follow", "3")


def test_no_outages_no_banner() -> None:
    assert outage_banner_blocks([]) == []
    data = request_modal(SERVICES, RequestPrefill()).to_dict()
    assert data["blocks"][0]["type"] == "context"


def test_partners_see_the_list_without_buttons() -> None:
    board = OutageBoard((outage(),), (maintenance(number=4),), can_manage=False)
    blocks, _ = check_message(outage_list(board))
    assert not [n for n in walk(blocks) if n.get("type") == "button"]


def test_the_offer_counts_linked_requests_in_its_button() -> None:
    outcome = OutageOutcome(over(outage(), S.RESOLVED), 3, ("REQ-1",))
    blocks, _ = check_message(outage_confirmation(E.RESOLVED, outcome))
    [button] = [n for n in walk(blocks) if n.get("type") == "button"]
    assert button["text"]["text"] == "Resolve 1 linked request"
    assert (button["action_id"], button["value"]) == ("outage_resolve_linked", "3")
    none_linked = OutageOutcome(over(outage(), S.RESOLVED), 3, ())
    blocks, _ = check_message(outage_confirmation(E.RESOLVED, none_linked))
    assert not [n for n in walk(blocks) if n.get("type") == "button"]


@pytest.mark.parametrize("raw", [None, "", "{", "[]", '{"v": 2, "n": 3}', '{"v": 1, "n": true}'])
def test_broken_outage_metadata_reads_as_empty(raw: str | None) -> None:
    assert decode_outage_metadata(raw).number is None


def test_outage_metadata_round_trips() -> None:
    meta = decode_outage_metadata(encode_outage_metadata(number=3, channel="D0SAM"))
    assert (meta.number, meta.channel) == (3, "D0SAM")


@pytest.mark.parametrize(
    ("typed", "number"), [("OUT-3", 3), ("out-12", 12), ("3", 3), ("REQ-3", None), ("", None)]
)
def test_outage_numbers_are_read_as_people_type_them(typed: str, number: int | None) -> None:
    assert parse_outage_number(typed) == number


def _state(data: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The view as Slack sends it back: every input block's element, with what was chosen."""
    state: dict[str, Any] = {}
    for block in data["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            leaf = {"type": element["type"], **values.get(block["block_id"], {})}
            state[block["block_id"]] = {element["action_id"]: leaf}
    return {**data, "state": {"values": state}}


def test_the_modals_and_their_parsers_agree() -> None:
    when = int((NOW + dt.timedelta(hours=2)).timestamp())
    declared = _state(
        declare_modal(SERVICES, now=NOW).to_dict(),
        {
            "service": {"selected_option": {"value": "network"}},
            "outage_kind": {"selected_option": {"value": "degradation"}},
            "outage_summary": {"value": "Slow"},
            "outage_next_update": {"selected_date_time": when},
        },
    )
    form = parse_outage_form(declared)
    assert (form.service_id, form.kind, form.summary, form.workaround) == (
        "network",
        "degradation",
        "Slow",
        None,
    )
    assert form.next_update_due == NOW + dt.timedelta(hours=2)

    planned = _state(
        maintenance_modal(SERVICES).to_dict(),
        {"outage_starts_at": {"selected_date_time": when}, "outage_summary": {"value": "x"}},
    )
    window = parse_maintenance_form(planned)
    assert window.starts_at == NOW + dt.timedelta(hours=2) and window.ends_at is None

    edited = _state(
        outage_update_modal(maintenance(), now=NOW).to_dict(),
        {"outage_message": {"value": "Moved"}, "outage_summary": {"value": None}},
    )
    edit = parse_outage_edit(edited)
    assert edit.message == "Moved" and edit.summary == "", "a cleared field is not 'unchanged'"
    assert edit.workaround is None and edit.kind is None, "fields the modal lacks stay unchanged"


def test_a_promised_update_time_that_passed_is_shown_as_overdue_never_as_ahead() -> None:
    later = NOW + dt.timedelta(hours=2)
    fresh = outage()
    assert as_of(fresh, NOW) is fresh
    late = as_of(fresh, later)
    assert late.next_update_due is None and late.update_overdue_since == fresh.next_update_due
    assert as_of(over(fresh, S.RESOLVED), later).update_overdue_since is None
    listing, _ = outage_list(OutageBoard(current=(late,), upcoming=(), can_manage=True))
    text = str([b.to_dict() for b in listing])
    assert "Update overdue" in text and "next update by" not in text.lower()
    blocks = outage_banner_blocks([banner(next_update_due=None, update_overdue_since=NOW)])
    shown = str([b.to_dict() for b in blocks])
    assert "Update overdue" in shown and "Next update by" not in shown


def test_a_holding_message_says_there_is_no_news_and_when_there_will_be() -> None:
    blocks, text = partner_notice(change(E.HOLDING, outage(), actor=None, message="No news"))
    rendered = str([b.to_dict() for b in blocks])
    assert "No news yet" in text and "Where things stand" in rendered
    assert f"<!date^{int((NOW + dt.timedelta(hours=1)).timestamp())}^" in rendered
