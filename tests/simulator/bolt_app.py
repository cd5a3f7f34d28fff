"""A tiny real Bolt app for exercising the simulator the way Liaison will use it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from simulator import SlackSimulator

REQUEST_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "new_request",
    "title": {"type": "plain_text", "text": "New request"},
    "submit": {"type": "plain_text", "text": "Submit"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "notify_on_close": True,
    "private_metadata": '{"c":"C0TRIAGE"}',
    "blocks": [
        {
            "type": "input",
            "block_id": "summary",
            "label": {"type": "plain_text", "text": "What is broken?"},
            "element": {"type": "plain_text_input", "action_id": "summary_in"},
        },
        {
            "type": "input",
            "block_id": "impact",
            "label": {"type": "plain_text", "text": "Impact"},
            "element": {
                "type": "static_select",
                "action_id": "impact_sel",
                "placeholder": {"type": "plain_text", "text": "Pick one"},
                "options": [
                    {"text": {"type": "plain_text", "text": "Mission stopped"}, "value": "stopped"},
                    {"text": {"type": "plain_text", "text": "Degraded"}, "value": "degraded"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "needed",
            "optional": True,
            "label": {"type": "plain_text", "text": "Needed by"},
            "element": {"type": "datepicker", "action_id": "needed_date"},
        },
    ],
}


def card_blocks(text: str, *, claimed_by: str | None = None) -> list[dict[str, Any]]:
    """A triage card with a Claim button (or who claimed it)."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "block_id": "summary", "text": {"type": "mrkdwn", "text": text}}
    ]
    if claimed_by:
        context = {"type": "mrkdwn", "text": f"Claimed by <@{claimed_by}>"}
        blocks.append({"type": "context", "block_id": "claimed", "elements": [context]})
    else:
        button = {
            "type": "button",
            "action_id": "req_claim",
            "value": "REQ-42",
            "text": {"type": "plain_text", "text": "Claim"},
        }
        blocks.append({"type": "actions", "block_id": "req42_actions", "elements": [button]})
    return blocks


@dataclass
class Seen:
    """Everything the app's listeners received, for assertions."""

    events: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)


def build_app(sim: SlackSimulator, seen: Seen, *, signing_secret: str) -> AsyncApp:
    """Build the app with its Web API client pointed at the simulator."""
    client = AsyncWebClient(token=sim.config.bot_token, base_url=sim.api_url)
    app = AsyncApp(client=client, signing_secret=signing_secret)
    _register_command(app, seen)
    _register_modal(app, seen)
    _register_events(app, seen)
    return app


def _register_command(app: AsyncApp, seen: Seen) -> None:
    @app.command("/request")
    async def on_request(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        seen.commands.append(command)
        text = command["text"]
        if text == "help":
            await ack("Usage: /request <what is broken>")
        elif text == "public":
            await ack(response_type="in_channel", text="Filed for everyone to see")
        elif text == "slow":
            await asyncio.sleep(1.3)
            await ack("too late")
        else:
            await client.views_open(trigger_id=command["trigger_id"], view=REQUEST_MODAL)
            await ack()


def _register_modal(app: AsyncApp, seen: Seen) -> None:
    @app.view("new_request")
    async def on_submitted(ack: AsyncAck, view: dict[str, Any], client: AsyncWebClient) -> None:
        values = view["state"]["values"]
        summary = values["summary"]["summary_in"]["value"]
        if len(summary) < 10:
            await ack(response_action="errors", errors={"summary": "Tell us a bit more"})
            return
        await ack()
        seen.submissions.append(values)
        await client.chat_postMessage(
            channel="C0TRIAGE", text=f"New request: {summary}", blocks=card_blocks(summary)
        )

    @app.view_closed("new_request")
    async def on_closed(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        seen.closed.append(body)

    @app.action("req_claim")
    async def on_claim(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        seen.actions.append(body)
        user = body["user"]["id"]
        message = body["message"]
        await client.chat_update(
            channel=body["channel"]["id"],
            ts=message["ts"],
            text="claimed",
            blocks=card_blocks(message["blocks"][0]["text"]["text"], claimed_by=user),
        )
        await respond(text="You claimed REQ-42")


def _register_events(app: AsyncApp, seen: Seen) -> None:
    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        seen.events.append(event)

    @app.event("app_mention")
    async def on_mention(event: dict[str, Any]) -> None:
        seen.events.append(event)

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        seen.events.append(event)
        home = {
            "type": "home",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Your requests"}}],
        }
        await client.views_publish(user_id=event["user"], view=home)
