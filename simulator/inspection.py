"""Reading the workspace as people see it, and waiting for the app to act."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from simulator.acting import ActorBase
from simulator.calls import CallRecord
from simulator.changes import SimulatorTimeoutError
from simulator.config import Shortcut
from simulator.elements import JsonDict
from simulator.model import SimChannel, SimMessage, SimUser
from simulator.rendering import Renderer
from simulator.results import Delivery
from simulator.surfaces import SimView


class Inspection(ActorBase):
    """Inspection helpers of the simulator facade: messages, views, calls, deliveries."""

    def open_view(self, user_id: str) -> SimView | None:
        """Return the modal the user is looking at (top of their stack), if any."""
        return self._ctx.surfaces.top(user_id)

    # -- inspection ----------------------------------------------------------------------
    @property
    def calls(self) -> list[CallRecord]:
        """Return every Web API (and response_url) call, oldest first."""
        return self._ctx.calls.all()

    def calls_to(self, method: str) -> list[CallRecord]:
        """Return the calls to one method ("response_url" for response_url posts)."""
        return self._ctx.calls.to(method)

    def clear_calls(self) -> None:
        """Forget recorded calls."""
        self._ctx.calls.clear()

    @property
    def deliveries(self) -> list[Delivery]:
        """Return every delivery attempt made to the app, oldest first."""
        return list(self._ctx.deliverer.log)

    def messages(self, channel: str) -> list[SimMessage]:
        """Return a channel's top-level messages, oldest first."""
        return self._ctx.workspace.messages(channel)

    def thread(self, channel: str, ts: str) -> list[SimMessage]:
        """Return a thread: the parent first, then replies (like conversations.replies)."""
        return self._ctx.workspace.thread(channel, ts)

    def message(self, channel: str, ts: str) -> SimMessage | None:
        """Return one message (top-level or reply)."""
        return self._ctx.workspace.message(channel, ts)

    def users(self) -> list[SimUser]:
        """Return every workspace member, the bot included, in the order they were added."""
        return list(self._ctx.workspace.users.values())

    def channels_of(self, user_id: str) -> list[SimChannel]:
        """Return the channels (not DMs) a user is a member of, as their sidebar lists them."""
        channels = self._ctx.workspace.channels.values()
        return [c for c in channels if not c.is_im and user_id in c.members]

    def dm_channel(self, user_id: str) -> str | None:
        """Return the id of the bot's DM with a user, once opened."""
        return self._ctx.workspace.dm_channel(user_id)

    def dm_messages(self, user_id: str) -> list[SimMessage]:
        """Return the top-level messages of the bot's DM with a user ([] if none)."""
        channel = self.dm_channel(user_id)
        return self.messages(channel) if channel else []

    def ephemerals(self, user_id: str, channel: str | None = None) -> list[SimMessage]:
        """Return ephemerals shown to a user, oldest first."""
        return self._ctx.workspace.ephemerals(user_id, channel)

    def home(self, user_id: str) -> SimView | None:
        """Return the user's published Home tab."""
        return self._ctx.surfaces.home(user_id)

    def message_shortcuts(self) -> tuple[Shortcut, ...]:
        """Return the app's message shortcuts, as a message's "More actions" menu lists them."""
        return self._ctx.config.message_shortcuts

    def modal_stack(self, user_id: str) -> list[SimView]:
        """Return the user's open modals, root first."""
        return self._ctx.surfaces.stack(user_id)

    def render(self, blocks: list[JsonDict], *, text: str = "", tz: str = "UTC") -> str:
        """Render blocks (or text) as a person would read them in this workspace."""
        renderer = Renderer(self._ctx.workspace, tz=tz, now=self._ctx.clock())
        return renderer.message(text, blocks, [])

    # -- waiting -------------------------------------------------------------------------
    async def wait_until(
        self, predicate: Callable[[], Any], *, within: float = 2.0, what: str = "condition"
    ) -> None:
        """Wait (real seconds) until `predicate()` holds, re-checking after every change."""
        await self._ctx.changes.wait_until(predicate, within=within, what=what)

    async def idle(self, *, within: float = 30.0) -> None:
        """Wait until the simulator's own background work (event echoes) has finished."""
        try:
            await asyncio.wait_for(self._ctx.background.idle(), timeout=within)
        except TimeoutError:
            raise SimulatorTimeoutError(f"simulator still busy after {within:.1f}s") from None

    async def wait_for_view(self, user_id: str, *, within: float = 2.0) -> SimView:
        """Wait until the user has a modal open and return it."""
        await self.wait_until(
            lambda: self.open_view(user_id), within=within, what=f"a modal for {user_id}"
        )
        view = self.open_view(user_id)
        assert view is not None
        return view

    async def wait_for_call(
        self, method: str, *, count: int = 1, within: float = 2.0
    ) -> CallRecord:
        """Wait until `method` has been called `count` times; return the latest call."""
        await self.wait_until(
            lambda: len(self.calls_to(method)) >= count,
            within=within,
            what=f"{count} call(s) to {method}",
        )
        return self.calls_to(method)[-1]
