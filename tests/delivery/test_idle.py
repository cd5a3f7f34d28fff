"""An idle Liaison stays idle: messages it cannot send and timers that fail cost no CPU.

The one measurement here runs the real loops on the real clock for WINDOW seconds (kept
short for CI) and reads the process's CPU time; everything else in this suite moves a
ManualClock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import SystemClock
from bot.delivery.scheduler import Scheduler
from storage import timers
from storage.models import Timer
from tests.delivery.helpers import delivery

WINDOW = 6.0  # seconds measured; Slack's Retry-After below outlasts it
IDLE_SHARE = 0.02  # of one core


async def test_idle_liaison_with_undeliverable_and_rate_limited_messages_uses_no_cpu(
    sqlite_url: str,
) -> None:
    clock = SystemClock()
    async with delivery(sqlite_url, clock, timestamp=lambda: clock.now().timestamp()) as d:
        # A card for a channel Liaison was removed from, then a partner's reply queued under it.
        card = await d.queue("req:1:card", "card", channel="C0GONE", role="card")
        await d.dispatcher.run_pass()
        reply = await d.queue("req:1:card", "reply", parent_id=card, parent_field="thread_ts")
        # Slack answers 429 for longer than the window, with three messages queued.
        d.slack.faults.add("chat.postMessage", status=429, retry_after=30, times=None)
        for key, text in (("req:2", "one"), ("req:2", "two"), ("req:3", "three")):
            await d.queue(key, text)
        handler_calls: list[dt.datetime] = []

        async def broken(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
            handler_calls.append(now)
            raise RuntimeError("handler bug")

        scheduler = Scheduler(database=d.database, clock=clock, committed=d.dispatcher.wake)
        scheduler.handle([("broken", broken)])
        async with d.database.transaction() as session:
            await timers.schedule(session, kind="broken", due_at=clock.now(), now=clock.now())
        d.dispatcher.start()
        scheduler.start()
        await asyncio.sleep(0.5)  # the first passes: 429s recorded, the timer fails once
        await d.queue("req:4", "four")  # due now, but its method is held off for 30 s
        d.dispatcher.wake()
        await asyncio.sleep(0.2)
        posts_before = len(d.slack.calls_to("chat.postMessage"))
        # The event loop's own thread, where a spinning dispatcher or scheduler burns its CPU;
        # other threads of the test process (left by earlier tests) are not Liaison's.
        started = time.thread_time()
        await asyncio.sleep(WINDOW)
        used = time.thread_time() - started
        await scheduler.stop()
        assert await d.status(reply) == ("failed", f"parent message {card} failed")
        assert len(d.slack.calls_to("chat.postMessage")) == posts_before
    assert posts_before == 3  # the card (refused), then one 429 for each conversation's head
    assert len(handler_calls) == 1  # tried again 30 s later, not on every pass
    assert used < IDLE_SHARE * WINDOW, f"{used:.3f} s of CPU in {WINDOW} s while idle"
