"""Listener work still running after its ack: counted, so shutdown and tests can wait for it,
and, for a person's words, the answer to Slack held until they are stored."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class InFlight:
    """A counter of running listeners with a way to wait until none are left."""

    def __init__(self) -> None:
        """Start idle."""
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._held: dict[str, asyncio.Future[bool]] = {}

    @property
    def count(self) -> int:
        """How many listeners are running now."""
        return self._count

    def track(self, func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        """Wrap a listener; functools.wraps keeps Bolt's argument injection working."""

        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            self._count += 1
            self._idle.clear()
            try:
                return await func(*args, **kwargs)
            finally:
                self._count -= 1
                if self._count == 0:
                    self._idle.set()

        return wrapper

    async def idle(self) -> None:
        """Return once no tracked listener is running."""
        while self._count:
            await self._idle.wait()
            await asyncio.sleep(0)

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        """Run background work that shutdown and tests should wait for."""

        async def runner() -> Any:
            return await coro

        return asyncio.ensure_future(self.track(runner)())

    def hold(self, key: str) -> None:
        """The answer to the event stored under `key` waits for settle() (see held_outcome)."""
        self._held.setdefault(key, asyncio.get_running_loop().create_future())

    def settle(self, key: str, *, again: bool) -> None:
        """The listener is done with the event under `key`; `again`: Slack should resend it."""
        waiting = self._held.get(key)
        if waiting is not None and not waiting.done():
            waiting.set_result(again)

    async def held_outcome(self, key: str, seconds: float) -> bool | None:
        """Wait at most `seconds` for settle(): whether to ask for the event again (None: no
        word in time, so the answer goes as it is).

        Bolt answers an event before its listener runs; holding that answer until the words
        are stored means a process killed in between leaves the event unanswered, and Slack
        sends it again (the event's id keeps it from being relayed twice).
        """
        waiting = self._held.get(key)
        if waiting is None:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), seconds)
        except TimeoutError:
            return None
        finally:
            self._held.pop(key, None)
