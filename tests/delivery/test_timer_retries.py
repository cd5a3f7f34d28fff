"""A timer whose handler keeps failing is tried later and later, then parked and reported."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.delivery.scheduler import MAX_TRIES, Scheduler
from bot.observability.metrics import Metrics
from storage import timers
from storage.engine import Database
from storage.models import Timer


async def test_a_failing_timer_backs_off_then_is_parked_and_counted(
    database: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    tried: list[dt.datetime] = []

    async def broken(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        tried.append(now)
        raise RuntimeError("handler bug")

    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle([("broken", broken)])
    start = clock.now()
    async with database.transaction() as session:
        await timers.schedule(session, kind="broken", due_at=start, now=start)
    caplog.set_level(logging.WARNING, logger="bot.delivery.scheduler")
    for _ in range(40):  # 40 passes over 20 minutes: far more than the tries allowed
        await scheduler.run_pass()
        await clock.advance(30)
    offsets = [(t - start).total_seconds() for t in tried]
    assert offsets == [0, 30, 90, 210, 450]  # 30 s, then doubling
    assert len(tried) == MAX_TRIES
    lines = [r for r in caplog.records if r.name == "bot.delivery.scheduler"]
    assert len(lines) == MAX_TRIES  # one line a try, not one a pass
    assert "parked" in lines[-1].getMessage() and lines[-1].exc_info is not None
    assert await scheduler.next_due() is None  # a parked timer wakes nobody
    metrics = Metrics(database=database, clock=clock)
    exposition = (await metrics.render(scheduler_lag=0.0)).decode()
    assert "liaison_timers_parked 1.0" in exposition
    async with database.reading() as session:
        [parked] = await timers.pending(session)
    assert parked.attempts == MAX_TRIES and parked.last_error == "RuntimeError: handler bug"


async def test_a_timer_that_recovers_fires_once(database: Database, clock: ManualClock) -> None:
    tried: list[dt.datetime] = []

    async def flaky(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        tried.append(now)
        if len(tried) == 1:
            raise RuntimeError("database hiccup")

    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle([("flaky", flaky)])
    async with database.transaction() as session:
        await timers.schedule(session, kind="flaky", due_at=clock.now(), now=clock.now())
    assert await scheduler.run_pass() == 0
    await clock.advance(29)
    assert await scheduler.run_pass() == 0
    await clock.advance(1)
    assert await scheduler.run_pass() == 1
    await clock.advance(600)
    assert await scheduler.run_pass() == 0
    assert len(tried) == 2
