"""The shared state every part of the simulator works on, built once per simulator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator import payloads
from simulator.args import Args
from simulator.calls import CallLog
from simulator.changes import Background, Changes
from simulator.config import SimConfig
from simulator.delivery import Deliverer
from simulator.elements import JsonDict
from simulator.faults import FaultPlan
from simulator.grants import Grants
from simulator.model import SimMessage
from simulator.socket import SocketHub
from simulator.surfaces import Surfaces
from simulator.workspace import Workspace


@dataclass
class SimContext:
    """Config, clock and every store; the Web API handlers and the actors share it."""

    config: SimConfig
    clock: Callable[[], float]
    workspace: Workspace
    surfaces: Surfaces
    grants: Grants
    faults: FaultPlan
    calls: CallLog
    changes: Changes
    background: Background
    deliverer: Deliverer
    hub: SocketHub
    base_url: str = ""  # http://127.0.0.1:PORT/ once the server is listening

    @classmethod
    def create(cls, config: SimConfig, clock: Callable[[], float]) -> SimContext:
        """Build a fresh, empty simulated workspace."""
        workspace = Workspace(config, clock)
        changes = Changes()
        return cls(
            config=config,
            clock=clock,
            workspace=workspace,
            surfaces=Surfaces(config, clock, workspace),
            grants=Grants(clock),
            faults=FaultPlan(clock),
            calls=CallLog(),
            changes=changes,
            background=Background(),
            deliverer=Deliverer(config, workspace, changes, clock),
            hub=SocketHub(config, changes),
        )

    @property
    def ws_base(self) -> str:
        """Return the ws:// form of base_url."""
        return "ws://" + self.base_url.removeprefix("http://")

    def permalink(self, message: SimMessage) -> str:
        """Return the message's permalink on this simulator."""
        link = f"{self.base_url}archives/{message.channel}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={message.channel}"
        return link

    def echo(self, event: JsonDict) -> None:
        """Send an event caused by the bot's own action back to the app, in the background."""
        if self.config.echo_bot_messages:
            self.background.spawn(self.deliverer.emit(event, required=False))

    def echo_message(self, message: SimMessage) -> None:
        """Echo a message the bot posted as a `message` event carrying its bot_id and user."""
        channel = self.workspace.channels[message.channel]
        parent = self.workspace.message(message.channel, message.thread_ts)
        parent_user = parent.user if parent and message.is_reply else None
        event = payloads.message_event(self.config, message, channel, parent_user=parent_user)
        self.echo(event)


@dataclass(frozen=True)
class ApiMethod:
    """A Web API method: its handler and which token it takes (bot xoxb- or app xapp-)."""

    handler: Callable[[SimContext, Args], JsonDict]
    token: str = "bot"
