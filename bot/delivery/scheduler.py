"""The scheduler: fires due timers from the database, each exactly once, driven by the Clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.delivery.loop import BackgroundLoop
from storage import requests, timers
from storage.engine import Database
from storage.leader import Leadership
from storage.models import Timer
from storage.retrying import retrying

logger = logging.getLogger(__name__)
CHUNK = 50  # timers fired per transaction; a failing one sends its chunk to one-by-one
RETRY_BASE = dt.timedelta(seconds=30)  # a failing timer is tried again after 30 s, 60 s, ...
MAX_TRIES = 5  # ... and parked after this many failures, for an operator to look at
TimerHandler = Callable[[AsyncSession, Timer, dt.datetime], Awaitable[None]]


class Scheduler:
    """Finds due timers by index and runs each one's handler in the transaction that fires it."""

    def __init__(
        self,
        *,
        database: Database,
        clock: Clock,
        committed: Callable[[], None],
        batch: int = 500,
        idle_poll: float = 30.0,
        leadership: Leadership | None = None,
    ) -> None:
        """`committed` wakes the outbox after timers have queued messages.

        Periodic jobs run only while `leadership` says this replica leads (always without one);
        followers ask again every pass, at most `idle_poll` seconds apart, to take over.
        """
        self._db = database
        self._clock = clock
        self._committed = committed
        self._batch = batch
        self._idle_poll = idle_poll
        self._handlers: dict[str, TimerHandler] = {}
        self._periodic: list[Callable[[dt.datetime], Awaitable[int]]] = []
        self._wake_for: list[Callable[[dt.datetime], dt.datetime | None]] = []
        self._lock = asyncio.Lock()
        self._leadership = leadership
        self._leading = leadership is None
        self._skipped = False
        self.lag_seconds = 0.0
        self._loop = BackgroundLoop(
            name="scheduler",
            clock=clock,
            idle_poll=idle_poll,
            work=self.run_pass,
            next_due=self.next_due,
        )

    def on(self, kind: str, handler: TimerHandler) -> None:
        """Register what to do when a timer of `kind` falls due."""
        self._handlers[kind] = handler

    def every_pass(
        self,
        job: Callable[[dt.datetime], Awaitable[int]],
        *,
        next_due: Callable[[dt.datetime], dt.datetime | None] | None = None,
    ) -> None:
        """Register a job that checks, on every pass, for work that is due (e.g. digests).

        `next_due` says when the job will next have work, so the scheduler wakes for it on time.
        """
        self._periodic.append(job)
        if next_due is not None:
            self._wake_for.append(next_due)

    def wake(self) -> None:
        """New timers were committed; look again now."""
        self._loop.wake()

    async def run_pass(self) -> int:
        """Fire every timer due now (up to one batch) and run periodic jobs; returns the count."""
        async with self._lock:
            now = self._clock.now()
            self._skipped = False
            async with self._db.reading() as session:
                due = await timers.due(session, now=now, limit=self._batch)
            if due:
                self.lag_seconds = max(0.0, (now - due[0].due_at).total_seconds())
            fired = 0
            for start in range(0, len(due), CHUNK):
                fired += await self._fire_chunk(due[start : start + CHUNK], now)
            if self._periodic and self._leadership is not None:
                self._leading = await self._leadership.check()
            for job in self._periodic if self._leading else ():
                fired += await job(now)
            if fired:
                self._committed()
            return fired

    async def drain(self, *, max_passes: int = 1000) -> int:
        """Fire everything due now, including timers created by other timers."""
        total = 0
        for _ in range(max_passes):
            fired = await self.run_pass()
            if not fired:
                break
            total += fired
        return total

    async def _fire_chunk(self, chunk: Sequence[Timer], now: dt.datetime) -> int:
        """Fire a chunk in one transaction; if any handler fails, fire them one by one."""
        if len(chunk) > 1:
            try:
                return await retrying(lambda: self._fire_together(chunk, now))
            except Exception:
                logger.warning("a timer in a chunk failed; firing the chunk one by one")
        fired = 0
        for timer in chunk:
            try:
                fired += await retrying(partial(self._fire_together, [timer], now))
            except Exception as exc:
                # Rolled back: the timer stays pending, tried again later and later, then parked.
                await self._failed(timer, exc, now)
        return fired

    async def _fire_together(self, chunk: Sequence[Timer], now: dt.datetime) -> int:
        async with self._db.transaction() as session:
            return sum([await self._fire_in(session, timer, now) for timer in chunk])

    async def _failed(self, timer: Timer, exc: Exception, now: dt.datetime) -> None:
        """Back the timer off exponentially; park it after MAX_TRIES. One log line per try."""
        tries = timer.attempts + 1
        retry_at = None if tries >= MAX_TRIES else now + RETRY_BASE * 2**timer.attempts
        error = f"{type(exc).__name__}: {exc}"
        async with self._db.transaction() as session:
            await timers.record_failure(
                session, timer_id=timer.id, error=error, retry_at=retry_at, now=now
            )
        if retry_at is None:
            logger.error(
                "timer parked after %s failures kind=%s id=%s error=%s",
                tries,
                timer.kind,
                timer.id,
                error,
                exc_info=exc,
            )
        else:
            logger.warning(
                "timer failed kind=%s id=%s try=%s/%s retry_at=%s error=%s",
                timer.kind,
                timer.id,
                tries,
                MAX_TRIES,
                retry_at.isoformat(),
                error,
            )

    async def _fire_in(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> int:
        # The request first, then its timer: the order every change to a request locks in. A
        # request someone is changing right now is not waited for: its timer fires next pass.
        if timer.request_id is not None and not await requests.lock(
            session, request_id=timer.request_id, skip_locked=True
        ):
            self._skipped = True
            return 0
        if not await timers.fire(session, timer_id=timer.id, now=now):
            return 0  # another replica or pass fired it
        handler = self._handlers.get(timer.kind)
        if handler is None:
            logger.error("no handler for timer kind=%s id=%s", timer.kind, timer.id)
            return 1
        await handler(session, timer, now)
        return 1

    def start(self) -> None:
        """Run the scheduler in the background."""
        self._loop.start()

    async def stop(self) -> None:
        """Stop after the current pass; pending timers stay in the database for the next start."""
        await self._loop.stop()

    async def resign(self) -> None:
        """Let another replica run the periodic jobs (at shutdown)."""
        if self._leadership is not None:
            await self._leadership.release()
        self._leading = self._leadership is None

    async def next_due(self) -> dt.datetime | None:
        """When the earliest pending timer or periodic job falls due (None when none will)."""
        async with self._db.reading() as session:
            due = await timers.next_due_at(session)
        now = self._clock.now()
        wake_for = self._wake_for if self._leading else []
        moments = [m for m in (f(now) for f in wake_for) if m is not None]
        earliest = min([*moments, due] if due is not None else moments, default=None)
        if earliest is not None and self._skipped:
            # A timer was left to the replica changing its request: look again in a second.
            return max(earliest, now + dt.timedelta(seconds=1))
        return earliest
