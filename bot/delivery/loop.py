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
        self._nudge = asyncio.Event()  # an earlier look was asked for (wake_by)
        self._look_by: dt.datetime | None = None
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look for work now."""
        self._wake.set()

    def wake_by(self, seconds: float) -> None:
        """Look for work within `seconds` (Clock time), sooner if the loop was going to anyway.

        For work that is due now but gains nothing from a pass of its own: everything asked
        for within the same second is then done in one pass.
        """
        moment = self._clock.now() + dt.timedelta(seconds=seconds)
        if self._look_by is None or moment < self._look_by:
            self._look_by = moment
            self._nudge.set()

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
            self._look_by = None  # this pass looks; a wake_by from now on asks for the next
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
        """Sleep `delay` seconds, less if woken or if wake_by asks for an earlier look."""
        until = self._clock.now() + dt.timedelta(seconds=delay)
        while not (self._stopping or self._wake.is_set()):
            if self._look_by is not None:
                until = min(until, self._look_by)
            remaining = (until - self._clock.now()).total_seconds()
            if remaining <= 0:
                return
            self._nudge.clear()
            sleeper = asyncio.ensure_future(self._clock.sleep(remaining))
            waker = asyncio.ensure_future(self._wake.wait())
            nudger = asyncio.ensure_future(self._nudge.wait())
            try:
                done, _ = await asyncio.wait(
                    {sleeper, waker, nudger}, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for waiting in (sleeper, waker, nudger):
                    waiting.cancel()
            if sleeper in done:
                return
