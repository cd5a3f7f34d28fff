"""After-filing timers fire together: one handler call for a second's filings, exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.delivery.scheduler import Scheduler, Together
from storage import timers
from storage.engine import Database
from storage.models import Timer

KIND = "after_filing"


async def test_timers_asked_for_within_a_second_fire_in_one_call_once_that_second_is_up(
    database: Database, clock: ManualClock
) -> None:
    calls: list[list[int]] = []
    called = asyncio.Event()

    async def read(session: AsyncSession, due: Sequence[Timer], now: dt.datetime) -> int:
        return len(due)

    async def together(
        session: AsyncSession, fired: Sequence[Timer], read_before: int, now: dt.datetime
    ) -> None:
        assert read_before == len(fired), "the read step saw the same timers first"
        calls.append(sorted(t.id for t in fired))
        called.set()

    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle([(KIND, Together(read=read, write=together))])
    scheduler.start()
    try:
        await asyncio.sleep(0.1)  # the first pass finds nothing and sleeps (30 s of clock)
        ids = []
        for _ in range(3):
            async with database.transaction() as session:
                timer = await timers.schedule(
                    session, kind=KIND, due_at=clock.now(), now=clock.now()
                )
                await session.flush()
                ids.append(timer.id)
            scheduler.wake_by(1.0)
        await asyncio.sleep(0.2)
        assert calls == [], "nothing before the second is up: the filings are batched"

        await clock.advance(dt.timedelta(seconds=1))
        await asyncio.wait_for(called.wait(), timeout=10)
        assert calls == [sorted(ids)], "one call with all three"
        await clock.advance(dt.timedelta(seconds=60))
        await asyncio.sleep(0.1)
        assert calls == [sorted(ids)], "each fired once"
    finally:
        await scheduler.stop()


async def test_a_failing_batch_falls_back_to_one_at_a_time_and_keeps_the_others(
    database: Database, clock: ManualClock
) -> None:
    calls: list[list[int]] = []

    async def read(session: AsyncSession, due: Sequence[Timer], now: dt.datetime) -> None:
        return None

    async def together(
        session: AsyncSession, fired: Sequence[Timer], _found: None, now: dt.datetime
    ) -> None:
        if any(t.data.get("bad") for t in fired):
            raise RuntimeError("one bad request")
        calls.append([t.id for t in fired])

    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle([(KIND, Together(read=read, write=together))])
    async with database.transaction() as session:
        good = await timers.schedule(session, kind=KIND, due_at=clock.now(), now=clock.now())
        bad = await timers.schedule(
            session, kind=KIND, due_at=clock.now(), now=clock.now(), data={"bad": True}
        )
        other = await timers.schedule(session, kind=KIND, due_at=clock.now(), now=clock.now())
        await session.flush()
    assert await scheduler.run_pass() == 2
    assert calls == [[good.id], [other.id]]
    async with database.reading() as session:
        [kept] = list(await timers.due(session, now=clock.now() + dt.timedelta(hours=1), limit=10))
    assert kept.id == bad.id and kept.attempts == 1, "the bad one waits to be tried again"
