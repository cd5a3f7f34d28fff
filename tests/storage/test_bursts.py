"""A burst's reports, one row each: added without rewriting, counted, read by their two ends."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from storage import bursts, outages
from storage.base import UTCDateTime
from storage.engine import Database
from storage.models import Burst
from tests.databases import migrate
from tests.factories import make_request

# The bursts table as migration 0013 left it: the reports a JSON list of request ids.
BURSTS_0013 = sa.table(
    "bursts",
    sa.column("id", sa.Integer()),
    sa.column("service_id", sa.String()),
    sa.column("status", sa.String()),
    sa.column("first_report_at", UTCDateTime()),
    sa.column("last_report_at", UTCDateTime()),
    sa.column("detected_at", UTCDateTime()),
    sa.column("request_ids", sa.JSON()),
)


async def filed(session: AsyncSession, now: dt.datetime, count: int, **kw: object) -> list[int]:
    """Ids of `count` new network requests."""
    return [(await make_request(session, now=now, **kw)).id for _ in range(count)]


async def new_burst(session: AsyncSession, now: dt.datetime, request_ids: list[int]) -> Burst:
    return await bursts.insert_burst(
        session,
        service_id="network",
        status="active",
        first_report_at=now,
        last_report_at=now,
        detected_at=now,
        request_ids=request_ids,
    )


async def test_a_burst_records_the_reports_that_set_it_off(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        ids = await filed(session, now, 3)
        burst = await new_burst(session, now, [ids[2], ids[0], ids[1], ids[0]])
        assert burst.report_count == 3, "each report once"
    async with database.reading() as session:
        assert await bursts.report_ids(session, burst_id=burst.id) == ids, "oldest first"
        stored = await bursts.get_burst(session, burst_id=burst.id)
        assert stored is not None and stored.report_count == 3


async def test_adding_reports_skips_those_already_in_and_counts_the_new_ones(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        ids = await filed(session, now, 6)
        burst = await new_burst(session, now, ids[:3])
    gone = max(ids) + 100  # a request no longer there never joins
    async with database.transaction() as session:
        burst_id = burst.id
        current = await bursts.get_burst(session, burst_id=burst_id)
        assert current is not None
        added = await bursts.add_reports(session, burst_id=burst_id, request_ids=[*ids[2:5], gone])
        assert added == 2, "the fourth and fifth; the third was in already"
        assert current.report_count == 5, "the burst in this session sees its new count"
        assert await bursts.add_reports(session, burst_id=burst_id, request_ids=ids[:5]) == 0
        assert await bursts.add_reports(session, burst_id=burst_id, request_ids=[]) == 0
    async with database.reading() as session:
        stored = await bursts.get_burst(session, burst_id=burst_id)
        assert stored is not None and stored.report_count == 5
        assert await bursts.report_ids(session, burst_id=burst_id) == ids[:5]


async def test_the_alert_reads_only_the_first_and_the_latest_reports(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        ids = await filed(session, now, 30)
        other = await new_burst(session, now, ids[:1])  # another burst's reports never show
        burst = await new_burst(session, now, ids[1:3])
        await bursts.add_reports(session, burst_id=burst.id, request_ids=ids[3:])
    async with database.reading() as session:
        ends = await bursts.shown_reports(session, burst_id=burst.id, first=5, last=10)
        assert [r.id for r in ends] == [*ids[1:6], *ids[-10:]], "number order, each once"
        short = await bursts.shown_reports(session, burst_id=other.id, first=5, last=10)
        assert [r.id for r in short] == ids[:1], "a one-report burst shows it once"
        overlap = await bursts.shown_reports(session, burst_id=burst.id, first=20, last=20)
        assert [r.id for r in overlap] == ids[1:], "ends that meet: each report once"


async def test_declaring_reads_only_the_open_reports_in_no_outage(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        open_ids = await filed(session, now, 2)
        closed = await filed(session, now, 1, status="resolved", resolved_at=now)
        linked = await filed(session, now, 1)
        outage = await outages.insert_outage(
            session,
            number=1,
            service_id="network",
            kind="outage",
            status="open",
            summary="Network down",
            starts_at=now,
            declared_by="U0SAM",
            created_at=now,
        )
        await outages.link_request(session, request_id=linked[0], outage_id=outage.id)
        burst = await new_burst(session, now, [*open_ids, *closed, *linked])
    async with database.reading() as session:
        rows = await bursts.open_unlinked_reports(session, burst_id=burst.id)
    assert [r.id for r in rows] == open_ids


async def test_the_migration_moves_each_list_into_rows_and_back(
    database_url: str, clock: ManualClock
) -> None:
    now = clock.now()
    await migrate(database_url, "0013", down=True)
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            ids = await filed(session, now, 3)
            gone = max(ids) + 100  # a request no longer there: left out, so the keys hold
            listed = {"service_id": "network", "status": "active", "request_ids": []}
            times = {"first_report_at": now, "last_report_at": now, "detected_at": now}
            await session.execute(sa.insert(BURSTS_0013), [listed | times])
            full = {**listed, "request_ids": [ids[2], gone, ids[0], ids[2]]}
            await session.execute(sa.insert(BURSTS_0013), [full | times])
        await migrate(database_url, "head")
        assert await _reports(database) == {1: (0, []), 2: (2, [ids[0], ids[2]])}
        async with database.reading() as session:  # what a replica not yet upgraded reads
            kept = await session.scalar(
                sa.select(BURSTS_0013.c.request_ids).where(BURSTS_0013.c.id == 2)
            )
        assert kept == full["request_ids"], "the list stays for the version before"
        await migrate(database_url, "0013", down=True)
        async with database.reading() as session:
            query = sa.select(BURSTS_0013.c.id, BURSTS_0013.c.request_ids)
            lists = (await session.execute(query.order_by(BURSTS_0013.c.id))).all()
            assert [tuple(row) for row in lists] == [(1, []), (2, [ids[0], ids[2]])]
        await migrate(database_url, "head")
        assert await _reports(database) == {1: (0, []), 2: (2, [ids[0], ids[2]])}, "down, up"
    finally:
        await database.dispose()


async def _reports(database: Database) -> dict[int, tuple[int, list[int]]]:
    """Each burst's count and reports, by id."""
    found: dict[int, tuple[int, list[int]]] = {}
    async with database.reading() as session:
        for burst in (await session.scalars(sa.select(Burst).order_by(Burst.id))).all():
            found[burst.id] = (
                burst.report_count,
                await bursts.report_ids(session, burst_id=burst.id),
            )
    return found
