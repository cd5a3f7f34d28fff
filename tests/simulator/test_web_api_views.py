"""views.* through the real AsyncWebClient: triggers, stacks, hashes, Home tabs."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import ManualClock
from simulator import SlackSimulator
from tests.simulator.bolt_app import REQUEST_MODAL


def modal(title: str = "Step", **extra: Any) -> dict[str, Any]:
    """A minimal valid modal."""
    section = {"type": "section", "text": {"type": "mrkdwn", "text": title}}
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section],
        **extra,
    }


async def error_of(call: Any) -> dict[str, Any]:
    """Await a Web API call that must fail; return its error body."""
    with pytest.raises(SlackApiError) as raised:
        await call
    data: dict[str, Any] = raised.value.response.data
    return data


async def test_open_uses_a_trigger_once(sim: SlackSimulator, client: AsyncWebClient) -> None:
    trigger = sim.issue_trigger("U0PARTNER")
    opened = await client.views_open(trigger_id=trigger, view=REQUEST_MODAL)
    view = opened["view"]
    assert view["id"].startswith("V") and view["hash"] and view["root_view_id"] == view["id"]
    assert view["state"] == {"values": {}}
    assert sim.open_view("U0PARTNER") is not None
    assert sim.open_view("U0PARTNER").callback_id == "new_request"  # type: ignore[union-attr]
    again = await error_of(client.views_open(trigger_id=trigger, view=REQUEST_MODAL))
    assert again["error"] == "exchanged_trigger_id"
    bogus = await error_of(client.views_open(trigger_id="1.2.3", view=REQUEST_MODAL))
    assert bogus["error"] == "invalid_trigger_id"


async def test_trigger_expires_three_seconds_after_issue(
    sim: SlackSimulator, client: AsyncWebClient, clock: ManualClock
) -> None:
    fresh = sim.issue_trigger("U0PARTNER")
    await clock.advance(3)
    assert (await client.views_open(trigger_id=fresh, view=modal()))["ok"]
    stale = sim.issue_trigger("U0PARTNER")
    await clock.advance(3.5)
    expired = await error_of(client.views_open(trigger_id=stale, view=modal()))
    assert expired["error"] == "expired_trigger_id"


async def test_push_stops_at_three_views(sim: SlackSimulator, client: AsyncWebClient) -> None:
    root = await client.views_open(trigger_id=sim.issue_trigger("U0TECH"), view=modal("One"))
    second = await client.views_push(trigger_id=sim.issue_trigger("U0TECH"), view=modal("Two"))
    assert second["view"]["previous_view_id"] == root["view"]["id"]
    assert second["view"]["root_view_id"] == root["view"]["id"]
    await client.views_push(trigger_id=sim.issue_trigger("U0TECH"), view=modal("Three"))
    full = await error_of(
        client.views_push(trigger_id=sim.issue_trigger("U0TECH"), view=modal("Four"))
    )
    assert full["error"] == "push_limit_reached"
    assert [v.title for v in sim.modal_stack("U0TECH")] == ["One", "Two", "Three"]


async def test_update_checks_hash_and_finds_by_external_id(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    trigger = sim.issue_trigger("U0TECH")
    opened = await client.views_open(trigger_id=trigger, view=modal(external_id="req-42"))
    view_id, first_hash = opened["view"]["id"], opened["view"]["hash"]
    updated = await client.views_update(view_id=view_id, hash=first_hash, view=modal("Edited"))
    assert updated["view"]["id"] == view_id and updated["view"]["hash"] != first_hash
    stale = await error_of(client.views_update(view_id=view_id, hash=first_hash, view=modal()))
    assert stale["error"] == "hash_conflict"
    by_external = await client.views_update(external_id="req-42", view=modal("Again"))
    assert by_external["view"]["id"] == view_id
    missing = await error_of(client.views_update(view_id="V0MISSING", view=modal()))
    assert missing["error"] == "not_found"


@pytest.mark.parametrize(
    ("view", "pointer"),
    [
        (modal(private_metadata="x" * 3001), "/view/private_metadata"),
        (modal("A title that is far too long"), "/view/title/text"),
        ({k: v for k, v in REQUEST_MODAL.items() if k != "submit"}, "/view/submit"),
        (modal(blocks=[{"type": "divider"}] * 101), "/view/blocks"),
    ],
)
async def test_invalid_views_answer_invalid_arguments(
    sim: SlackSimulator, client: AsyncWebClient, view: dict[str, Any], pointer: str
) -> None:
    body = await error_of(client.views_open(trigger_id=sim.issue_trigger("U0TECH"), view=view))
    assert body["error"] == "invalid_arguments"
    assert any(pointer in m for m in body["response_metadata"]["messages"]), body


async def test_radio_buttons_allow_ten_options(sim: SlackSimulator, client: AsyncWebClient) -> None:
    options = [
        {"text": {"type": "plain_text", "text": f"o{i}"}, "value": f"v{i}"} for i in range(11)
    ]
    radio = {"type": "radio_buttons", "action_id": "r", "options": options}
    block = {
        "type": "input",
        "block_id": "b",
        "label": {"type": "plain_text", "text": "L"},
        "element": radio,
    }
    view = modal(blocks=[block], submit={"type": "plain_text", "text": "Go"})
    body = await error_of(client.views_open(trigger_id=sim.issue_trigger("U0TECH"), view=view))
    assert (
        "[json-pointer:/view/blocks/0/element/options]" in body["response_metadata"]["messages"][0]
    )


async def test_publish_home_and_not_enabled(sim: SlackSimulator, client: AsyncWebClient) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }
    published = await client.views_publish(user_id="U0PARTNER", view=home)
    assert published["view"]["type"] == "home"
    republished = await client.views_publish(user_id="U0PARTNER", view=home)
    assert republished["view"]["id"] == published["view"]["id"]
    assert sim.home("U0PARTNER") is not None
    async with SlackSimulator(signing_secret="s", home_enabled=False) as no_home:
        no_home.add_user("U1", "one")
        other = AsyncWebClient(token=no_home.config.bot_token, base_url=no_home.api_url)
        disabled = await error_of(other.views_publish(user_id="U1", view=home))
        assert disabled["error"] == "not_enabled"


def note_modal(block_id: str, initial: str) -> dict[str, Any]:
    """A modal with one text input whose block_id and initial value the test chooses."""
    element = {"type": "plain_text_input", "action_id": "note_input", "initial_value": initial}
    block = {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": "Note"},
        "element": element,
    }
    return modal(blocks=[block], submit={"type": "plain_text", "text": "Send"})


async def test_an_input_keeps_what_it_showed_unless_its_block_id_changes(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    opened = await client.views_open(
        trigger_id=sim.issue_trigger("U0TECH"), view=note_modal("note", "first")
    )
    view_id = opened["view"]["id"]

    same = await client.views_update(view_id=view_id, view=note_modal("note", "second"))
    assert same["view"]["state"]["values"]["note"]["note_input"]["value"] == "first"
    shown = sim.open_view("U0TECH")
    assert shown is not None and "Note: first" in shown.rendered, "a new initial_value is ignored"

    renamed = await client.views_update(view_id=view_id, view=note_modal("note_v1", "second"))
    assert "note" not in renamed["view"]["state"]["values"]
    shown = sim.open_view("U0TECH")
    assert shown is not None and "Note: second" in shown.rendered, "a new block_id shows it"
