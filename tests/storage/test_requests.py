"""Requests, numbering and history on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.clock import ManualClock
from storage import history, numbering, requests
from storage.engine import Database
from storage.models import Request
from tests.factories import make_request


async def test_numbers_are_sequential_and_never_repeat_under_concurrency(
    database: Database,
) -> None:
    async def take() -> int:
        async with database.transaction() as session:
            return await numbering.next_number(session, "request")

    numbers = await asyncio.gather(*(take() for _ in range(25)))
    assert sorted(numbers) == list(range(1, 26))


async def test_a_failed_transaction_leaves_nothing_behind(
    database: Database, clock: ManualClock
) -> None:
    try:
        async with database.transaction() as session:
            await make_request(session, now=clock.now())
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with database.reading() as session:
        assert await requests.get_request(session, number=1) is None
        assert await numbering.peek_number(session, "request") == 0


async def test_only_one_of_many_simultaneous_transitions_wins(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        row = await make_request(session, now=clock.now())

    async def claim(technician: str) -> bool:
        async with database.transaction() as session:
            won = await requests.transition(
                session,
                request_id=row.id,
                from_statuses=["new"],
                values={"status": "in_progress", "assignee_id": technician},
                extra_where=[Request.assignee_id.is_(None)],
            )
            return won is not None

    results = await asyncio.gather(*(claim(f"U0TECH{i}") for i in range(20)))
    assert results.count(True) == 1
    async with database.reading() as session:
        stored = await requests.get_request(session, number=row.number)
    assert stored is not None and stored.status == "in_progress" and stored.version == 2


async def test_timestamps_come_back_as_aware_utc(database: Database) -> None:
    moment = dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    async with database.transaction() as session:
        row = await make_request(session, now=moment)
    async with database.reading() as session:
        stored = await requests.get_request(session, number=row.number)
    assert stored is not None
    assert stored.opened_at == moment
    assert stored.opened_at.tzinfo == dt.UTC


async def test_history_is_kept_in_order_and_filtered_for_partners(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        row = await make_request(session, now=clock.now())
        for kind, visible in [("opened", True), ("note", False), ("claimed", True)]:
            await history.append_event(
                session,
                request_id=row.id,
                at=clock.now(),
                kind=kind,
                actor_id="U0TECH",
                partner_visible=visible,
                data={"k": kind},
            )
    async with database.reading() as session:
        everything = await history.timeline(session, request_id=row.id)
        partner = await history.timeline(session, request_id=row.id, partner_only=True)
    assert [e.kind for e in everything] == ["opened", "note", "claimed"]
    assert [e.kind for e in partner] == ["opened", "claimed"]
    assert everything[1].data == {"k": "note"}
