"""The scheduler: fires due timers from the database, each exactly once, driven by the Clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

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
Found = TypeVar("Found")


@dataclass(frozen=True)
class Together(Generic[Found]):
    """A handler that takes every due timer of its kind in a chunk at once, in two steps.

    For work done after every filing: one read for a few seconds' requests, not one each.
    `read` runs first, in a read transaction of its own, so searching never holds SQLite's
    one writer; `write` then runs in the transaction that fires the timers, with what `read`
    found (which may be a moment old). All of a pass's timers of the kind fire in one such
    transaction, after the pass's other timers, without locking their request (the handler
    must not change the request row); if it fails, they fall back to one at a time like any
    other.
    """

    read: Callable[[AsyncSession, Sequence[Timer], dt.datetime], Awaitable[Found]]
    write: Callable[[AsyncSession, Sequence[Timer], Found, dt.datetime], Awaitable[None]]
    # Once one timer of this kind is due, those due within `gather` after it fire with it, so
    # timers set `gather` ahead by work that keeps arriving fire in passes that far apart.
    gather: dt.timedelta = dt.timedelta()


TimerTable = Sequence[tuple[str, TimerHandler | Together[Any]]]
"""Each kind of timer and its handler; timers of one subject due together fire in this order."""


class UnhandledTimerKinds(RuntimeError):
    """The scheduler was asked to run while some kinds of timer had nothing to handle them."""


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
        kinds: Iterable[str] = (),
    ) -> None:
        """`committed` wakes the outbox after timers have queued messages.

        Periodic jobs run only while `leadership` says this replica leads (always without one);
        followers ask again every pass, at most `idle_poll` seconds apart, to take over.
        `kinds` are the timer kinds that must have a handler before the scheduler starts.
        """
        self._db = database
        self._clock = clock
        self._committed = committed
        self._batch = batch
        self._idle_poll = idle_poll
        self._kinds = frozenset(kinds)
        self._handlers: dict[str, TimerHandler | Together[Any]] = {}
        self._rank: dict[str, int] = {}
        self._gather = dt.timedelta()  # the widest window of a kind of timer that gathers
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

    def handle(self, table: TimerTable) -> None:
        """Learn what each kind of timer does, and which fires first when several fall due.

        Timers of one request (or outage) due at the same moment fire in the table's order;
        how different requests' timers interleave stays the order they were set in.
        """
        for kind, handler in table:
            if kind in self._handlers:
                raise ValueError(f"timer kind {kind!r} is handled twice")
            if self._kinds and kind not in self._kinds:
                raise ValueError(f"timer kind {kind!r} is not one this scheduler expects")
            self._handlers[kind] = handler
            self._rank[kind] = len(self._rank)
            if isinstance(handler, Together):  # a pass looks this far ahead for them
                self._gather = max(self._gather, handler.gather)

    @property
    def handled(self) -> tuple[str, ...]:
        """The kinds of timer this scheduler can fire, in firing order."""
        return tuple(self._rank)

    def check(self) -> None:
        """Refuse to run while a kind of timer this scheduler expects has no handler."""
        missing = sorted(self._kinds - self._handlers.keys())
        if missing:
            raise UnhandledTimerKinds(f"no handler for timer kinds: {', '.join(missing)}")

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

    def wake_by(self, seconds: float) -> None:
        """Timers were committed that fall due within `seconds`: look by then at the latest
        (the loop may be asleep until a later timer), then fire them with those due with them."""
        self._loop.wake_by(seconds)

    async def run_pass(self, *, eager: bool = False) -> int:
        """Fire every timer due now (up to one batch) and run periodic jobs; returns the count.

        Timers of a kind that gathers fire with the first one due, and `eager` fires them all
        without waiting for one to fall due (to drain).
        """
        async with self._lock:
            now = self._clock.now()
            self._skipped = False
            async with self._db.reading() as session:
                due = await timers.due(session, now=now + self._gather, limit=self._batch)
            due = self._ready(due, now, eager=eager)
            if due:
                self.lag_seconds = max(0.0, (now - due[0].due_at).total_seconds())
                due = firing_order(due, self._rank)
            fired = 0
            for chunk in self._chunks(due):
                fired += await self._fire_chunk(chunk, now)
            if self._periodic and self._leadership is not None:
                self._leading = await self._leadership.check()
            for job in self._periodic if self._leading else ():
                fired += await job(now)
            if fired:
                self._committed()
            return fired

    async def drain(self, *, max_passes: int = 1000) -> int:
        """Fire everything due now and every gathering timer, including timers set by timers."""
        total = 0
        for _ in range(max_passes):
            fired = await self.run_pass(eager=True)
            if not fired:
                break
            total += fired
        return total

    def _ready(self, due: Sequence[Timer], now: dt.datetime, *, eager: bool) -> list[Timer]:
        """Of the timers due by now + gather: those due now, and each gathering kind's lot
        once one of them is due (or at once when `eager`), up to its own window."""
        gathering = {
            t.kind
            for t in due
            if isinstance(self._handlers.get(t.kind), Together) and (eager or t.due_at <= now)
        }
        return [
            t
            for t in due
            if t.due_at <= now
            or (t.kind in gathering and t.due_at <= now + self._together(t.kind).gather)
        ]

    def _chunks(self, due: Sequence[Timer]) -> list[Sequence[Timer]]:
        """Other timers CHUNK at a time, then each gathering kind's timers all in one chunk:
        their handler's statements are paid once for the lot, however many there are."""
        plain = [t for t in due if not isinstance(self._handlers.get(t.kind), Together)]
        gathered: defaultdict[str, list[Timer]] = defaultdict(list)
        for timer in due:
            if isinstance(self._handlers.get(timer.kind), Together):
                gathered[timer.kind].append(timer)
        return [
            *(plain[start : start + CHUNK] for start in range(0, len(plain), CHUNK)),
            *gathered.values(),
        ]

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
        parked: list[Timer] = []
        grouped: defaultdict[str, list[Timer]] = defaultdict(list)
        for timer in chunk:
            if isinstance(self._handlers.get(timer.kind), Together):
                grouped[timer.kind].append(timer)
        found: dict[str, Any] = {}
        for kind, group in grouped.items():  # before the writer is taken
            async with self._db.reading() as session:
                found[kind] = await self._together(kind).read(session, group, now)
        async with self._db.transaction() as session:
            fired = 0
            for timer in chunk:
                if timer.kind not in grouped:
                    fired += await self._fire_in(session, timer, now, parked)
            for kind, group in grouped.items():
                fired += await self._fire_group(session, kind, group, found[kind], now)
        for timer in parked:  # said once, after the commit that parked it
            logger.error("timer parked: no handler for kind=%s id=%s", timer.kind, timer.id)
        return fired

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

    async def _fire_group(
        self,
        session: AsyncSession,
        kind: str,
        group: Sequence[Timer],
        found: Any,
        now: dt.datetime,
    ) -> int:
        owned = await timers.fire_many(session, timer_ids=[t.id for t in group], now=now)
        mine = [t for t in group if t.id in owned]  # the others: another replica or pass
        if mine:
            await self._together(kind).write(session, mine, found, now)
        return len(mine)

    def _together(self, kind: str) -> Together[Any]:
        handler = self._handlers[kind]
        assert isinstance(handler, Together)
        return handler

    async def _fire_in(
        self, session: AsyncSession, timer: Timer, now: dt.datetime, parked: list[Timer]
    ) -> int:
        # The request first, then its timer: the order every change to a request locks in. A
        # request someone is changing right now is not waited for: its timer fires next pass.
        if timer.request_id is not None and not await requests.lock(
            session, request_id=timer.request_id, skip_locked=True
        ):
            self._skipped = True
            return 0
        handler = self._handlers.get(timer.kind)
        if handler is None:
            # A kind this version does not know (left by a newer one, or retired): keep it for
            # an operator rather than consume it, as a timer that keeps failing is kept.
            error = f"no handler for timer kind {timer.kind!r}"
            if await timers.record_failure(
                session, timer_id=timer.id, error=error, retry_at=None, now=now
            ):
                parked.append(timer)
            return 0
        if not await timers.fire(session, timer_id=timer.id, now=now):
            return 0  # another replica or pass fired it
        assert not isinstance(handler, Together)  # those fire in _fire_group
        await handler(session, timer, now)
        return 1

    def start(self) -> None:
        """Run the scheduler in the background, once every expected kind has its handler."""
        self.check()
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


def firing_order(due: Sequence[Timer], rank: dict[str, int]) -> list[Timer]:
    """Put each subject's timers due at one moment in the order of their kinds' rank.

    Every request (or outage) keeps the places its timers hold in `due`; only who fills them
    changes, so the interleaving of different subjects is untouched. Unranked kinds come last.
    """
    places: defaultdict[tuple[dt.datetime, str, int], list[int]] = defaultdict(list)
    for place, timer in enumerate(due):
        places[(timer.due_at, *_subject(timer))].append(place)
    ordered = list(due)
    for held in places.values():
        members = sorted((due[p] for p in held), key=lambda t: (rank.get(t.kind, len(rank)), t.id))
        for place, timer in zip(held, members, strict=True):
            ordered[place] = timer
    return ordered


def _subject(timer: Timer) -> tuple[str, int]:
    """What a timer is about: its request, else its outage, else itself."""
    if timer.request_id is not None:
        return "request", timer.request_id
    if timer.outage_id is not None:
        return "outage", timer.outage_id
    return "timer", timer.id
