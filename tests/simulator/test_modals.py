"""Acting inside modals and the Home tab: state building, response actions, clicks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from simulator import SimulatorError, SimView, SlackSimulator
from tests.simulator.fakeapp import FakeApp


def opt(value: str) -> dict[str, Any]:
    """An option object."""
    return {"text": {"type": "plain_text", "text": value.title()}, "value": value}


def field(block_id: str, element: dict[str, Any], *, optional: bool = True) -> dict[str, Any]:
    """An input block."""
    label = {"type": "plain_text", "text": block_id.title()}
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": label,
        "element": {"action_id": f"{block_id}_in", **element},
    }


FORM: dict[str, Any] = {
    "type": "modal",
    "callback_id": "everything",
    "title": {"type": "plain_text", "text": "Everything"},
    "submit": {"type": "plain_text", "text": "Send"},
    "blocks": [
        field("summary", {"type": "plain_text_input", "initial_value": "prefilled"}),
        field("scope", {"type": "radio_buttons", "options": [opt("unit"), opt("wing")]}),
        field("systems", {"type": "checkboxes", "options": [opt("radio"), opt("printer")]}),
        field("tech", {"type": "users_select"}),
        field("where", {"type": "conversations_select"}),
        field("day", {"type": "datepicker"}),
        field("at", {"type": "timepicker"}),
        {
            "type": "actions",
            "block_id": "tools",
            "elements": [
                {
                    "type": "static_select",
                    "action_id": "site",
                    "options": [opt("north"), opt("south")],
                },
                {
                    "type": "button",
                    "action_id": "more",
                    "text": {"type": "plain_text", "text": "More"},
                },
            ],
        },
    ],
}


async def open_form(sim: SlackSimulator, client: AsyncWebClient, view: dict[str, Any]) -> SimView:
    """Open a modal for U0PARTNER straight through the Web API."""
    await client.views_open(trigger_id=sim.issue_trigger("U0PARTNER"), view=view)
    opened = sim.open_view("U0PARTNER")
    assert opened is not None
    return opened


async def test_state_values_follow_each_elements_type(
    sim: SlackSimulator, client: AsyncWebClient, fake_app: FakeApp
) -> None:
    await open_form(sim, client, FORM)
    result = await sim.submit_view(
        "U0PARTNER",
        {
            "scope": "wing",
            "systems": ["radio", "printer"],
            "tech": "U0TECH",
            "where": "C0TRIAGE",
            "day": dt.date(2026, 12, 1),
            "at": dt.time(9, 30),
        },
    )
    assert result.ok and result.closed and result.view is None
    values = fake_app.received[0].payload()["view"]["state"]["values"]
    assert values["summary"]["summary_in"] == {"type": "plain_text_input", "value": "prefilled"}
    assert values["scope"]["scope_in"]["selected_option"] == opt("wing")
    assert [o["value"] for o in values["systems"]["systems_in"]["selected_options"]] == [
        "radio",
        "printer",
    ]
    assert values["tech"]["tech_in"] == {"type": "users_select", "selected_user": "U0TECH"}
    assert values["where"]["where_in"]["selected_conversation"] == "C0TRIAGE"
    assert values["day"]["day_in"]["selected_date"] == "2026-12-01"
    assert values["at"]["at_in"]["selected_time"] == "09:30"
    assert "tools" not in values  # untouched non-input elements carry no state


async def test_bad_values_raise_clear_errors(sim: SlackSimulator, client: AsyncWebClient) -> None:
    await open_form(sim, client, FORM)
    with pytest.raises(SimulatorError, match=r"'galaxy' is not an option .* \['unit', 'wing'\]"):
        await sim.submit_view("U0PARTNER", {"scope": "galaxy"})
    with pytest.raises(SimulatorError, match="no input for block_ids"):
        await sim.submit_view("U0PARTNER", {"nope": "x"})
    with pytest.raises(SimulatorError, match="not in the workspace"):
        await sim.submit_view("U0PARTNER", {"tech": "U0GHOST"})


async def test_response_actions_update_push_and_clear(
    sim: SlackSimulator, client: AsyncWebClient, fake_app: FakeApp
) -> None:
    first = await open_form(sim, client, FORM)
    step = {**FORM, "title": {"type": "plain_text", "text": "Step two"}}
    fake_app.script = [
        (
            200,
            json.dumps({"response_action": "update", "view": step}),
            {"Content-Type": "application/json"},
            0.0,
        ),
        (
            200,
            json.dumps({"response_action": "push", "view": FORM}),
            {"Content-Type": "application/json"},
            0.0,
        ),
        (200, json.dumps({"response_action": "clear"}), {"Content-Type": "application/json"}, 0.0),
    ]
    updated = await sim.submit_view("U0PARTNER")
    assert updated.response_action == "update" and updated.view is first
    assert first.title == "Step two" and not updated.closed
    pushed = await sim.submit_view("U0PARTNER")
    assert pushed.view is not None and pushed.view.previous_view_id == first.id
    assert len(sim.modal_stack("U0PARTNER")) == 2
    cleared = await sim.submit_view("U0PARTNER")
    assert cleared.closed and sim.modal_stack("U0PARTNER") == []


async def test_errors_for_non_input_blocks_are_flagged(
    sim: SlackSimulator, client: AsyncWebClient, fake_app: FakeApp
) -> None:
    await open_form(sim, client, FORM)
    answer = {"response_action": "errors", "errors": {"tools": "wrong"}}
    fake_app.script = [(200, json.dumps(answer), {"Content-Type": "application/json"}, 0.0)]
    result = await sim.submit_view("U0PARTNER")
    assert result.errors == {"tools": "wrong"} and result.error is not None
    assert "not inputs" in result.error


async def test_click_in_view_sends_live_state(
    sim: SlackSimulator, client: AsyncWebClient, fake_app: FakeApp
) -> None:
    view = await open_form(sim, client, FORM)
    result = await sim.click_in_view(
        "U0PARTNER", "site", selected="south", values={"summary": "typed so far"}
    )
    assert result.ok
    payload = fake_app.received[0].payload()
    assert payload["container"] == {"type": "view", "view_id": view.id}
    assert payload["actions"][0]["selected_option"] == opt("south")
    state = payload["view"]["state"]["values"]
    assert state["tools"]["site"]["selected_option"]["value"] == "south"
    assert state["summary"]["summary_in"]["value"] == "typed so far"
    assert "response_url" not in payload and "message" not in payload
    await sim.click_in_view("U0PARTNER", "more")
    assert fake_app.received[1].payload()["actions"][0]["type"] == "button"


async def test_click_in_home(
    sim: SlackSimulator, client: AsyncWebClient, fake_app: FakeApp
) -> None:
    button = {"type": "button", "action_id": "mine", "text": {"type": "plain_text", "text": "Mine"}}
    home = {"type": "home", "blocks": [{"type": "actions", "elements": [button]}]}
    await client.views_publish(user_id="U0TECH", view=home)
    home_view = sim.home("U0TECH")
    assert home_view is not None and home_view.rendered == "[Mine]"
    assert (await sim.click_in_home("U0TECH", "mine")).ok
    payload = fake_app.received[0].payload()
    assert payload["view"]["type"] == "home" and payload["container"]["view_id"] == home_view.id


async def test_inputs_without_dispatch_action_send_no_block_actions(
    sim: SlackSimulator, client: AsyncWebClient, fake_app: FakeApp
) -> None:
    await open_form(sim, client, FORM)
    with pytest.raises(SimulatorError, match="without dispatch_action"):
        await sim.click_in_view("U0PARTNER", "scope_in", selected="unit")
    assert fake_app.received == []


async def test_views_update_keeps_what_was_typed_where_block_and_action_ids_stay(
    sim: SlackSimulator, client: AsyncWebClient, fake_app: FakeApp
) -> None:
    """Slack: input is preserved across views.update when block_id and action_id match."""
    view = await open_form(sim, client, FORM)
    await sim.click_in_view(
        "U0PARTNER", "site", selected="north", values={"summary": "typed", "scope": "wing"}
    )
    note = {"type": "context", "elements": [{"type": "mrkdwn", "text": "Known fixes"}]}
    blocks = [FORM["blocks"][0], note, *FORM["blocks"][2:]]  # a block inserted, scope dropped
    renamed = {**FORM["blocks"][1], "block_id": "scope_again"}
    await client.views_update(
        view_id=view.id, hash=view.hash, view={**FORM, "blocks": [*blocks, renamed]}
    )
    assert view.state["summary"]["summary_in"]["value"] == "typed"
    assert view.state["tools"]["site"]["selected_option"]["value"] == "north"
    assert "scope" not in view.state, "a block that is gone takes its input with it"
    fresh = view.state.get("scope_again", {}).get("scope_in", {})
    assert fresh.get("selected_option") is None, "new ids start empty"


async def test_a_view_with_clear_on_close_closes_the_whole_stack_from_its_close_button(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    await open_form(sim, client, FORM)
    done = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Done"},
        "close": {"type": "plain_text", "text": "Done"},
        "clear_on_close": True,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Thanks"}}],
    }
    await client.views_push(trigger_id=sim.issue_trigger("U0PARTNER"), view=done)
    assert len(sim.modal_stack("U0PARTNER")) == 2
    await sim.close_view("U0PARTNER")
    assert sim.modal_stack("U0PARTNER") == []
    await open_form(sim, client, FORM)
    await client.views_push(
        trigger_id=sim.issue_trigger("U0PARTNER"), view={**done, "clear_on_close": False}
    )
    await sim.close_view("U0PARTNER")
    assert len(sim.modal_stack("U0PARTNER")) == 1, "without it, Cancel closes only that view"
