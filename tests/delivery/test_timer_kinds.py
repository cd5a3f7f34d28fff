"""Every kind of timer has its handler before anything fires; a stored kind nobody handles is
kept for an operator; timers of one request due together fire in the declared order."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.wiring import build_runtime
from bot.clock import ManualClock
from bot.delivery.scheduler import Scheduler, UnhandledTimerKinds
from bot.domain.timers import TimerKind
from bot.settings import load_settings
from storage import timers
from storage.engine import Database
from storage.models import Timer
from tests.conftest import EXAMPLE_CATALOGUE


async def nothing(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
    """A handler with nothing to do."""


async def test_the_scheduler_refuses_to_start_while_a_kind_has_no_handler(
    database: Database, clock: ManualClock
) -> None:
    scheduler = Scheduler(
        database=database, clock=clock, committed=lambda: None, kinds=("reminder", "expiry")
    )
    scheduler.handle([("reminder", nothing)])

    with pytest.raises(UnhandledTimerKinds, match="expiry"):
        scheduler.start()

    with pytest.raises(ValueError, match="twice"):
        scheduler.handle([("reminder", nothing)])
    with pytest.raises(ValueError, match="not one this scheduler expects"):
        scheduler.handle([("remindr", nothing)])


async def test_liaison_handles_every_kind_of_timer_once(tmp_path: Path) -> None:
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_signing_secret="secret",
        database_url=f"sqlite+aiosqlite:///{tmp_path}/liaison.db",
        triage_channel="C0TRIAGE",
        catalogue_file=str(EXAMPLE_CATALOGUE),
    )
    runtime = await build_runtime(settings)  # it checks the scheduler before returning
    try:
        runtime.scheduler.check()
        assert sorted(runtime.scheduler.handled) == sorted(TimerKind)
    finally:
        await runtime.http.close()
        await runtime.database.dispose()


async def test_a_stored_timer_of_a_kind_nobody_handles_is_parked_with_one_log_line(
    database: Database, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    fired: list[str] = []

    async def known(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        fired.append(timer.kind)

    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None, kinds=("known",))
    scheduler.handle([("known", known)])
    now = clock.now()
    async with database.transaction() as session:
        await timers.schedule(session, kind="retired", due_at=now, now=now)
        await timers.schedule(session, kind="known", due_at=now, now=now)
    caplog.set_level(logging.INFO, logger="bot.delivery.scheduler")

    for _ in range(3):
        await scheduler.run_pass()
        await clock.advance(60)

    assert fired == ["known"], "the rest still fire"
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.delivery.scheduler"]
    assert len(lines) == 1 and "parked" in lines[0] and "kind=retired" in lines[0]
    async with database.reading() as session:
        [parked] = await timers.pending(session)
        assert await timers.parked_count(session) == 1
    assert parked.kind == "retired" and parked.parked_at is not None
    assert parked.last_error == "no handler for timer kind 'retired'"
    assert await scheduler.next_due() is None, "a parked timer wakes nobody"


async def test_one_subject_s_timers_due_together_fire_in_the_table_s_order(
    database: Database, clock: ManualClock
) -> None:
    fired: list[tuple[int | None, str]] = []

    async def note(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        fired.append((timer.outage_id, timer.kind))

    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None)
    scheduler.handle([("first", note), ("second", note), ("third", note)])
    now = clock.now()
    async with database.transaction() as session:
        # Set in another order than the table's, and interleaved with another outage's.
        for outage, kind in ((1, "third"), (2, "second"), (1, "first"), (1, "second")):
            await timers.schedule(session, kind=kind, due_at=now, now=now, outage_id=outage)
            await session.flush()

    await scheduler.run_pass()

    # Outage 1 keeps the places its timers held (first, third, fourth), filled in table order.
    assert fired == [(1, "first"), (2, "second"), (1, "second"), (1, "third")]
