"""The one clock: every service, job and simulator asks it for the time."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Protocol

UTC = dt.UTC


class Clock(Protocol):
    """Source of aware UTC time and of waiting, injectable so tests can move time."""

    def now(self) -> dt.datetime:
        """Return the current time as an aware UTC datetime."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait until `seconds` of this clock's time have passed."""
        ...


class SystemClock:
    """The wall clock, for production."""

    def now(self) -> dt.datetime:
        """Return the wall-clock time in UTC."""
        return dt.datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that moves only when told to; sleepers wake when time passes their deadline."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        """Start at `start` (aware), or at a fixed Monday morning so tests are repeatable."""
        self._now = start or dt.datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._changed = asyncio.Condition()

    def now(self) -> dt.datetime:
        """Return the simulated time."""
        return self._now

    def timestamp(self) -> float:
        """Return the simulated time as epoch seconds (for the Slack simulator)."""
        return self._now.timestamp()

    async def sleep(self, seconds: float) -> None:
        """Wait until the clock has been advanced past now + seconds."""
        deadline = self._now + dt.timedelta(seconds=max(0.0, seconds))
        async with self._changed:
            await self._changed.wait_for(lambda: self._now >= deadline)

    async def advance(self, delta: dt.timedelta | float) -> None:
        """Move time forward and wake every sleeper whose deadline has come."""
        if not isinstance(delta, dt.timedelta):
            delta = dt.timedelta(seconds=delta)
        if delta < dt.timedelta(0):
            raise ValueError("time does not run backwards")
        await self.set(self._now + delta)

    async def set(self, when: dt.datetime) -> None:
        """Jump to `when` (aware); used by the demo and sandbox to skip ahead."""
        self._now = when.astimezone(UTC)
        async with self._changed:
            self._changed.notify_all()
        # Let woken sleepers run before the caller goes on.
        await asyncio.sleep(0)


def monotonic() -> float:
    """Real elapsed-time source for latency measurements, never for business time."""
    return time.monotonic()


def signing_time() -> float:
    """Real epoch seconds, for Slack's request signatures, which are stamped in real time."""
    return time.time()
