"""A database read kept in memory for a few seconds: asked on every form, changed rarely.

The request form's outage banner and the confirmation's word about other reports both want to
know what is going on right now without a database round trip in front of the person. Each
replica keeps its last answer; it forgets it at once when it changes the thing itself, and
learns of another replica's change within `LIVE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import monotonic
from storage.engine import Database

logger = logging.getLogger(__name__)
# Real seconds a read stays good: another replica's change reaches this one within this time.
LIVE_SECONDS = 10.0
T = TypeVar("T")


class LiveRead(Generic[T]):
    """One read's latest answer, refreshed in the background once it is older than `seconds`."""

    def __init__(
        self,
        *,
        database: Database,
        read: Callable[[AsyncSession], Awaitable[T]],
        what: str,
        seconds: float = LIVE_SECONDS,
        elapsed: Callable[[], float] = monotonic,
    ) -> None:
        """`read` runs in its own read transaction; `what` names it in the log if it fails."""
        self._db = database
        self._read_one = read
        self._what = what
        self._seconds = seconds
        self._elapsed = elapsed
        self._known: tuple[T] | None = None  # a 1-tuple, so a falsy answer still counts
        self._read_at = 0.0
        self._reading: asyncio.Task[T] | None = None
        self._generation = 0  # moves on each forget(), so a read begun before it is not kept

    def forget(self) -> None:
        """This process changed what the read sees: the next question reads the database."""
        self._known = None
        self._generation += 1

    def forget_after_commit(self, session: AsyncSession) -> None:
        """A change in `session` alters what the read sees: forget now and once it commits.

        Forgetting only now would let a read that runs before the commit keep the old answer
        for `seconds`.
        """
        self.forget()
        event.listen(session.sync_session, "after_commit", self._forget_on_commit, once=True)

    def _forget_on_commit(self, _session: object) -> None:
        self.forget()

    async def get(self) -> T:
        """The answer from memory whenever there is one; at first, or after forget(), waits.

        A stale answer is still returned at once while one read refreshes it in the
        background. The read runs in its own task, so a caller that stops waiting never cuts
        it off.
        """
        known = self.known()
        if known is not None:
            return known[0]
        return await asyncio.shield(self._read_soon())

    def known(self) -> tuple[T] | None:
        """The answer in memory, never waiting: None (and a read begun) if there is none yet."""
        if self._known is None or self._elapsed() - self._read_at > self._seconds:
            self._read_soon()
        return self._known

    def _read_soon(self) -> asyncio.Task[T]:
        if self._reading is None or self._reading.done():
            self._reading = asyncio.create_task(self._read(self._generation))
            self._reading.add_done_callback(self._log_failure)
        return self._reading

    async def _read(self, generation: int) -> T:
        async with self._db.reading() as session:
            answer = await self._read_one(session)
        if generation == self._generation:
            self._known, self._read_at = (answer,), self._elapsed()
        return answer

    def _log_failure(self, task: asyncio.Task[T]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.warning("could not read %s: %r", self._what, task.exception())
