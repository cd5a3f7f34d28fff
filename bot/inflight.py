"""Counts listener work still running after its ack, so shutdown and tests can wait for it."""

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
