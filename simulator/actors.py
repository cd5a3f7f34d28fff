"""Acting as workspace members the way Slack's client does: commands, messages, clicks."""

from __future__ import annotations

import secrets
from typing import Any

from simulator import payloads
from simulator.acting import ActorBase
from simulator.blockkit import message_errors
from simulator.elements import JsonDict, find_action
from simulator.model import SimChannel
from simulator.results import CommandResult, EventResult, InteractionResult, user_error
from simulator.workspace import SimulatorError


class UserActions(ActorBase):
    """What a person can do outside modals."""

    async def command(
        self, user_id: str, command: str, text: str = "", *, channel_id: str | None = None
    ) -> CommandResult:
        """Run a slash command (in the user's DM with the bot unless `channel_id` is given)."""
        ctx = self._ctx
        user = self._user(user_id)
        channel = self._member_channel(user_id, channel_id or ctx.config.bot_user_id)
        trigger_id = ctx.grants.issue_trigger(user_id)
        response_url = ctx.grants.issue_response_url(
            ctx.base_url, user_id=user_id, channel_id=channel.id
        )
        fields = payloads.slash_command(
            ctx.config,
            user=user,
            channel=channel,
            command=command,
            text=text,
            response_url=response_url,
            trigger_id=trigger_id,
        )
        delivery = await self._send("slash_commands", dict(fields))
        result = CommandResult(
            delivery,
            trigger_id,
            response_url,
            fields,
            user_error(delivery),
            lambda: ctx.surfaces.opened_with(trigger_id),
        )
        if result.error is None:
            self._apply_command_ack(result, user_id, channel)
        return result

    def _apply_command_ack(self, result: CommandResult, user_id: str, channel: SimChannel) -> None:
        """Turn the ack body into what Slack shows: nothing, an ephemeral, or a channel post."""
        delivery = result.delivery
        data: Any = delivery.json
        if not isinstance(data, dict):
            if not delivery.body.strip():
                return
            data = {"text": delivery.body}
        text, blocks = str(data.get("text") or ""), data.get("blocks") or []
        if (blocks and message_errors(blocks)) or not (text or blocks):
            result.error = "invalid_blocks" if blocks else None
            return
        result.response_type = str(data.get("response_type") or "ephemeral")
        workspace = self._ctx.workspace
        if result.response_type == "in_channel":
            result.message = workspace.post(
                channel.id,
                user=self._ctx.config.bot_user_id,
                text=text,
                blocks=blocks,
                from_bot=True,
            )
            self._ctx.echo_message(result.message)
        else:
            result.message = workspace.post_ephemeral(
                channel.id, to_user=user_id, text=text, blocks=blocks
            )

    async def post_message(
        self, user_id: str, channel: str, text: str, thread_ts: str | None = None
    ) -> str:
        """Post as a person (channel id, D id, or the bot's user id for its DM); return ts.

        The app receives a `message` event (and `app_mention` when the text mentions the bot)
        if it is subscribed and the bot is in the channel.
        """
        ctx = self._ctx
        self._user(user_id)
        conversation = self._member_channel(user_id, channel)
        message = ctx.workspace.post(
            conversation.id,
            user=user_id,
            text=text,
            blocks=payloads.rich_text(text),
            thread_ts=thread_ts,
        )
        parent = ctx.workspace.message(conversation.id, message.thread_ts)
        event = payloads.message_event(
            ctx.config, message, conversation, parent_user=parent.user if parent else None
        )
        await ctx.deliverer.emit(event)
        mention = f"<@{ctx.config.bot_user_id}>"
        if mention in text and not conversation.is_im:
            await ctx.deliverer.emit(payloads.app_mention(event))
        return message.ts

    async def verify_request_url(self) -> bool:
        """Send Slack's url_verification challenge; True if the app echoed it in any form."""
        challenge = secrets.token_urlsafe(24)
        body: JsonDict = {
            "token": self._ctx.config.verification_token,
            "challenge": challenge,
            "type": "url_verification",
        }
        delivery = await self._send("events_api", body)
        answer = delivery.json.get("challenge") if isinstance(delivery.json, dict) else None
        plain = delivery.body.strip().removeprefix("challenge=")
        return delivery.ok and challenge in (answer, plain)

    async def deliver_event(
        self, event: JsonDict, *, retry_num: int = 0, retry_reason: str = ""
    ) -> EventResult:
        """Deliver a raw inner event or a whole envelope (same event_id = a duplicate)."""
        return await self._ctx.deliverer.event(
            event, retry_num=retry_num, retry_reason=retry_reason
        )

    async def click(
        self,
        user_id: str,
        *,
        channel: str,
        ts: str,
        action_id: str,
        value: str | None = None,
        selected: object = None,
    ) -> InteractionResult:
        """Click a button (or pick `selected` in a select/picker) on a message."""
        ctx = self._ctx
        user = self._user(user_id)
        message = self.visible_message(user_id, channel, ts)
        found = find_action(message.blocks, action_id, value)
        for earlier in reversed(message.edits):
            # A client still showing an earlier version: Slack delivers that click too.
            found = found or find_action(earlier.blocks, action_id, value)
        if found is None:
            raise SimulatorError(
                f"message {ts} has no action {action_id!r}; it has {message.action_ids()}"
            )
        action = self._action(*found, selected=selected, where=f"action {action_id!r}")
        trigger_id = ctx.grants.issue_trigger(user_id)
        ephemeral = message.ephemeral_to is not None
        response_url = ctx.grants.issue_response_url(
            ctx.base_url,
            user_id=user_id,
            channel_id=channel,
            source_ts=ts,
            source_ephemeral=ephemeral,
        )
        conversation = ctx.workspace.require_channel(channel)
        extra: dict[str, Any] = {
            "channel": {"id": channel, "name": payloads.channel_name(conversation)},
            "response_url": response_url,
            "state": {"values": {}},
        }
        if not ephemeral:
            extra["message"] = message.to_api(team_id=ctx.config.team_id)
        container = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
        if message.thread_ts:  # a message in a thread (its parent too) names the thread
            container["thread_ts"] = message.thread_ts
        payload = payloads.block_actions(
            ctx.config,
            user=user,
            trigger_id=trigger_id,
            container=container,
            action=action,
            extra=extra,
        )
        return self._result(
            await self._send("interactive", payload), trigger_id, response_url, payload
        )

    async def message_shortcut(
        self, user_id: str, callback_id: str, channel: str, ts: str
    ) -> InteractionResult:
        """Run a message shortcut on a message (a `message_action` payload).

        When the app declares its shortcuts, only those can be run, as in Slack's menu.
        """
        ctx = self._ctx
        declared = [s.callback_id for s in ctx.config.message_shortcuts]
        if declared and callback_id not in declared:
            raise SimulatorError(
                f"the app has no message shortcut {callback_id!r}; it has {declared}"
            )
        user = self._user(user_id)
        conversation = self._member_channel(user_id, channel)
        message = self.visible_message(user_id, channel, ts)
        trigger_id = ctx.grants.issue_trigger(user_id)
        response_url = ctx.grants.issue_response_url(
            ctx.base_url, user_id=user_id, channel_id=channel
        )
        payload = payloads.message_action(
            ctx.config,
            user=user,
            callback_id=callback_id,
            trigger_id=trigger_id,
            channel=conversation,
            message=message,
            response_url=response_url,
            action_ts=ctx.workspace.ts.next(),
        )
        delivery = await self._send("interactive", payload)
        return self._result(delivery, trigger_id, response_url, payload)

    async def global_shortcut(self, user_id: str, callback_id: str) -> InteractionResult:
        """Run a global shortcut (a `shortcut` payload; no channel, no response_url)."""
        ctx = self._ctx
        trigger_id = ctx.grants.issue_trigger(user_id)
        payload = payloads.global_shortcut(
            ctx.config,
            user=self._user(user_id),
            callback_id=callback_id,
            trigger_id=trigger_id,
            action_ts=ctx.workspace.ts.next(),
        )
        delivery = await self._send("interactive", payload)
        return self._result(delivery, trigger_id, None, payload)

    async def open_home(self, user_id: str, *, tab: str = "home") -> EventResult:
        """Open the app's Home (or Messages) tab: an app_home_opened event."""
        ctx = self._ctx
        self._user(user_id)
        dm = ctx.workspace.open_dm(user_id)[0]
        event: JsonDict = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": dm.id,
            "tab": tab,
            "event_ts": ctx.workspace.ts.next(),
        }
        home = ctx.surfaces.home(user_id)
        if home is not None:
            event["view"] = home.to_api(ctx.config)
        return await ctx.deliverer.emit(event)

    async def join_channel(self, user_id: str, channel: str) -> EventResult | None:
        """Add a member and deliver member_joined_channel (None if already a member)."""
        return await self._membership(user_id, channel, joined=True)

    async def leave_channel(self, user_id: str, channel: str) -> EventResult | None:
        """Remove a member and deliver member_left_channel (None if not a member)."""
        return await self._membership(user_id, channel, joined=False)

    async def _membership(self, user_id: str, channel: str, *, joined: bool) -> EventResult | None:
        ctx = self._ctx
        self._user(user_id)
        conversation = ctx.workspace.require_channel(channel)
        change = ctx.workspace.join if joined else ctx.workspace.leave
        if not change(user_id, channel):
            return None
        kind = "member_joined_channel" if joined else "member_left_channel"
        event = payloads.member_event(
            kind,
            user=user_id,
            channel=conversation,
            team_id=ctx.config.team_id,
            ts=ctx.workspace.ts.next(),
        )
        # The bot hears about its own departure too: `wanted()` accepts events about itself.
        return await ctx.deliverer.emit(event)
