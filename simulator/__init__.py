"""The local Slack: one fake workspace for end-to-end tests, the terminal demo and the sandbox.

Start it, point the app's AsyncWebClient at `sim.api_url`, choose how the simulator reaches
the app (`use_http(url)` or `use_socket_mode()`), then act as people and inspect what they see.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from types import TracebackType

from simulator.actors import UserActions
from simulator.calls import CallRecord
from simulator.changes import SimulatorTimeoutError
from simulator.config import Shortcut, SimConfig
from simulator.context import SimContext
from simulator.conversing import ConversationActions
from simulator.faults import Fault, FaultPlan
from simulator.files import SimFile
from simulator.inspection import Inspection
from simulator.modals import ModalActions
from simulator.model import Edit, SimChannel, SimMessage, SimUser
from simulator.notices import SlackNotices
from simulator.results import (
    CommandResult,
    Delivery,
    EventResult,
    InteractionResult,
    SubmitResult,
)
from simulator.server import ApiServer
from simulator.surfaces import SimView
from simulator.transport import HttpTransport, SocketTransport, Transport
from simulator.workspace import SimulatorError

__all__ = [
    "CallRecord",
    "CommandResult",
    "Delivery",
    "Edit",
    "EventResult",
    "Fault",
    "HttpTransport",
    "InteractionResult",
    "Shortcut",
    "SimChannel",
    "SimConfig",
    "SimFile",
    "SimMessage",
    "SimUser",
    "SimView",
    "SimulatorError",
    "SimulatorTimeoutError",
    "SlackSimulator",
    "SubmitResult",
]


class SlackSimulator(UserActions, ConversationActions, ModalActions, SlackNotices, Inspection):
    """A fake Slack that behaves as docs/slack-platform.md describes; usable as `async with`."""

    def __init__(
        self,
        *,
        signing_secret: str,
        bot_token: str = "xoxb-sim-bot",
        app_token: str = "xapp-sim-app",
        team_id: str = "T0LIAISON",
        clock: Callable[[], float] | None = None,
        home_enabled: bool = True,
        echo_bot_messages: bool = True,
        bot_events: Iterable[str] | None = None,
        ack_timeout: float = 3.0,
    ) -> None:
        """Configure the workspace; `clock` gives epoch seconds for ts, triggers and limits.

        `bot_events` lists the app's subscriptions by manifest name ("message.im",
        "app_mention", ...); None delivers every event. `ack_timeout` is Slack's 3-second rule
        in real seconds.
        """
        config = SimConfig(
            signing_secret=signing_secret,
            bot_token=bot_token,
            app_token=app_token,
            team_id=team_id,
            home_enabled=home_enabled,
            echo_bot_messages=echo_bot_messages,
            bot_events=frozenset(bot_events) if bot_events is not None else None,
            ack_timeout=ack_timeout,
        )
        self._init(config, clock)

    @classmethod
    def from_config(
        cls, config: SimConfig, *, clock: Callable[[], float] | None = None
    ) -> SlackSimulator:
        """Build a simulator from a full SimConfig (every identity and timing knob)."""
        sim = cls.__new__(cls)
        sim._init(config, clock)
        return sim

    def _init(self, config: SimConfig, clock: Callable[[], float] | None) -> None:
        self._ctx = SimContext.create(config, clock or time.time)
        self._server = ApiServer(self._ctx)
        self._started = False

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> SlackSimulator:
        """Listen on 127.0.0.1 at an ephemeral port."""
        if not self._started:
            self._ctx.base_url = await self._server.start()
            self._started = True
        return self

    async def stop(self) -> None:
        """Finish echoes briefly, then close transports, sockets and the port.

        Close the app's Socket Mode handler first, or it will try to reconnect.
        """
        if not self._started:
            return
        await self._ctx.background.drain(within=1.0)
        await self._ctx.background.cancel_all()
        await self._ctx.deliverer.close()
        await self._ctx.hub.close_all()
        await self._server.stop()
        self._started = False

    async def __aenter__(self) -> SlackSimulator:
        """Start on entry."""
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on exit."""
        await self.stop()

    # -- identity ------------------------------------------------------------------------
    @property
    def config(self) -> SimConfig:
        """Return the simulator's configuration."""
        return self._ctx.config

    @property
    def base_url(self) -> str:
        """Return `http://127.0.0.1:PORT/`."""
        if not self._started:
            raise SimulatorError("the simulator is not started: await sim.start()")
        return self._ctx.base_url

    @property
    def api_url(self) -> str:
        """Return the Web API base URL for AsyncWebClient(base_url=...)."""
        return self.base_url + "api/"

    @property
    def bot_user_id(self) -> str:
        """Return the bot's user id (auth.test user_id)."""
        return self._ctx.config.bot_user_id

    @property
    def bot_token(self) -> str:
        """Return the bot token (xoxb-) the Web API accepts."""
        return self._ctx.config.bot_token

    @property
    def app_token(self) -> str:
        """Return the app-level token (xapp-) apps.connections.open accepts."""
        return self._ctx.config.app_token

    @property
    def bot_id(self) -> str:
        """Return the bot's bot id (auth.test bot_id)."""
        return self._ctx.config.bot_id

    # -- workspace setup -----------------------------------------------------------------
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
        """Add a workspace member."""
        return self._ctx.workspace.add_user(
            user_id, name, real_name=real_name, tz=tz, is_bot=is_bot, email=email
        )

    def add_channel(
        self,
        channel_id: str,
        name: str,
        members: Iterable[str] = (),
        is_private: bool = False,
    ) -> SimChannel:
        """Add a channel; list `sim.bot_user_id` in `members` to make the bot a member."""
        return self._ctx.workspace.add_channel(
            channel_id, name, members=members, is_private=is_private
        )

    def convert_channel(self, channel_id: str, *, private: bool) -> SimChannel:
        """Convert a channel to private or public, as a workspace admin can."""
        channel = self._ctx.workspace.require_channel(channel_id)
        channel.is_private = private
        return channel

    def file(self, file_id: str) -> SimFile | None:
        """Return a stored file (its bytes, owner and shares) by id."""
        return self._ctx.workspace.files.files.get(file_id)

    # -- how the app is reached ----------------------------------------------------------
    def use_http(self, url: str) -> HttpTransport:
        """Deliver to the app's Request URL with signed HTTP requests (returned for raw posts)."""
        transport = HttpTransport(
            url, self._ctx.config.signing_secret, timeout=self._ctx.config.ack_timeout
        )
        self._ctx.deliverer.use(transport)
        return transport

    @property
    def transport(self) -> Transport | None:
        """Return how the simulator currently reaches the app (None until chosen)."""
        return self._ctx.deliverer.transport

    def use_socket_mode(self) -> None:
        """Deliver as Socket Mode envelopes to the app connected via apps.connections.open."""
        self._ctx.deliverer.use(SocketTransport(self._ctx.hub))

    async def socket_disconnect(
        self, reason: str = "refresh_requested", *, wait_reconnect: bool = True
    ) -> None:
        """Send `disconnect`; by default wait until the app has opened a new connection."""
        await self._ctx.hub.disconnect(reason, wait_reconnect=wait_reconnect)

    @property
    def socket_connections(self) -> int:
        """Return how many Socket Mode connections the app has opened since start."""
        return self._ctx.hub.connections_opened

    @property
    def faults(self) -> FaultPlan:
        """Return the scripted-failure plan (`sim.faults.add(...)`, `.rate_limit(...)`)."""
        return self._ctx.faults

    def issue_trigger(self, user_id: str) -> str:
        """Issue a trigger_id as if `user_id` had just interacted (for direct API tests)."""
        self._ctx.workspace.require_user(user_id)
        return self._ctx.grants.issue_trigger(user_id)
