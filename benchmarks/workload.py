"""What the load generator sends: Slack's own payloads, captured once from the simulator.

The simulator builds one `/request` and one modal submission at start-up, in Slack's field
order; under load the generator replays signed copies with fresh values, and the servers talk
to the minimal Web API in `benchmarks.fakeslack` instead.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from benchmarks.fakeslack import BOT_USER, TEAM, dm_channel, partner_id
from bot.app.local import EXAMPLE_CATALOGUE, SIGNING_SECRET, Workspace
from bot.catalogue import load_catalogue
from bot.clock import SystemClock
from bot.views.request_modal import RequestPrefill, request_modal
from simulator import SlackSimulator, signing
from simulator.transport import FORM, USER_AGENT, encode

PARTNER = "U0PAT"
COMMAND_TEXT = "No network in building 4, room 210"
SEQ_MARK = "BENCHSEQMARK"
SUBMITTED_SUMMARY = f"No network in building 4, room {SEQ_MARK}"
SUBMITTED_VALUES = {"service": "network", "summary": SUBMITTED_SUMMARY, "impact": "degraded"}
_CLOCK = SystemClock()


async def start_slack() -> SlackSimulator:
    """Start the simulator (real time, no echoes of the bot's own posts) with Liaison's people."""
    sim = SlackSimulator(signing_secret=SIGNING_SECRET, echo_bot_messages=False)
    await sim.start()
    workspace = Workspace()
    for person in workspace.people:
        sim.add_user(person.id, person.name, real_name=person.real_name)
    bot = [sim.bot_user_id]
    everyone = [p.id for p in workspace.people] + bot
    sim.add_channel(workspace.triage_channel, "triage", members=workspace.ids("technician") + bot)
    sim.add_channel(
        workspace.supervisor_channel, "supervisors", members=workspace.ids("supervisor") + bot
    )
    sim.add_channel(workspace.announcements_channel, "announcements", members=everyone)
    return sim


@dataclass(frozen=True)
class Templates:
    """A /request command's fields and a modal submission, exactly as the simulator sent them."""

    command: Mapping[str, str]
    submission_json: str  # json.dumps of the payload; SEQ_MARK stands for a sequence number


async def capture_templates(sim: SlackSimulator, url: str) -> Templates:
    """Run `/request`, open Liaison's own modal, fill and submit it, delivering to `url`.

    `url` should be an app that acks both (the bare app): the simulator then builds Slack's
    payloads in Slack's field order, and the load generator replays them with fresh values.
    """
    sim.use_http(url)
    command = await sim.command(PARTNER, "/request", COMMAND_TEXT)
    if not command.ok:
        raise RuntimeError(f"/request was not acknowledged: {command.error}")
    services = load_catalogue(EXAMPLE_CATALOGUE).services
    modal = request_modal(services, RequestPrefill(summary=COMMAND_TEXT))
    client = AsyncWebClient(token=sim.bot_token, base_url=sim.api_url)
    await client.views_open(trigger_id=command.trigger_id, view=modal)
    submitted = await sim.submit_view(PARTNER, SUBMITTED_VALUES)
    if submitted.payload is None or not submitted.closed:
        raise RuntimeError(f"the submission was refused: {submitted.errors or submitted.error}")
    fields = {str(k): str(v) for k, v in command.payload.items()}
    return Templates(command=fields, submission_json=json.dumps(submitted.payload))


def command_body(
    templates: Templates, seq: int, response_url: str, *, text: str | None = None, user: str = ""
) -> bytes:
    """A `/request` body with a fresh trigger_id, answered through the fake Slack's respond URL."""
    fields = dict(templates.command)
    fields["trigger_id"] = f"{seq}.{seq * 7919 % 1000003}.benchtrigger"
    fields["response_url"] = response_url
    if text is not None:
        fields["text"] = text
    if user:
        fields["user_id"] = user
    body, _ = encode("slash_commands", fields)
    return body


def submission_body(templates: Templates, seq: int) -> bytes:
    """A `view_submission` from the partner of filing `seq`, whose summary carries `seq`.

    Each filing has its own partner (`fakeslack.partner_id`), so the fake Slack can tell which
    filing each DM and triage card belongs to.
    """
    payload = templates.submission_json.replace(SEQ_MARK, str(seq))
    payload = payload.replace(f'"{PARTNER}"', f'"{partner_id(seq)}"')
    return urllib.parse.urlencode({"payload": payload}).encode()


def home_opened_body(user: str, seq: int) -> bytes:
    """An `app_home_opened` event (Home tab) for `user`, as the Events API delivers it."""
    stamp = int(_CLOCK.now().timestamp())
    payload = {
        "token": "benchverification",
        "team_id": TEAM,
        "api_app_id": "A0LIAISON",
        "event": {
            "type": "app_home_opened",
            "user": user,
            "channel": dm_channel(user),
            "tab": "home",
            "event_ts": f"{stamp}.{seq:06d}",
        },
        "type": "event_callback",
        "event_id": f"Ev0BENCH{seq:08d}",
        "event_time": stamp,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }
    body, _ = encode("events_api", payload)
    return body


def signed_headers(body: bytes, content_type: str = FORM) -> dict[str, str]:
    """Slack's request headers for `body`, signed at the current wall-clock second."""
    stamp = int(_CLOCK.now().timestamp())
    return {
        "Content-Type": content_type,
        "User-Agent": USER_AGENT,
        "Accept": "application/json,*/*",
        "Accept-Encoding": "gzip,deflate",
        **signing.headers(SIGNING_SECRET, stamp, body),
    }
