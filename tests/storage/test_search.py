"""Related-request search on SQLite (FTS5, bm25) and PostgreSQL (tsvector, ts_rank) alike."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from bot.clock import ManualClock
from bot.domain.awareness import search_terms
from storage import history, requests, search
from storage.engine import Database
from storage.models import Request
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
            resolved_since=now - MONTH,
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


async def test_the_latest_resolution_of_each_request_is_read(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        row = await make_request(session, now=now, summary="Phone dead")
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
    async with database.reading() as session:
        found = await search.resolutions(session, request_ids=[row.id])
    assert found == {row.id: "Replaced the handset.\nTested."}


async def _id(database: Database, number: int) -> int:
    async with database.reading() as session:
        row = await requests.get_request(session, number=number)
    assert row is not None
    return row.id
