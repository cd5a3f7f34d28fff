"""What the load generator sends: Slack's own payloads, captured once from the simulator."""

from __future__ import annotations

import json
import sqlite3
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.catalogue import load_catalogue
from bot.clock import SystemClock
from bot.local import EXAMPLE_CATALOGUE, SIGNING_SECRET, Workspace
from bot.simulator import SlackSimulator, signing
from bot.simulator.transport import FORM, USER_AGENT, encode
from bot.views.request_modal import RequestPrefill, request_modal

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


def command_body(sim: SlackSimulator, templates: Templates) -> bytes:
    """A `/request` body with a trigger_id issued now (Slack's 3-second clock starts here)."""
    fields = dict(templates.command)
    fields["trigger_id"] = sim.issue_trigger(PARTNER)
    body, _ = encode("slash_commands", fields)
    return body


def submission_body(templates: Templates, seq: int) -> bytes:
    """A `view_submission` body whose summary carries `seq`, URL-encoded as Slack sends it."""
    payload = templates.submission_json.replace(SEQ_MARK, str(seq))
    return urllib.parse.urlencode({"payload": payload}).encode()


def signed_headers(body: bytes) -> dict[str, str]:
    """Slack's request headers for `body`, signed at the current wall-clock second."""
    stamp = int(_CLOCK.now().timestamp())
    return {
        "Content-Type": FORM,
        "User-Agent": USER_AGENT,
        "Accept": "application/json,*/*",
        "Accept-Encoding": "gzip,deflate",
        **signing.headers(SIGNING_SECRET, stamp, body),
    }


@dataclass(frozen=True)
class Mark:
    """The highest request and outbox ids before a round (rows after it belong to the round)."""

    request_id: int
    outbox_id: int


@dataclass(frozen=True)
class Progress:
    """Rows of one round so far: requests stored, outbox messages queued and sent."""

    stored: int
    queued: int
    sent: int


class Store:
    """A read-only view of Liaison's SQLite file (WAL: never blocks Liaison's writer)."""

    def __init__(self, path: Path) -> None:
        """Open the file read-only in autocommit mode, so no snapshot is held between polls."""
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)

    def mark(self) -> Mark:
        """Return the current highest ids."""
        request_id = self._scalar("SELECT coalesce(max(id), 0) FROM requests")
        outbox_id = self._scalar("SELECT coalesce(max(id), 0) FROM outbox")
        return Mark(request_id, outbox_id)

    def progress(self, mark: Mark) -> Progress:
        """Count rows written since `mark`."""
        stored = self._scalar("SELECT count(*) FROM requests WHERE id > ?", mark.request_id)
        row = self._conn.execute(
            "SELECT count(*), coalesce(sum(status = 'sent'), 0) FROM outbox WHERE id > ?",
            (mark.outbox_id,),
        ).fetchone()
        return Progress(stored, int(row[0]), int(row[1]))

    def outbox_statuses(self) -> dict[str, int]:
        """Return how many outbox rows are in each status (for the end-of-run check)."""
        rows = self._conn.execute("SELECT status, count(*) FROM outbox GROUP BY status")
        return {str(status): int(count) for status, count in rows}

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def _scalar(self, sql: str, *args: Any) -> int:
        return int(self._conn.execute(sql, args).fetchone()[0])
