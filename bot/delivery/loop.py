"""A background loop that works in passes and sleeps on the Clock until woken or work is due."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from bot.clock import Clock

logger = logging.getLogger(__name__)


class BackgroundLoop:
    """Runs `work` until it reports nothing done, then sleeps; stops between passes only."""

    def __init__(
        self,
        *,
        name: str,
        clock: Clock,
        idle_poll: float,
        work: Callable[[], Awaitable[int]],
        next_due: Callable[[], Awaitable[dt.datetime | None]],
    ) -> None:
        """`next_due` says when work will next be due, so the loop sleeps no longer than needed."""
        self._name = name
        self._clock = clock
        self._idle_poll = idle_poll
        self._work = work
        self._next_due = next_due
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look for work now."""
        self._wake.set()

    def start(self) -> None:
        """Run the loop as a background task."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        """Let the current pass finish (a database call is never cut off), then end the loop."""
        if self._task is not None:
            self._stopping = True
            self._wake.set()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                if await self._work():
                    continue
                delay = await self._delay()
            except Exception:
                logger.exception("%s pass failed; trying again in %ss", self._name, self._idle_poll)
                delay = self._idle_poll
            await self._sleep(delay)

    async def _delay(self) -> float:
        due = await self._next_due()
        if due is None:
            return self._idle_poll
        return min(self._idle_poll, max(0.0, (due - self._clock.now()).total_seconds()))

    async def _sleep(self, delay: float) -> None:
        if self._stopping or self._wake.is_set():
            return
        sleeper = asyncio.ensure_future(self._clock.sleep(delay))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()
