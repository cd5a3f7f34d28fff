"""A minimal Slack Web API for load runs: plain aiohttp, cheap answers, every call timed.

Under load the fake must cost the generator's core as little as possible, or it caps what it
measures. So it checks nothing, copies nothing, answers each method with the smallest reply a
Slack client accepts, and records per call only its time, method, channel and the filing it
belongs to (the benchmark's partner ids are unique per filing and appear in the call's body:
the DM goes to the partner, the triage card mentions them).
"""

from __future__ import annotations

import itertools
import json
import re
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.app.local import Workspace

# Each filing under load comes from its own partner: U, a marker, seven digits.
PARTNER_PREFIX = "UBF"
PARTNER_RE = re.compile(rb"UBF\d{7}")
BOT_USER = "U0LIAISONBOT"
TEAM = "T0BENCH"


def partner_id(seq: int) -> str:
    """The user id of the partner who files request number `seq` of a run."""
    return f"{PARTNER_PREFIX}{seq:07d}"


def dm_channel(user: str) -> str:
    """The IM channel conversations.open returns for a user (D + the user id's tail)."""
    return "D" + user[1:]


@dataclass(frozen=True)
class Call:
    """One Web API call as the fake saw it."""

    at: float  # time.perf_counter() when it arrived
    method: str
    channel: str | None
    partner: str | None  # the filing's partner named in the body, if any


@dataclass
class Filing:
    """The Slack calls that make one filing visible: the partner's DM and the triage card."""

    dm_at: float | None = None
    card_at: float | None = None

    def done_at(self, needs_card: bool) -> float | None:
        """When the last call it needs was made (None while any is missing)."""
        if self.dm_at is None or (needs_card and self.card_at is None):
            return None
        return max(self.dm_at, self.card_at or self.dm_at)


@dataclass
class CallLog:
    """Every call since the last clear, and the filings they complete."""

    calls: list[Call] = field(default_factory=list)
    filings: dict[str, Filing] = field(default_factory=dict)

    def record(self, call: Call) -> None:
        """Keep the call; a chat.postMessage naming a partner is their DM or their card."""
        self.calls.append(call)
        if call.method != "chat.postMessage" or call.partner is None:
            return
        filing = self.filings.setdefault(call.partner, Filing())
        if call.channel in (call.partner, dm_channel(call.partner)):
            if filing.dm_at is None:
                filing.dm_at = call.at
        elif filing.card_at is None:
            filing.card_at = call.at

    def count(self, method: str) -> int:
        """How many calls of one method were made."""
        return sum(1 for c in self.calls if c.method == method)

    def methods(self) -> dict[str, int]:
        """Calls per method."""
        out: dict[str, int] = {}
        for call in self.calls:
            out[call.method] = out.get(call.method, 0) + 1
        return out

    def clear(self) -> None:
        """Forget everything (between measurements)."""
        self.calls.clear()
        self.filings.clear()


Reply = Callable[[Mapping[str, Any]], dict[str, Any]]


class FakeSlack:
    """The Web API on 127.0.0.1 at a random port: `api_url` is what a client's base_url takes."""

    def __init__(self, workspace: Workspace | None = None) -> None:
        """Prepare the replies; nothing listens until start()."""
        self.workspace = workspace or Workspace()
        self.log = CallLog()
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._replies: dict[str, Reply] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._message,
            "chat.update": self._message,
            "chat.postEphemeral": self._ephemeral,
            "chat.getPermalink": self._permalink,
            "views.open": self._view,
            "views.push": self._view,
            "views.update": self._view,
            "views.publish": self._view,
            "users.info": self._user,
            "conversations.open": self._open,
            "conversations.info": self._channel_info,
            "conversations.members": self._members,
        }

    @property
    def api_url(self) -> str:
        """Base URL for AsyncWebClient (ends with a slash, like Slack's)."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def response_url(self) -> str:
        """Where `respond()` posts (a slash command's response_url)."""
        return f"http://127.0.0.1:{self.port}/respond"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        method = request.match_info["method"]
        body = await request.read()
        args = _arguments(request, body)
        channel = args.get("channel")
        found = PARTNER_RE.search(body) or PARTNER_RE.search(request.query_string.encode())
        partner = found.group().decode() if found else None
        self.log.record(Call(at, method, str(channel) if channel else None, partner))
        reply = self._replies.get(method, _ok)
        return web.json_response(reply(args))

    async def _respond(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        await request.read()
        self.log.record(Call(at, "response_url", None, None))
        return web.Response(text="ok")

    # -- replies: the fields Liaison and Bolt read, nothing more ---------------------------

    def _auth_test(self, _: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://bench.slack.com/",
            "team": "Bench",
            "user": "liaison",
            "team_id": TEAM,
            "user_id": BOT_USER,
            "bot_id": "B0LIAISON",
        }

    def _message(self, args: Mapping[str, Any]) -> dict[str, Any]:
        ts = args.get("ts") or f"1800000000.{next(self._ts):06d}"
        channel = args.get("channel") or ""
        return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, "type": "message"}}

    def _ephemeral(self, _: Mapping[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": f"1800000000.{next(self._ts):06d}"}

    def _permalink(self, args: Mapping[str, Any]) -> dict[str, Any]:
        channel, ts = args.get("channel", ""), str(args.get("message_ts", ""))
        link = f"https://bench.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _view(self, args: Mapping[str, Any]) -> dict[str, Any]:
        view_id = args.get("view_id") or f"V{next(self._views):010d}"
        return {"ok": True, "view": {"id": view_id, "hash": f"h{next(self._views)}"}}

    def _user(self, args: Mapping[str, Any]) -> dict[str, Any]:
        user = str(args.get("user", ""))
        names = {p.id: p for p in self.workspace.people}
        person = names.get(user)
        name = person.name if person else user.lower()
        real = person.real_name if person else f"Partner {user}"
        return {
            "ok": True,
            "user": {
                "id": user,
                "team_id": TEAM,
                "name": name,
                "real_name": real,
                "tz": "America/New_York",
                "is_bot": False,
                "deleted": False,
                "profile": {"real_name": real, "display_name": name},
            },
        }

    def _open(self, args: Mapping[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        return {"ok": True, "channel": {"id": dm_channel(users[0]), "is_im": True}}

    def _channel_info(self, args: Mapping[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        info = {"id": channel, "name": channel.lower(), "is_member": True, "is_private": True}
        return {"ok": True, "channel": info}

    def _members(self, args: Mapping[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        w = self.workspace
        bot = [BOT_USER]
        if channel == w.triage_channel:
            members = w.ids("technician") + bot
        elif channel == w.supervisor_channel:
            members = w.ids("supervisor") + bot
        else:
            members = [p.id for p in w.people] + bot
        return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def _ok(_: Mapping[str, Any]) -> dict[str, Any]:
    return {"ok": True}


def _arguments(request: web.Request, body: bytes) -> dict[str, Any]:
    """The call's arguments, whichever way slack_sdk sent them (JSON, form or query)."""
    args: dict[str, Any] = dict(request.query)
    if not body:
        return args
    if request.content_type == "application/json":
        try:
            parsed = json.loads(body)
        except ValueError:
            return args
        if isinstance(parsed, dict):
            args.update(parsed)
        return args
    args.update(urllib.parse.parse_qsl(body.decode(errors="replace")))
    return args
