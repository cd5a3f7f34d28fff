"""The workspace's state: people, channels, DMs, messages, threads, edits and ephemerals."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from simulator.config import SimConfig
from simulator.elements import JsonDict, with_generated_ids
from simulator.files import FileStore
from simulator.ids import TsSource
from simulator.model import Edit, SimChannel, SimMessage, SimUser


class SimulatorError(Exception):
    """A test or demo asked the simulator for something Slack's client could not do."""


class Workspace:
    """One team's users, conversations and messages; no I/O, driven by the simulator clock."""

    def __init__(self, config: SimConfig, clock: Callable[[], float]) -> None:
        """Create the workspace with the app's bot user already in it."""
        self.config = config
        self.clock = clock
        self.ts = TsSource(clock)
        self.users: dict[str, SimUser] = {}
        self.channels: dict[str, SimChannel] = {}
        self._messages: dict[str, dict[str, SimMessage]] = {}
        self._ephemerals: list[SimMessage] = []
        self._dms: dict[str, str] = {}
        self.files = FileStore()
        self.add_user(config.bot_user_id, config.bot_name, real_name=config.bot_name, is_bot=True)

    # -- directory (used by rendering) -------------------------------------------------------
    def user_label(self, user_id: str) -> str | None:
        """Return a user's display name for rendering `<@U...>`."""
        user = self.users.get(user_id)
        return user.name if user else None

    def channel_label(self, channel_id: str) -> str | None:
        """Return a channel's name for rendering `<#C...>`."""
        channel = self.channels.get(channel_id)
        return channel.name if channel else None

    # -- people and conversations ------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "UTC",
        is_bot: bool = False,
        email: str | None = None,
    ) -> SimUser:
        """Add (or replace) a workspace member."""
        user = SimUser(user_id, name, real_name or name, tz=tz, is_bot=is_bot, email=email)
        self.users[user_id] = user
        return user

    def add_channel(
        self, channel_id: str, name: str, *, members: Iterable[str] = (), is_private: bool = False
    ) -> SimChannel:
        """Add a channel; include the bot's user id in `members` to make the bot a member."""
        unknown = [m for m in members if m not in self.users]
        if unknown:
            raise SimulatorError(f"add_channel({channel_id}): unknown users {unknown}")
        channel = SimChannel(
            channel_id, name, is_private=is_private, members=list(dict.fromkeys(members))
        )
        channel.created = int(self.clock())
        self.channels[channel_id] = channel
        self._messages.setdefault(channel_id, {})
        return channel

    def open_dm(self, user_id: str) -> tuple[SimChannel, bool]:
        """Return the bot's DM with `user_id` (creating it on first need) and whether it existed."""
        if user_id in self._dms:
            return self.channels[self._dms[user_id]], True
        channel_id = "D" + user_id[1:]
        while channel_id in self.channels:
            channel_id += "X"
        members = [user_id, self.config.bot_user_id]
        channel = SimChannel(channel_id, "directmessage", is_im=True, members=members, user=user_id)
        channel.created = int(self.clock())
        self.channels[channel_id] = channel
        self._messages[channel_id] = {}
        self._dms[user_id] = channel_id
        return channel, False

    def dm_channel(self, user_id: str) -> str | None:
        """Return the id of the bot's DM with `user_id`, if one has been opened."""
        return self._dms.get(user_id)

    def join(self, user_id: str, channel_id: str) -> bool:
        """Add a member; return False if they were already in."""
        channel = self.require_channel(channel_id)
        if user_id in channel.members:
            return False
        channel.members.append(user_id)
        return True

    def leave(self, user_id: str, channel_id: str) -> bool:
        """Remove a member; return False if they were not in."""
        channel = self.require_channel(channel_id)
        if user_id not in channel.members:
            return False
        channel.members.remove(user_id)
        return True

    def require_channel(self, channel_id: str) -> SimChannel:
        """Return a channel or raise a SimulatorError naming the known ones."""
        channel = self.channels.get(channel_id)
        if channel is None:
            raise SimulatorError(f"no channel {channel_id!r}; known: {sorted(self.channels)}")
        return channel

    def require_user(self, user_id: str) -> SimUser:
        """Return a user or raise a SimulatorError naming the known ones."""
        user = self.users.get(user_id)
        if user is None:
            raise SimulatorError(f"no user {user_id!r}; known: {sorted(self.users)}")
        return user

    # -- messages ----------------------------------------------------------------------------
    def _stamp(self, message: SimMessage) -> SimMessage:
        """Give a new message the lookups its `.rendered` needs."""
        message.directory = self
        message.now = self.clock
        message.tz = self.config.render_tz
        return message

    def post(
        self,
        channel_id: str,
        *,
        user: str | None,
        text: str,
        blocks: list[JsonDict] | None = None,
        attachments: list[JsonDict] | None = None,
        thread_ts: str | None = None,
        from_bot: bool = False,
        files: list[JsonDict] | None = None,
        subtype: str | None = None,
        metadata: JsonDict | None = None,
    ) -> SimMessage:
        """Store a new message; a thread_ts naming a reply threads under that reply's parent."""
        parent = self.message(channel_id, thread_ts) if thread_ts else None
        message = SimMessage(
            channel_id,
            self.ts.next(),
            user=user,
            text=text,
            blocks=with_generated_ids(blocks or []),
            attachments=list(attachments or []),
            thread_ts=(parent.thread_ts or parent.ts) if parent else None,
            bot_id=self.config.bot_id if from_bot else None,
            app_id=self.config.app_id if from_bot else None,
            files=list(files or []),
            subtype=subtype,
            metadata=metadata,
        )
        self._messages.setdefault(channel_id, {})[message.ts] = self._stamp(message)
        if parent is not None and message.thread_ts == parent.ts:
            parent.thread_ts = parent.ts  # Slack marks a message as a thread parent
        return message

    def update(
        self,
        message: SimMessage,
        *,
        text: str | None,
        blocks: list[JsonDict] | None,
        attachments: list[JsonDict] | None = None,
    ) -> None:
        """Replace a message's content in place, keeping its ts and recording the old version."""
        message.edits.append(Edit(message.text, message.blocks, self.clock()))
        if text is not None:
            message.text = text
        if blocks is not None:
            message.blocks = with_generated_ids(blocks)
        if attachments is not None:
            message.attachments = list(attachments)

    def delete(self, message: SimMessage) -> None:
        """Remove a message (or an ephemeral) from view."""
        if message.ephemeral_to:
            self._ephemerals = [e for e in self._ephemerals if e is not message]
        else:
            self._messages.get(message.channel, {}).pop(message.ts, None)

    def post_ephemeral(
        self, channel_id: str, *, to_user: str, text: str, blocks: list[JsonDict] | None = None
    ) -> SimMessage:
        """Store a message only `to_user` can see, as if posted by the bot."""
        message = SimMessage(
            channel_id,
            self.ts.next(),
            user=self.config.bot_user_id,
            text=text,
            blocks=with_generated_ids(blocks or []),
            bot_id=self.config.bot_id,
            app_id=self.config.app_id,
            ephemeral_to=to_user,
        )
        self._ephemerals.append(self._stamp(message))
        return message

    def message(self, channel_id: str, ts: str | None) -> SimMessage | None:
        """Return the stored message with this ts in this channel (threads included)."""
        return self._messages.get(channel_id, {}).get(ts or "")

    def ephemeral(self, user_id: str, channel_id: str, ts: str) -> SimMessage | None:
        """Return an ephemeral shown to `user_id`."""
        for e in self._ephemerals:
            if (e.ephemeral_to, e.channel, e.ts) == (user_id, channel_id, ts):
                return e
        return None

    def messages(self, channel_id: str) -> list[SimMessage]:
        """Return the channel's top-level messages, oldest first."""
        return [m for m in self._messages.get(channel_id, {}).values() if not m.is_reply]

    def history(self, channel_id: str) -> list[SimMessage]:
        """Return the channel's top-level messages newest first, like conversations.history."""
        return list(reversed(self.messages(channel_id)))

    def thread(self, channel_id: str, ts: str) -> list[SimMessage]:
        """Return a thread like conversations.replies: the parent first, then its replies."""
        stored = self._messages.get(channel_id, {})
        parent = stored.get(ts)
        replies = [m for m in stored.values() if m.is_reply and m.thread_ts == ts]
        return ([parent] if parent else []) + replies

    def ephemerals(self, user_id: str, channel_id: str | None = None) -> list[SimMessage]:
        """Return ephemerals shown to `user_id` (optionally in one channel), oldest first."""
        return [
            e
            for e in self._ephemerals
            if e.ephemeral_to == user_id and channel_id in (None, e.channel)
        ]
