"""Several Liaison replicas on one PostgreSQL database: no message twice, one leader, one number."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.catalogue import load_catalogue
from bot.clock import ManualClock
from bot.delivery.scheduler import Scheduler
from bot.intake.filing import IntakeService, RequestForm
from storage.engine import Database
from storage.leader import PERIODIC_JOBS_KEY, Leadership
from storage.migrate import current_revision, head_revision, upgrade_to_head
from tests import databases
from tests.conftest import EXAMPLE_CATALOGUE
from tests.delivery.helpers import TRIAGE, Delivery, delivery, seconds

pytestmark = pytest.mark.postgres


@pytest.fixture
async def shared(postgres_url: str, clock: ManualClock) -> AsyncIterator[Delivery]:
    """One simulated Slack and one PostgreSQL database for every replica of a test."""
    async with delivery(postgres_url, clock, timestamp=clock.timestamp) as d:
        yield d


async def test_two_replicas_send_each_message_once_and_each_conversation_in_order(
    shared: Delivery,
) -> None:
    queued = {f"req:{k}": [f"{k}-{i}" for i in range(6)] for k in range(5)}
    for i in range(6):
        for key, texts in queued.items():
            await shared.queue(key, texts[i])
    first, second = shared.dispatcher, shared.another_process()
    await asyncio.gather(first.drain(), second.drain(), first.drain(), second.drain())
    posted = [m.text for m in shared.slack.messages(TRIAGE)]
    assert sorted(posted) == sorted(t for texts in queued.values() for t in texts)
    for key, texts in queued.items():
        assert [t for t in posted if t.startswith(key.split(":")[1] + "-")] == texts


async def test_slacks_retry_after_holds_every_replica(shared: Delivery, clock: ManualClock) -> None:
    shared.slack.faults.add("chat.postMessage", status=429, retry_after=30, times=1)
    await shared.queue("req:1", "one")
    await shared.dispatcher.run_pass()  # this replica is told to wait 30 s
    await shared.queue("req:2", "two")
    other = shared.another_process()
    assert await other.run_pass() == 0  # the other replica holds off too
    await clock.advance(seconds(29))
    assert await other.run_pass() == 0
    assert len(shared.slack.calls_to("chat.postMessage")) == 1
    await clock.advance(seconds(1))
    await other.drain()
    assert sorted(m.text for m in shared.slack.messages(TRIAGE)) == ["one", "two"]


async def test_one_replica_runs_the_periodic_jobs_and_another_takes_over_when_it_dies(
    postgres_url: str, clock: ManualClock
) -> None:
    ran: list[str] = []
    replicas = []
    for name in ("a", "b"):
        database = Database(postgres_url)
        scheduler = Scheduler(
            database=database,
            clock=clock,
            committed=lambda: None,
            leadership=Leadership(database.read_engine, is_sqlite=False),
        )

        async def job(now: dt.datetime, name: str = name) -> int:
            ran.append(name)
            return 0

        scheduler.every_pass(job)
        replicas.append((database, scheduler))
    try:
        for _ in range(3):
            for _, scheduler in replicas:
                await scheduler.run_pass()
        assert ran == ["a", "a", "a"]
        await _terminate_lock_holder(postgres_url)  # the leader's connection dies
        ran.clear()
        for _ in range(2):  # the next pass of each (at most 30 s apart): b leads, a follows
            for _, scheduler in replicas:
                await scheduler.run_pass()
        assert ran == ["b", "b"]
    finally:
        for database, scheduler in replicas:
            await scheduler.resign()
            await database.dispose()


async def _terminate_lock_holder(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            killed = await connection.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND granted "
                    "AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND ((classid::bigint << 32) | objid::bigint) = :key"
                ),
                {"key": PERIODIC_JOBS_KEY},
            )
        assert killed == 1
    finally:
        await engine.dispose()


async def test_replicas_starting_together_migrate_once() -> None:
    admin = databases.postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL skipped: no server (set TEST_POSTGRES_URL to run these)")
    name = f"liaison_race_{uuid.uuid4().hex[:10]}"
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        reached = await asyncio.gather(*(upgrade_to_head(url) for _ in range(3)))
        assert reached == [head_revision()] * 3
        assert await current_revision(url) == head_revision()
    finally:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await engine.dispose()


async def test_request_numbers_stay_unique_and_gapless_when_two_replicas_file_at_once(
    postgres_url: str, clock: ManualClock
) -> None:
    catalogue = load_catalogue(EXAMPLE_CATALOGUE)
    replicas = [Database(postgres_url) for _ in range(2)]
    services = [
        IntakeService(
            database=database,
            catalogue=catalogue,
            clock=clock,
            default_triage_channel=TRIAGE,
            committed=lambda: None,
        )
        for database in replicas
    ]
    form = RequestForm(
        partner_id="U0PAT",
        service_id="network",
        summary="VPN down",
        details="",
        impact="stopped",
        needed_by=None,
    )
    try:
        filed = await asyncio.gather(*(services[n % 2].submit_request(form) for n in range(40)))
    finally:
        for database in replicas:
            await database.dispose()
    assert sorted(int(s.ref.split("-")[1]) for s in filed) == list(range(1, 41))
