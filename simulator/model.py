"""Workspace records a test can inspect: users, channels, messages and their edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from simulator import elements
from simulator.elements import JsonDict
from simulator.rendering import Directory, Renderer


@dataclass
class SimUser:
    """A workspace member (a person or the app's bot user)."""

    id: str
    name: str
    real_name: str
    tz: str = "UTC"
    is_bot: bool = False
    email: str | None = None

    def to_api(self, *, team_id: str, now: float) -> JsonDict:
        """Return the `users.info` user object."""
        offset = dt.datetime.fromtimestamp(now, ZoneInfo(self.tz)).utcoffset()
        profile: JsonDict = {
            "display_name": self.name,
            "real_name": self.real_name,
            "team": team_id,
        }
        if self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": profile,
        }


@dataclass
class SimChannel:
    """A conversation: public or private channel, or a DM between the bot and one user."""

    id: str
    name: str
    is_private: bool = False
    is_im: bool = False
    members: list[str] = field(default_factory=list)
    user: str | None = None  # the person on the other end of a DM
    created: int = 0

    @property
    def channel_type(self) -> str:
        """Return the events API `channel_type`: im, group (private) or channel."""
        if self.is_im:
            return "im"
        return "group" if self.is_private else "channel"

    def to_api(self, *, bot_user_id: str) -> JsonDict:
        """Return the `conversations.info` channel object."""
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.user,
                "is_user_deleted": False,
            }
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": False,
            "is_general": False,
            "created": self.created,
            "is_member": bot_user_id in self.members,
            "num_members": len(self.members),
        }


@dataclass(frozen=True)
class Edit:
    """One earlier version of a message, kept when chat.update replaced it."""

    text: str
    blocks: list[JsonDict]
    replaced_at: float


@dataclass(eq=False)
class SimMessage:
    """A message as stored by the fake Slack (top-level, reply or ephemeral)."""

    channel: str
    ts: str
    user: str | None
    text: str
    blocks: list[JsonDict] = field(default_factory=list)
    attachments: list[JsonDict] = field(default_factory=list)
    thread_ts: str | None = None
    bot_id: str | None = None
    app_id: str | None = None
    ephemeral_to: str | None = None
    edits: list[Edit] = field(default_factory=list)
    files: list[JsonDict] = field(default_factory=list)  # file objects, as in `files` of events
    subtype: str | None = None
    metadata: JsonDict | None = None  # the app's message metadata: event_type, event_payload
    directory: Directory | None = field(default=None, repr=False)
    now: Callable[[], float] = field(default=lambda: 0.0, repr=False)
    tz: str = field(default="UTC", repr=False)

    @property
    def rendered(self) -> str:
        """What a person reads: blocks (or text) with names and dates resolved."""
        return self.render()

    def render(self, *, tz: str | None = None) -> str:
        """Render for a reader in time zone `tz` (default: the simulator's render_tz)."""
        renderer = Renderer(self.directory, tz=tz or self.tz, now=self.now())
        shown = renderer.message(self.text, self.blocks, self.attachments)
        names = [f"[file: {f.get('name')}]" for f in self.files]
        return "\n".join(p for p in (shown, *names) if p)

    def action_ids(self) -> list[str]:
        """Return the action_ids of the buttons, selects and pickers in this message."""
        return elements.action_ids(self.blocks)

    @property
    def is_reply(self) -> bool:
        """Return True when this message sits inside a thread under another message."""
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self, *, team_id: str, with_metadata: bool = True) -> JsonDict:
        """Return the Slack message object (as in chat.postMessage's `message`)."""
        body: JsonDict = {"type": "message", "text": self.text, "ts": self.ts, "team": team_id}
        if self.subtype:
            body["subtype"] = self.subtype
        if self.user:
            body["user"] = self.user
        if self.bot_id:
            body["bot_id"] = self.bot_id
            body["app_id"] = self.app_id
        extras: dict[str, Any] = {
            "blocks": self.blocks,
            "attachments": self.attachments,
            "thread_ts": self.thread_ts,
            "files": self.files,
        }
        body.update({k: v for k, v in extras.items() if v})
        if self.metadata and with_metadata:
            body["metadata"] = self.metadata
        if self.edits:
            body["edited"] = {"user": self.user, "ts": f"{self.edits[-1].replaced_at:.6f}"}
        return body
