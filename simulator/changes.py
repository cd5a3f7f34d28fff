"""Change notification so tests can await "the app did X" instead of sleeping."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from time import monotonic
from typing import Any

logger = logging.getLogger(__name__)


class SimulatorTimeoutError(AssertionError):
    """An awaited condition did not come true in time (an assertion failure in tests)."""


class Changes:
    """Wakes waiters whenever the simulator's state changes (API call, delivery, ack)."""

    def __init__(self) -> None:
        """Start with no waiters."""
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        """Wake everyone waiting for a change."""
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait_until(
        self, predicate: Callable[[], object], *, within: float, what: str = "condition"
    ) -> None:
        """Return once `predicate()` is truthy; raise SimulatorTimeoutError after `within` s."""
        deadline = monotonic() + within
        while not predicate():
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise SimulatorTimeoutError(f"timed out after {within:.1f}s waiting for {what}")
            if self._event is None:
                self._event = asyncio.Event()
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), timeout=remaining)
            except TimeoutError:
                continue


class Background:
    """Tasks the simulator starts on its own (event echoes, late HTTP answers)."""

    def __init__(self) -> None:
        """Start with no tasks."""
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run `coro` in the background, keeping a reference until it finishes."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("simulator background task failed", exc_info=task.exception())

    async def drain(self, within: float) -> None:
        """Wait (up to `within` real seconds) for running background tasks to finish."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)

    async def idle(self) -> None:
        """Wait until every background task, including ones started meanwhile, has finished."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def cancel_all(self) -> None:
        """Cancel whatever is still running and wait for it to stop."""
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
