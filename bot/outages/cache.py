"""The live outages as last read, so opening the request form needs no database round trip."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.clock import monotonic
from bot.domain.outage import OutageSummary
from storage import outages
from storage.engine import Database
from storage.models import Outage

logger = logging.getLogger(__name__)
# Real seconds a read stays good. This process forgets it at once when it changes an outage;
# another replica's declaration reaches this one's form banner within this time.
LIVE_SECONDS = 10.0


class LiveOutages:
    """Declared and scheduled outages, read at most every LIVE_SECONDS (the form asks often)."""

    def __init__(
        self,
        *,
        database: Database,
        summarise: Callable[[Outage], OutageSummary],
        seconds: float = LIVE_SECONDS,
        elapsed: Callable[[], float] = monotonic,
    ) -> None:
        """`summarise` turns a row into what the banner shows."""
        self._db = database
        self._summarise = summarise
        self._seconds = seconds
        self._elapsed = elapsed
        self._live: tuple[OutageSummary, ...] | None = None
        self._read_at = 0.0
        self._reading: asyncio.Task[tuple[OutageSummary, ...]] | None = None
        self._generation = 0  # moves on each forget(), so a read begun before it is not kept

    def forget(self) -> None:
        """An outage changed here: the next form reads the database again."""
        self._live = None
        self._generation += 1

    async def live(self) -> tuple[OutageSummary, ...]:
        """Every live outage and maintenance window, from memory whenever there is an answer.

        A stale answer is still returned at once while one read refreshes it in the
        background; only after forget() (or at first) does a caller wait for the database.
        The read runs in its own task, so a caller that stops waiting never cuts it off.
        """
        known = self._live
        if known is not None:
            if self._elapsed() - self._read_at > self._seconds:
                self._read_soon()
            return known
        return await asyncio.shield(self._read_soon())

    def _read_soon(self) -> asyncio.Task[tuple[OutageSummary, ...]]:
        if self._reading is None or self._reading.done():
            self._reading = asyncio.create_task(self._read(self._generation))
            self._reading.add_done_callback(_log_failure)
        return self._reading

    async def _read(self, generation: int) -> tuple[OutageSummary, ...]:
        async with self._db.reading() as session:
            rows = await outages.list_live(session)
        read = tuple(self._summarise(r) for r in rows)
        if generation == self._generation:
            self._live, self._read_at = read, self._elapsed()
        return read


def _log_failure(task: asyncio.Task[tuple[OutageSummary, ...]]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("could not read the live outages: %r", task.exception())
