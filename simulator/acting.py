"""Plumbing shared by everything that acts as a workspace member: lookups, triggers, sends."""

from __future__ import annotations

from simulator.context import SimContext
from simulator.elements import JsonDict
from simulator.model import SimChannel, SimMessage, SimUser
from simulator.results import Delivery, InteractionResult, user_error
from simulator.viewstate import VALUE_FIELDS, convert
from simulator.workspace import SimulatorError


class ActorBase:
    """Shared plumbing for acting users: lookups, triggers and deliveries."""

    _ctx: SimContext

    def _user(self, user_id: str) -> SimUser:
        return self._ctx.workspace.require_user(user_id)

    def _member_channel(self, user_id: str, channel_id: str) -> SimChannel:
        if channel_id == self._ctx.config.bot_user_id:
            return self._ctx.workspace.open_dm(user_id)[0]
        channel = self._ctx.workspace.require_channel(channel_id)
        if user_id not in channel.members:
            raise SimulatorError(f"{user_id} is not a member of {channel_id} ({channel.name})")
        return channel

    def visible_message(self, user_id: str, channel: str, ts: str) -> SimMessage:
        """Return a message (or an ephemeral to this user) as the user sees it, or raise."""
        message = self._ctx.workspace.message(channel, ts) or self._ctx.workspace.ephemeral(
            user_id, channel, ts
        )
        if message is None:
            raise SimulatorError(f"no message {ts} in {channel} visible to {user_id}")
        return message

    async def _send(self, kind: str, payload: JsonDict) -> Delivery:
        return await self._ctx.deliverer.send(kind, payload)

    def _result(
        self, delivery: Delivery, trigger_id: str, response_url: str | None, payload: JsonDict
    ) -> InteractionResult:
        surfaces = self._ctx.surfaces
        return InteractionResult(
            delivery,
            trigger_id,
            response_url,
            payload,
            user_error(delivery),
            lambda: surfaces.opened_with(trigger_id),
        )

    def _action(
        self, block: JsonDict, element: JsonDict, *, selected: object, where: str
    ) -> JsonDict:
        """Return the `actions[0]` entry for a person operating one element."""
        if block.get("type") == "input" and not block.get("dispatch_action"):
            raise SimulatorError(
                f"{where} sits in input block {block.get('block_id')!r} without dispatch_action:"
                " Slack sends no block_actions for it; fill it through `values` instead"
            )
        kind = str(element.get("type"))
        action: JsonDict = {
            "type": kind,
            "action_id": element.get("action_id"),
            "block_id": block.get("block_id"),
            "action_ts": self._ctx.workspace.ts.next(),
        }
        if kind == "button":
            action["text"] = element.get("text")
            if "value" in element:
                action["value"] = element["value"]
            if "style" in element:
                action["style"] = element["style"]
        elif kind in VALUE_FIELDS:
            value = convert(element, selected, where=where, workspace=self._ctx.workspace)
            action[VALUE_FIELDS[kind]] = value
        return action
