"""Related-request search on SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank) alike."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from bot.clock import ManualClock
from bot.domain.awareness import search_terms
from storage import history, requests, search
from storage.engine import Database
from storage.models import Request
from tests.databases import migrate
from tests.factories import make_request

MONTH = dt.timedelta(days=30)


async def related(database: Database, text: str, now: dt.datetime, **kw: object) -> list[int]:
    """Numbers of the requests the search offers for a new network request saying `text`."""
    async with database.reading() as session:
        rows = await search.related_requests(
            session,
            service_id=str(kw.get("service", "network")),
            terms=search_terms(text),
            exclude_id=int(str(kw.get("exclude", 0))),
            resolved_since=kw.get("since", now - MONTH),  # type: ignore[arg-type]
            now=now,
        )
    return [r.number for r in rows]


async def test_open_requests_with_shared_words_are_found_best_first(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        await make_request(session, now=now, summary="VPN drops every hour in building 4")
        await make_request(session, now=now, summary="Wall jack dead", details="vpn")
        await make_request(session, now=now, summary="Printer jams")
        await make_request(session, now=now, service_id="email", summary="VPN mail drops")
    assert await related(database, "VPN keeps dropping", now) == [1, 2]
    assert await related(database, "the and of", now) == [], "no words worth matching"


async def test_at_most_three_and_never_the_request_itself(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        for _ in range(5):
            await make_request(session, now=now, summary="Printer offline")
    found = await related(database, "Printer offline", now, exclude=(await _id(database, 5)))
    assert len(found) == 3 and 5 not in found


async def test_the_index_follows_edits_status_changes_and_deletions(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        first = await make_request(session, now=now, summary="Scanner broken")
        second = await make_request(session, now=now, summary="Monitor flickers")
    async with database.transaction() as session:
        await requests.set_fields(session, request_id=first.id, values={"summary": "Toner low"})
    assert await related(database, "scanner", now) == []
    assert await related(database, "toner", now) == [1]

    async with database.transaction() as session:
        done = {"status": "resolved", "resolved_at": now}
        await requests.set_fields(session, request_id=second.id, values=done)
    assert await related(database, "monitor", now) == [2], "resolved today still counts"
    later = now + MONTH + dt.timedelta(days=2)
    assert await related(database, "monitor", later) == [], "resolved over 30 days ago"

    withdrawn = {"status": "withdrawn", "resolved_at": None}
    async with database.transaction() as session:
        await requests.set_fields(session, request_id=second.id, values=withdrawn)
        await session.execute(delete(Request).where(Request.id == first.id))
    assert await related(database, "monitor toner", now) == []


async def test_resolved_matches_carry_their_latest_resolution(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        row = await make_request(session, now=now, summary="Phone dead")
        await make_request(session, now=now, summary="Phone line crackles")
        for text in ("Swapped the cable.", "Replaced the handset.\nTested."):
            await history.append_event(
                session,
                request_id=row.id,
                at=now,
                kind="resolve",
                actor_id="U0SAM",
                partner_visible=True,
                text=text,
            )
        await requests.set_fields(
            session, request_id=row.id, values={"status": "resolved", "resolved_at": now}
        )
    async with database.reading() as session:
        found = await search.related_requests(
            session,
            service_id="network",
            terms=["phone"],
            exclude_id=0,
            resolved_since=now - MONTH,
            now=now,
        )
    resolutions = {r.number: r.resolution for r in found}
    assert resolutions == {1: "Replaced the handset.\nTested.", 2: None}, "open: none yet"


async def _id(database: Database, number: int) -> int:
    async with database.reading() as session:
        row = await requests.get_request(session, number=number)
    assert row is not None
    return row.id


async def test_claims_moves_and_reopenings_keep_the_index_true(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        row = await make_request(session, now=now, summary="Projector has no signal")
    async with database.transaction() as session:
        await requests.set_fields(session, request_id=row.id, values={"status": "in_progress"})
    assert await related(database, "projector", now) == [1], "a claimed request is still open"

    async with database.transaction() as session:
        await requests.set_fields(session, request_id=row.id, values={"service_id": "av-vtc"})
    assert await related(database, "projector", now) == [], "moved to another service"
    assert await related(database, "projector", now, service="av-vtc") == [1]

    async with database.transaction() as session:
        done = {"status": "closed", "resolved_at": now - 2 * MONTH}
        await requests.set_fields(session, request_id=row.id, values=done)
    assert await related(database, "projector", now, service="av-vtc") == []
    async with database.transaction() as session:
        reopened = {"status": "in_progress", "resolved_at": None}
        await requests.set_fields(session, request_id=row.id, values=reopened)
    assert await related(database, "projector", now, service="av-vtc") == [1], "reopened"


async def test_forgetting_drops_only_what_aged_out(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        await make_request(session, now=now - 4 * MONTH, summary="Dock will not charge")
        for age in (dt.timedelta(days=10), dt.timedelta(days=60)):
            resolved = {"status": "resolved", "resolved_at": now - age}
            await make_request(session, now=now - age, summary="Dock flickers", **resolved)
    assert sorted(await related(database, "dock", now)) == [1, 2], "open, resolved 10 days ago"
    long_ago = now - 3 * MONTH
    assert sorted(await related(database, "dock", now, since=long_ago)) == [1, 2, 3]

    async with database.transaction() as session:
        await search.forget_resolved(session, service_id="network", before=now - MONTH)
        await search.forget_resolved(session, service_id="email", before=now)
    assert sorted(await related(database, "dock", now)) == [1, 2], "a lookup offers the same"
    assert sorted(await related(database, "dock", now, since=long_ago)) == [1, 2], "60 days ago"


async def test_the_migration_indexes_what_was_filed_before_it(
    database_url: str, clock: ManualClock
) -> None:
    await migrate(database_url, "0010", down=True)
    database = Database(database_url)
    try:
        async with database.transaction() as session:
            await make_request(session, now=clock.now(), summary="Badge reader rejects cards")
        await migrate(database_url, "head")
        assert await related(database, "badge reader", clock.now()) == [1]
        await migrate(database_url, "0010", down=True)
        await migrate(database_url, "head")
        assert await related(database, "badge reader", clock.now()) == [1], "down and up again"
    finally:
        await database.dispose()
