"""Filings that arrive together share one transaction, keep their order, and fail alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.intake.group_commit import GroupCommit
from storage import numbering
from storage.engine import Database, WriterBusy, write_deadline


async def test_a_burst_is_written_in_few_transactions_with_numbers_in_order(
    database: Database,
) -> None:
    batches: list[int] = []
    commits: list[int] = []

    async def write(session: AsyncSession, jobs: Sequence[str]) -> list[int]:
        batches.append(len(jobs))
        taken = await numbering.take_numbers(session, "test", len(jobs))
        return list(taken)

    group: GroupCommit[str, int] = GroupCommit(
        database=database, write=write, committed=lambda: commits.append(1)
    )
    numbers = await asyncio.gather(*(group.submit(f"job {i}") for i in range(40)))
    assert numbers == list(range(1, 41))
    assert len(batches) < 40 and sum(batches) == 40
    assert len(commits) == len(batches)


async def test_one_bad_change_does_not_sink_the_others(database: Database) -> None:
    async def write(session: AsyncSession, jobs: Sequence[str]) -> list[int]:
        if "bad" in jobs:
            raise ValueError("cannot store this one")
        return list(await numbering.take_numbers(session, "test", len(jobs)))

    group: GroupCommit[str, int] = GroupCommit(database=database, write=write, committed=list)
    results = await asyncio.gather(
        group.submit("one"), group.submit("bad"), group.submit("two"), return_exceptions=True
    )
    assert results[0] == 1 and results[2] == 2
    assert isinstance(results[1], ValueError)


async def test_a_change_that_cannot_begin_in_time_writes_nothing(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    written: list[str] = []

    async def write(session: AsyncSession, jobs: Sequence[str]) -> list[None]:
        written.extend(jobs)
        return [None for _ in jobs]

    group: GroupCommit[str, None] = GroupCommit(database=database, write=write, committed=list)
    try:
        async with database.transaction():  # someone else holds SQLite's writer
            with write_deadline(0.05), pytest.raises(WriterBusy):
                await group.submit("late")
        assert written == []
        await group.submit("on time")
        assert written == ["on time"]
    finally:
        await database.dispose()


async def test_a_change_someone_waits_for_goes_before_queued_background_work(
    sqlite_url: str,
) -> None:
    database = Database(sqlite_url)
    order: list[str] = []

    async def change(name: str, *, urgent: bool) -> None:
        if urgent:
            with write_deadline(30):
                async with database.transaction():
                    order.append(name)
        else:
            async with database.transaction():
                order.append(name)

    try:
        async with database.transaction():  # the writer is busy; others queue meanwhile
            background = asyncio.create_task(change("outbox pass", urgent=False))
            await asyncio.sleep(0)
            form = asyncio.create_task(change("partner's form", urgent=True))
            await asyncio.sleep(0)
        await asyncio.gather(background, form)
        assert order == ["partner's form", "outbox pass"]
    finally:
        await database.dispose()


async def test_a_change_still_queued_at_its_deadline_is_withdrawn_and_never_written(
    sqlite_url: str,
) -> None:
    database = Database(sqlite_url)
    written: list[str] = []
    release, writing = asyncio.Event(), asyncio.Event()

    async def write(session: AsyncSession, jobs: Sequence[str]) -> list[None]:
        if "slow" in jobs:
            writing.set()
            await release.wait()  # a batch that takes long to write (an overloaded machine)
        written.extend(jobs)
        return [None for _ in jobs]

    group: GroupCommit[str, None] = GroupCommit(database=database, write=write, committed=list)
    try:
        slow = asyncio.create_task(group.submit("slow"))
        await writing.wait()
        with write_deadline(0.05), pytest.raises(WriterBusy):
            await group.submit("queued behind it")
        release.set()
        await slow
        await group.submit("next")
        assert written == ["slow", "next"]
    finally:
        await database.dispose()
