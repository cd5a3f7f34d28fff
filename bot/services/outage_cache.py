"""The live outages as last read, so opening the request form needs no database round trip."""

from __future__ import annotations

from collections.abc import Callable

from bot.clock import monotonic
from bot.domain.outage import OutageSummary
from storage import outages
from storage.engine import Database
from storage.models import Outage

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
        self._reading = False
        self._generation = 0  # moves on each forget(), so a read begun before it is not kept

    def forget(self) -> None:
        """An outage changed here: the next form reads the database again."""
        self._live = None
        self._generation += 1

    async def live(self) -> tuple[OutageSummary, ...]:
        """Every live outage and maintenance window, from memory while the read is fresh.

        When it goes stale one caller reads again; the others meanwhile keep the last answer
        rather than all queueing for the database at once.
        """
        known = self._live
        fresh = known is not None and self._elapsed() - self._read_at <= self._seconds
        if known is not None and (fresh or self._reading):
            return known
        self._reading, generation = True, self._generation
        try:
            async with self._db.reading() as session:
                rows = await outages.list_live(session)
            read = tuple(self._summarise(r) for r in rows)
        finally:
            self._reading = False
        if generation == self._generation:
            self._live, self._read_at = read, self._elapsed()
        return read
