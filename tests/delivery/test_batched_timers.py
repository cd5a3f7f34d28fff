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


async def test_filings_that_keep_coming_are_still_fired_a_second_at_a_time(
    database: Database, clock: ManualClock
) -> None:
    """Under steady filing the scheduler passes back to back: a pass must not take each
    commit's few timers on its own, or a busy shop pays the after-filing work per commit."""
    calls: list[list[int]] = []
    gather = dt.timedelta(seconds=1)

    async def read(session: AsyncSession, due: Sequence[Timer], now: dt.datetime) -> None:
        return None

    async def together(
        session: AsyncSession, fired: Sequence[Timer], _found: None, now: dt.datetime
    ) -> None:
        calls.append(sorted(t.id for t in fired))

    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle([(KIND, Together(read=read, write=together, gather=gather))])
    filed_at: dict[int, dt.datetime] = {}
    fired_at: dict[int, dt.datetime] = {}
    for _ in range(30):  # a filing every tenth of a second for three seconds
        async with database.transaction() as session:
            timer = await timers.schedule(
                session, kind=KIND, due_at=clock.now() + gather, now=clock.now()
            )
            await session.flush()
            filed_at[timer.id] = clock.now()
        before = len(calls)
        await scheduler.run_pass()  # the busy loop passes again as soon as a pass is done
        for batch in calls[before:]:
            fired_at.update(dict.fromkeys(batch, clock.now()))
        await clock.advance(dt.timedelta(seconds=0.1))
    assert [len(batch) for batch in calls] == [11, 11], "a second's filings at a time"
    assert all(fired_at[i] - filed_at[i] <= gather for i in fired_at), "none waits longer"

    assert await scheduler.drain() == 8, "draining fires the rest without waiting"
    assert sorted(i for batch in calls for i in batch) == sorted(filed_at), "each once"


async def test_a_gathering_kind_does_not_hold_back_other_timers(
    database: Database, clock: ManualClock
) -> None:
    fired: list[str] = []

    async def read(session: AsyncSession, due: Sequence[Timer], now: dt.datetime) -> None:
        return None

    async def together(
        session: AsyncSession, batch: Sequence[Timer], _found: None, now: dt.datetime
    ) -> None:
        fired.extend(t.kind for t in batch)

    async def plain(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        fired.append(timer.kind)

    gather = dt.timedelta(seconds=1)
    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle([("plain", plain), (KIND, Together(read=read, write=together, gather=gather))])
    async with database.transaction() as session:
        await timers.schedule(session, kind="plain", due_at=clock.now(), now=clock.now())
        await timers.schedule(session, kind=KIND, due_at=clock.now() + gather, now=clock.now())
    assert await scheduler.run_pass() == 1 and fired == ["plain"], "due now fires now"
    await clock.advance(gather)
    assert await scheduler.run_pass() == 1 and fired == ["plain", KIND], "then on time"
