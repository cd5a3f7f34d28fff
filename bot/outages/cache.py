"""The live outages as last read, so opening the request form needs no database round trip."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import monotonic
from bot.domain.outage import OutageSummary
from bot.records.live import LIVE_SECONDS, LiveRead
from storage import outages
from storage.engine import Database
from storage.models import Outage

__all__ = ["LIVE_SECONDS", "LiveOutages"]


class LiveOutages(LiveRead[tuple[OutageSummary, ...]]):
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

        async def read(session: AsyncSession) -> tuple[OutageSummary, ...]:
            return tuple(summarise(r) for r in await outages.list_live(session))

        super().__init__(
            database=database, read=read, what="the live outages", seconds=seconds, elapsed=elapsed
        )

    async def live(self) -> tuple[OutageSummary, ...]:
        """Every live outage and maintenance window (see LiveRead.get)."""
        return await self.get()
