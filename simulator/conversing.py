"""People talking as Slack's client lets them: files, edits, deletions, /me, broadcasts."""

from __future__ import annotations

from collections.abc import Sequence

from simulator import payloads
from simulator.acting import ActorBase
from simulator.api_files import file_object
from simulator.model import SimChannel, SimMessage
from simulator.results import EventResult
from simulator.workspace import SimulatorError

Attachment = tuple[str, bytes]  # (file name, content)


class ConversationActions(ActorBase):
    """Messages beyond plain text, each arriving at the app in the shape Slack sends it."""

    async def share_files(
        self,
        user_id: str,
        channel: str,
        files: Sequence[Attachment],
        *,
        text: str = "",
        thread_ts: str | None = None,
    ) -> str:
        """Upload files with an optional comment, as a `file_share` message; return its ts."""
        ctx = self._ctx
        self._user(user_id)
        conversation = self._member_channel(user_id, channel)
        stored = [
            ctx.workspace.files.add(
                name=name, content=content, user=user_id, created=int(ctx.clock())
            )
            for name, content in files
        ]
        message = ctx.workspace.post(
            conversation.id,
            user=user_id,
            text=text,
            blocks=payloads.rich_text(text) if text else None,
            thread_ts=thread_ts,
            files=[file_object(ctx, f) for f in stored],
            subtype="file_share",
        )
        for file in stored:
            ctx.workspace.files.share(file, conversation.id, message.ts)
        await self._emit_message(message, conversation)
        return message.ts

    async def post_special(
        self,
        user_id: str,
        channel: str,
        text: str,
        *,
        subtype: str,
        thread_ts: str | None = None,
    ) -> str:
        """Post a `me_message` (/me) or a `thread_broadcast` (reply also sent to the channel)."""
        if subtype not in ("me_message", "thread_broadcast"):
            raise SimulatorError(f"people do not post {subtype!r} messages")
        if subtype == "thread_broadcast" and not thread_ts:
            raise SimulatorError("a thread_broadcast is a reply: give thread_ts")
        ctx = self._ctx
        self._user(user_id)
        conversation = self._member_channel(user_id, channel)
        message = ctx.workspace.post(
            conversation.id,
            user=user_id,
            text=text,
            blocks=payloads.rich_text(text),
            thread_ts=thread_ts,
            subtype=subtype,
        )
        await self._emit_message(message, conversation)
        return message.ts

    async def post_integration_message(
        self, channel: str, text: str, *, username: str, bot_id: str = "B0WEBHOOK"
    ) -> str:
        """An incoming webhook or legacy integration posts: `bot_message` with no `user`."""
        ctx = self._ctx
        conversation = ctx.workspace.require_channel(channel)
        message = ctx.workspace.post(conversation.id, user=None, text=text, subtype="bot_message")
        message.bot_id = bot_id
        event = payloads.message_event(ctx.config, message, conversation, parent_user=None)
        event.pop("app_id", None)
        event.pop("bot_profile", None)
        event["username"] = username
        await ctx.deliverer.emit(event)
        return message.ts

    async def edit_message(self, user_id: str, channel: str, ts: str, text: str) -> EventResult:
        """Edit one's own message; the app receives `message_changed`."""
        ctx = self._ctx
        conversation, message = self._own_message(user_id, channel, ts)
        previous = message.to_api(team_id=ctx.config.team_id)
        ctx.workspace.update(message, text=text, blocks=payloads.rich_text(text))
        event_ts = ctx.workspace.ts.next()
        current = message.to_api(team_id=ctx.config.team_id)
        current["edited"] = {"user": user_id, "ts": event_ts}
        if message.is_reply:
            current["parent_user_id"] = self._parent_user(message)
        event = payloads.message_changed(ctx.config, message, conversation, previous, event_ts)
        event["message"] = current
        return await ctx.deliverer.emit(event)

    async def delete_message(self, user_id: str, channel: str, ts: str) -> EventResult:
        """Delete one's own message; the app receives `message_deleted`."""
        ctx = self._ctx
        conversation, message = self._own_message(user_id, channel, ts)
        previous = message.to_api(team_id=ctx.config.team_id)
        ctx.workspace.delete(message)
        event = payloads.message_deleted(
            conversation, previous, deleted_ts=ts, event_ts=ctx.workspace.ts.next()
        )
        return await ctx.deliverer.emit(event)

    async def revoke_message_key(self, user_id: str, channel: str, ts: str) -> EventResult:
        """An admin revokes the key of a message (EKM): the app gets `ekm_access_denied`."""
        ctx = self._ctx
        conversation, message = self._own_message(user_id, channel, ts)
        ctx.workspace.delete(message)
        return await ctx.deliverer.emit(payloads.ekm_access_denied(conversation, ts=ts))

    def _own_message(self, user_id: str, channel: str, ts: str) -> tuple[SimChannel, SimMessage]:
        conversation = self._member_channel(user_id, channel)
        message = self._ctx.workspace.message(conversation.id, ts)
        if message is None or message.user != user_id:
            raise SimulatorError(f"{user_id} has no message {ts} in {conversation.id}")
        return conversation, message

    def _parent_user(self, message: SimMessage) -> str | None:
        parent = self._ctx.workspace.message(message.channel, message.thread_ts)
        return parent.user if parent else None

    async def _emit_message(self, message: SimMessage, conversation: SimChannel) -> None:
        ctx = self._ctx
        event = payloads.message_event(
            ctx.config, message, conversation, parent_user=self._parent_user(message)
        )
        await ctx.deliverer.emit(event)
