"""How long the related-requests lookup takes over a million requests, on SQLite and PostgreSQL.

Run: .venv/bin/python -m benchmarks.related [--requests 1000000] [--lookups 500]
     [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--skip-sqlite]

The requests are spread over about nine and a half years (one every five minutes) across seven
services, with summaries and details drawn from a help-desk vocabulary with a Zipf-like
spread: a hundred everyday words and a long tail of 3,000 rarer ones. Everything older than
30 days is closed, as is most of the last month; about a third of the last month and one
request in two thousand before it are still open. Each lookup is what a new card's first reply
costs: the ranked search with the resolutions of the resolved matches
(storage.search.related_requests), one statement in a read transaction. Before timing, the
index is left as a running shop's upkeep keeps it. PostgreSQL runs in a database of its own,
created for the run and dropped after it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.domain.awareness import RESOLVED_LOOKBACK, search_terms
from storage import search
from storage.base import core_table
from storage.engine import Database
from storage.migrate import upgrade_to_head
from storage.models import Request, RequestEvent

CHUNK = 10_000
AIM_MS = 20.0  # issue #15: the lookup over a million requests, at the 99th percentile
STEP = dt.timedelta(minutes=5)
NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
SERVICES = ("network", "email", "phones", "accounts", "printers", "cyber", "av-vtc")
OPEN = ("new", "in_progress", "waiting_partner", "waiting_third_party")
_WORD_TEXT = (
    "vpn wifi network drop slow outage jack port switch router dns dhcp proxy firewall "
    "email outlook mailbox calendar invite shared distribution list attachment smtp owa "
    "phone voicemail dsn voip handset dial tone conference line forward "
    "account password cac pki certificate locked expired token reset provisioning group "
    "printer toner jam queue scanner plotter copier driver tray paper fuser "
    "virus phishing malware scan quarantine patch update blocked site "
    "projector vtc camera microphone display hdmi codec room screen speaker "
    "laptop desktop monitor keyboard mouse dock login profile teams sharepoint drive"
)
WORDS = _WORD_TEXT.split()
PLACES = ("building 4", "room 210", "the hangar", "ops floor", "hq annex", "wing staff")
# Help-desk text is Zipf-like: a hundred everyday words, then a long tail (names of systems,
# error codes, models, places) that the synthetic "k<n>" words stand in for.
VOCABULARY = WORDS + [f"k{n}" for n in range(3000)]
WEIGHTS = list(itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(VOCABULARY))))


# The seed inserts the history at once, so every resolved request enters the SQLite index;
# keep only what migration 0010 and the pruning leave there in a running shop.
_LIVE_ONLY = """
DELETE FROM requests_fts WHERE rowid IN (
    SELECT id FROM requests
    WHERE status NOT IN ('new', 'in_progress', 'waiting_partner', 'waiting_third_party')
      AND (resolved_at IS NULL OR resolved_at < :since)
)
"""


def _naive(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(VOCABULARY, cum_weights=WEIGHTS, k=words))


def _request(n: int, total: int, rng: random.Random) -> dict[str, Any]:
    opened = NOW - STEP * (total - n)
    recent = NOW - opened <= RESOLVED_LOOKBACK
    still_open = rng.random() < 0.3 if recent else n % 2000 == 0
    resolved = None if still_open else opened + dt.timedelta(hours=rng.randint(1, 72))
    if resolved is not None and resolved > NOW:
        resolved = NOW
    return {
        "id": n,
        "number": n,
        "partner_id": f"U{n % 5000:08d}",
        "service_id": SERVICES[rng.randrange(len(SERVICES))],
        "summary": f"{_text(rng, rng.randint(3, 7))} in {rng.choice(PLACES)}"[:150],
        "details": _text(rng, rng.randint(0, 15)),
        "impact": "degraded",
        "urgency": "low",
        "priority": "P3",
        "status": rng.choice(OPEN) if still_open else "closed",
        "card_channel": "C0TRIAGE",
        "opened_at": opened,
        "updated_at": opened,
        "first_response_due": opened + dt.timedelta(hours=4),
        "resolution_due": opened + dt.timedelta(days=3),
        "resolved_at": resolved,
        "closed_at": resolved,
        "version": 1,
        "paused_seconds": 0,
    }


def _resolution(row: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return {
        "request_id": row["id"],
        "at": row["resolved_at"],
        "actor_id": "U0TECH01",
        "kind": "resolve",
        "partner_visible": True,
        "text": f"Fixed the {rng.choice(WORDS)}.\nChecked with the partner.",
        "data": {},
    }


async def seed(database: Database, *, requests: int) -> None:
    """Insert requests and their resolutions with Core executemany, a transaction per chunk."""
    rng = random.Random(42)
    for start in range(1, requests + 1, CHUNK):
        rows = [_request(n, requests, rng) for n in range(start, min(start + CHUNK, requests + 1))]
        resolved = [_resolution(r, rng) for r in rows if r["resolved_at"] is not None]
        async with database.transaction() as session:
            await session.execute(insert(core_table(Request)), rows)
            await session.execute(insert(core_table(RequestEvent)), resolved)


async def lookup(database: Database, rng: random.Random) -> tuple[float, int]:
    """One related-requests lookup for a new request with a fresh summary; (seconds, found)."""
    summary = f"{_text(rng, rng.randint(3, 7))} in {rng.choice(PLACES)}"
    terms = search_terms(summary, _text(rng, rng.randint(0, 15)))
    started = time.perf_counter()
    async with database.reading() as session:
        found = await search.related_requests(
            session,
            service_id=rng.choice(SERVICES),
            terms=terms,
            exclude_id=0,
            resolved_since=NOW - RESOLVED_LOOKBACK,
            now=NOW,
        )
    return time.perf_counter() - started, len(found)


async def keep_like_a_running_shop(database: Database) -> None:
    """Leave the index as a running shop's upkeep keeps it, then refresh the planner's figures.

    The seed wrote the whole history through the triggers. A running shop forgets each
    service's resolutions as they pass out of the lookback (storage.search.forget_resolved,
    after every filing), and on SQLite merges the index after forgetting, so deletion markers
    never pile up. SQLite's forgetting covers only the last few weeks by tag, so the seed's
    older weeks are cleared with one statement first.
    """
    before = NOW - RESOLVED_LOOKBACK
    async with database.transaction() as session:
        if database.url.startswith("sqlite"):
            await session.execute(text(_LIVE_ONLY), {"since": _naive(before)})
        for service in SERVICES:
            await search.forget_resolved(session, service_id=service, before=before)
        if database.url.startswith("sqlite"):
            await session.execute(text(search.SQLITE_MERGE))
    if database.url.startswith("sqlite"):
        async with database.transaction() as session:
            await session.execute(text("ANALYZE"))
        return
    # What autovacuum does in a running shop: clear the dead rows from the GIN index.
    engine = create_async_engine(database.url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()


async def measure(url: str, *, requests: int, lookups: int, label: str) -> None:
    """Migrate, seed, analyse, warm up, then time the lookups and print the percentiles."""
    await upgrade_to_head(url)
    database = Database(url)
    try:
        started = time.perf_counter()
        await seed(database, requests=requests)
        seeded = time.perf_counter() - started
        await keep_like_a_running_shop(database)
        rng = random.Random(7)
        for _ in range(50):
            await lookup(database, rng)
        timings, found = [], []
        for _ in range(lookups):
            seconds, count = await lookup(database, rng)
            timings.append(seconds * 1000)
            found.append(count)
        timings.sort()
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        print(
            f"{label}: {requests:,} requests seeded in {seeded:.0f} s; {lookups} lookups: "
            f"p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms, "
            f"max {timings[-1]:.1f} ms; {statistics.mean(found):.1f} related found on average; "
            f"aim p99 <= {AIM_MS:.0f} ms: {'met' if p99 <= AIM_MS else 'NOT met'}"
        )
    finally:
        await database.dispose()


async def _with_postgres(admin_url: str, *, requests: int, lookups: int) -> None:
    name = f"liaison_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        await measure(url, requests=requests, lookups=lookups, label="PostgreSQL")
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def main() -> None:
    """Run on SQLite (a temporary file) and, when given a server, on PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'related.db'}"
            await measure(url, requests=args.requests, lookups=args.lookups, label="SQLite")
    if args.postgres:
        await _with_postgres(args.postgres, requests=args.requests, lookups=args.lookups)


if __name__ == "__main__":
    asyncio.run(main())
