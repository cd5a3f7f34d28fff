"""How long the 30-day digest takes to build over a million historical requests.

Run: .venv/bin/python -m benchmarks.digest [--requests 1000000]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

The requests are spread over the last 365 days; each has its history (claim, resolve, confirm,
and for some a breach, a kept or lapsed promise, a reopening) and one in three a poll. The
timing covers what a digest does: the current and previous periods' aggregates, the queue now,
and rendering the Block Kit message.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bot.domain.digest import Digest, DigestKind, Period
from bot.supervisors.digests import build_digest
from bot.views.digest import digest_message
from storage.engine import Database
from storage.migrate import upgrade_to_head
from storage.models import Counter, Poll, Request, RequestEvent

CHUNK = 5000
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
SERVICES = ("network", "email", "voice", "accounts", "cyber")
PRIORITIES = ("P1", "P2", "P3", "P3", "P4")


def _request(n: int, total: int) -> dict[str, Any]:
    opened = NOW - dt.timedelta(days=365) * (total - n) / total
    done = n % 10 != 0  # one in ten still open
    breach = n % 13 == 0
    return {
        "id": n,
        "number": n,
        "partner_id": f"U{n % 5000:08d}",
        "service_id": SERVICES[n % len(SERVICES)],
        "summary": f"Request {n}",
        "details": "",
        "impact": "degraded",
        "urgency": "low",
        "priority": PRIORITIES[n % len(PRIORITIES)],
        "status": "closed" if done else ("new" if n % 20 == 0 else "in_progress"),
        "assignee_id": None if n % 20 == 0 else f"U0TECH{n % 25:02d}",
        "card_channel": "C0TRIAGE",
        "opened_at": opened,
        "updated_at": opened,
        "first_response_due": opened + dt.timedelta(hours=4),
        "resolution_due": opened + dt.timedelta(days=3),
        "first_responded_at": None if n % 20 == 0 else opened + dt.timedelta(hours=1),
        "first_response_breached_at": opened + dt.timedelta(hours=4) if n % 29 == 0 else None,
        "resolved_at": opened + dt.timedelta(days=2) if done else None,
        "resolution_breached_at": opened + dt.timedelta(days=3) if breach else None,
        "closed_at": opened + dt.timedelta(days=3) if done else None,
        "version": 1,
        "paused_seconds": 0,
    }


def _events(row: dict[str, Any]) -> list[dict[str, Any]]:
    n, opened = row["id"], row["opened_at"]
    actor = row["assignee_id"]
    kinds: list[tuple[str, dt.timedelta]] = []
    if row["first_responded_at"] is not None:
        kinds.append(("claim", dt.timedelta(hours=1)))
    kinds.append(("promise_lapsed" if n % 17 == 0 else "promise_kept", dt.timedelta(hours=5)))
    if row["first_response_breached_at"] is not None:
        kinds.append(("first_response_breached", dt.timedelta(hours=4)))
    if row["resolution_breached_at"] is not None:
        kinds.append(("resolution_breached", dt.timedelta(days=3)))
    if row["resolved_at"] is not None:
        kinds.append(("resolve", dt.timedelta(days=2)))
        if n % 31 == 0:
            kinds.append(("reopen", dt.timedelta(days=2, hours=2)))
        kinds.append(("confirm", dt.timedelta(days=3)))
    return [
        {
            "request_id": n,
            "at": opened + after,
            "actor_id": actor,
            "kind": kind,
            "partner_visible": True,
            "text": "",
            "data": {},
        }
        for kind, after in kinds
    ]


def _poll(row: dict[str, Any]) -> dict[str, Any]:
    n, at = row["id"], row["closed_at"]
    answered = n % 2 == 0
    return {
        "request_id": n,
        "partner_id": row["partner_id"],
        "created_at": at,
        "expires_at": at + dt.timedelta(days=7),
        "status": "closed",
        "rating": 1 + n % 5 if answered else None,
        "informed": ("yes", "partly", "no")[n % 3] if answered else None,
        "comment": "slow" if answered and n % 5 == 0 else "",
        "answered_at": at + dt.timedelta(hours=2) if answered else None,
    }


async def build(database: Database, *, requests: int) -> None:
    """Insert the requests, their history and polls in chunks, one transaction per chunk."""
    for start in range(1, requests + 1, CHUNK):
        rows = [_request(n, requests) for n in range(start, min(start + CHUNK, requests + 1))]
        async with database.transaction() as session:
            await session.execute(insert(Request), rows)
            await session.execute(insert(RequestEvent), [e for r in rows for e in _events(r)])
            polls = [_poll(r) for r in rows if r["closed_at"] is not None and r["id"] % 3 == 0]
            if polls:
                await session.execute(insert(Poll), polls)
    async with database.transaction() as session:
        await session.execute(insert(Counter).values(name="request", value=requests))


async def one_digest(database: Database, *, days: int) -> tuple[float, Digest]:
    """Build and render the digest of the last `days` days, as DigestDesk does."""
    started = time.perf_counter()
    async with database.reading() as session:
        digest = await build_digest(
            session,
            kind=DigestKind.STATS,
            period=Period(NOW - dt.timedelta(days=days), NOW),
            now=NOW,
            names=str,
        )
    digest_message(digest)
    return time.perf_counter() - started, digest


async def main() -> None:
    """Build the history, then time the 30-day digest five times."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'digest.db'}"
        await upgrade_to_head(url)
        database = Database(url)
        try:
            if args.database_url:
                async with database.transaction() as session:
                    await session.execute(text("TRUNCATE requests, polls CASCADE"))
                    await session.execute(text("DELETE FROM counters"))
            started = time.perf_counter()
            await build(database, requests=args.requests)
            print(f"built {args.requests:,} requests in {time.perf_counter() - started:.0f} s")
            if args.database_url:
                async with database.transaction() as session:
                    await session.execute(text("ANALYZE"))
            timings = []
            for _ in range(5):
                seconds, digest = await one_digest(database, days=args.days)
                timings.append(seconds)
            print(
                f"{args.days}-day digest: median {statistics.median(timings) * 1000:.0f} ms, "
                f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms; "
                f"{digest.current.new.total:,} new, {digest.queue.open_total:,} open"
            )
        finally:
            await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
