"""Choosing the app's transport, wrapping events, filtering by subscription, retrying."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from simulator import payloads
from simulator.changes import Changes
from simulator.config import SimConfig
from simulator.elements import JsonDict
from simulator.results import Delivery, EventResult
from simulator.transport import Transport
from simulator.workspace import SimulatorError, Workspace

MAX_EVENT_RETRIES = 3
_MESSAGE_SUBSCRIPTIONS = {
    "im": "message.im",
    "channel": "message.channels",
    "group": "message.groups",
    "mpim": "message.mpim",
}


class Deliverer:
    """Sends payloads to the app through the chosen transport and keeps every attempt."""

    def __init__(
        self,
        config: SimConfig,
        workspace: Workspace,
        changes: Changes,
        clock: Callable[[], float],
    ) -> None:
        """Deliver for one simulated workspace."""
        self._config = config
        self._workspace = workspace
        self._changes = changes
        self._clock = clock
        self.transport: Transport | None = None
        self._retired: list[Transport] = []
        self.log: list[Delivery] = []

    def use(self, transport: Transport) -> None:
        """Deliver through `transport` from now on (the previous one is closed at stop)."""
        if self.transport is not None:
            self._retired.append(self.transport)
        self.transport = transport

    async def close(self) -> None:
        """Close every transport used so far."""
        for transport in [*self._retired, *([self.transport] if self.transport else [])]:
            await transport.close()
        self._retired.clear()

    async def send(
        self, kind: str, payload: JsonDict, *, retry_num: int = 0, retry_reason: str = ""
    ) -> Delivery:
        """Deliver one payload once; raise SimulatorError when no transport was chosen."""
        if self.transport is None:
            raise SimulatorError("no delivery target: call sim.use_http(url) or use_socket_mode()")
        delivery = await self.transport.deliver(
            kind, payload, retry_num=retry_num, retry_reason=retry_reason
        )
        self.log.append(delivery)
        self._changes.notify()
        return delivery

    def envelope(self, event: JsonDict) -> JsonDict:
        """Wrap an inner event in an event_callback envelope (an envelope passes through)."""
        if event.get("type") == "event_callback" and "event" in event:
            return event
        return payloads.event_callback(self._config, event, event_time=int(self._clock()))

    async def event(
        self, event: JsonDict, *, retry_num: int = 0, retry_reason: str = ""
    ) -> EventResult:
        """Deliver an event as given, retrying failed attempts as Slack does (up to 3 retries).

        Slack spaces its retries (at once, +1 min, +5 min); here the gaps are the configured
        `event_retry_delays` in real seconds.
        """
        envelope = self.envelope(event)
        attempts: list[Delivery] = []
        number, reason = retry_num, retry_reason
        while True:
            delivery = await self.send(
                "events_api", envelope, retry_num=number, retry_reason=reason
            )
            attempts.append(delivery)
            if delivery.ok or delivery.no_retry or number >= MAX_EVENT_RETRIES:
                break
            delays = self._config.event_retry_delays
            delay = delays[number] if number < len(delays) else 0.0
            number, reason = number + 1, delivery.error or "unknown_error"
            if delay > 0:
                await asyncio.sleep(delay)
        return EventResult(str(envelope.get("event_id", "")), attempts, envelope=envelope)

    async def emit(self, event: JsonDict, *, required: bool = True) -> EventResult:
        """Deliver an event that happened in the workspace, if the app would receive it.

        Skips events the app is not subscribed to and channel events where the bot is not a
        member; with `required=False` (the bot's own echoes) also skips when no transport is set.
        """
        if not self.wanted(event) or (not required and self.transport is None):
            return EventResult("", [], skipped=True)
        return await self.event(event)

    def wanted(self, event: JsonDict) -> bool:
        """Return True when Slack would send this event to the app."""
        subscriptions = self._config.bot_events
        if subscriptions is not None and _subscription(event) not in subscriptions:
            return False
        channel = self._workspace.channels.get(str(event.get("channel", "")))
        if channel is None or channel.is_im or event.get("type") == "app_home_opened":
            return True
        bot = self._config.bot_user_id
        about_bot = event.get("type") == "member_left_channel" and event.get("user") == bot
        return bot in channel.members or about_bot


def _subscription(event: JsonDict) -> str:
    kind = str(event.get("type", ""))
    if kind == "message":
        return _MESSAGE_SUBSCRIPTIONS.get(str(event.get("channel_type")), "message.channels")
    return kind
