"""Every view passes slack_sdk's validation and the limits slack_sdk does not check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.catalogue import Catalogue, load_catalogue
from bot.domain.model import Impact, Priority, RequestStatus, Urgency
from bot.domain.summary import RequestSummary
from bot.views.help import help_message, services_message
from bot.views.partner_dm import partner_acknowledgement
from bot.views.request_modal import RequestPrefill, decode_metadata, request_modal
from bot.views.triage_card import triage_card
from tests.conftest import EXAMPLE_CATALOGUE

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def check_blocks(blocks: list[dict[str, Any]], *, limit: int) -> None:
    """Slack's own limits that slack_sdk's to_dict() does not enforce."""
    assert 0 < len(blocks) <= limit
    for block in blocks:
        for element in [*block.get("elements", []), block.get("element") or {}]:
            if element.get("type") in ("radio_buttons", "checkboxes"):
                assert len(element["options"]) <= 10
        for field in block.get("fields", []):
            assert 0 < len(field["text"]) <= 2000
        text = block.get("text")
        if isinstance(text, dict):
            assert 0 < len(text["text"]) <= 3000


def dicts(blocks: list[Block]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(EXAMPLE_CATALOGUE)


def summary(**overrides: Any) -> RequestSummary:
    values: dict[str, Any] = {
        "id": 1,
        "number": 42,
        "partner_id": "U0PAT",
        "service_id": "network",
        "service_name": "Network",
        "summary": "x" * 150,
        "details": "y" * 3000,
        "impact": Impact.STOPPED,
        "urgency": Urgency.HIGH,
        "priority": Priority.P1,
        "status": RequestStatus.NEW,
        "assignee_id": None,
        "needed_by": dt.date(2026, 11, 24),
        "opened_at": NOW,
        "first_response_due": NOW + dt.timedelta(minutes=30),
        "resolution_due": NOW + dt.timedelta(hours=4),
        "next_update_due": NOW + dt.timedelta(minutes=30),
        "card_channel": "C0TRIAGE",
        "card_ts": None,
        "partner_channel": None,
        "partner_ts": None,
        "source_link": "https://example.slack.com/archives/C1/p1",
    }
    values.update(overrides)
    return RequestSummary(**values)


def test_request_modal_is_valid_and_prefilled(catalogue: Catalogue) -> None:
    view = request_modal(catalogue.services, RequestPrefill(summary="s" * 400, source_link="L"))
    data = view.to_dict()
    check_blocks(data["blocks"], limit=100)
    assert len(data["title"]["text"]) <= 24
    assert data["submit"]["text"] == "Submit"
    summary_block = next(b for b in data["blocks"] if b.get("block_id") == "summary")
    assert len(summary_block["element"]["initial_value"]) == 150
    assert decode_metadata(data["private_metadata"]) == {"src": "L"}
    impact = next(b for b in data["blocks"] if b.get("block_id") == "impact")
    assert [o["value"] for o in impact["element"]["options"]] == [i.value for i in Impact]


@pytest.mark.parametrize(
    "build",
    [
        lambda: triage_card(summary()),
        lambda: triage_card(summary(details="", source_link=None, needed_by=None)),
        lambda: partner_acknowledgement(summary()),
        lambda: partner_acknowledgement(summary(next_update_due=None)),
        lambda: partner_acknowledgement(summary(), others_reporting=True),
        lambda: help_message("/request"),
        lambda: help_message("/request", not_understood="w" * 500),
    ],
    ids=["card", "card-minimal", "ack", "ack-no-promise", "ack-others", "help", "help-unknown"],
)
def test_messages_are_within_slack_limits(build: Any) -> None:
    blocks, text = build()
    check_blocks(dicts(blocks), limit=50)
    assert 0 < len(text) <= 4000


def test_services_message_lists_every_service_within_limits(catalogue: Catalogue) -> None:
    blocks, _ = services_message(catalogue)
    check_blocks(dicts(blocks), limit=50)
    rendered = str(dicts(blocks))
    for service in catalogue.services:
        assert service.name in rendered


def test_card_shows_unassigned_and_mentions_the_partner() -> None:
    blocks, text = triage_card(summary(summary="Fix <this> & that"))
    rendered = str(dicts(blocks))
    assert "<@U0PAT>" in rendered
    assert "_Unassigned_" in rendered
    assert "Fix &lt;this&gt; &amp; that" in text


def test_the_confirmation_says_others_are_reporting_the_service_and_escapes_its_name() -> None:
    blocks, text = partner_acknowledgement(
        summary(service_name="Mail <b> & co"), others_reporting=True
    )
    rendered = str(dicts(blocks))
    said = "Others are reporting problems with Mail &lt;b&gt; &amp; co right now"
    assert said in rendered and said in text
    assert "Others are reporting" not in str(dicts(partner_acknowledgement(summary())[0]))
