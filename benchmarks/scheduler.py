"""How long one scheduler pass takes with 100,000 open requests and 1,000 or 100 timers due.

Run: .venv/bin/python -m benchmarks.scheduler [--requests 100000] [--due 1000,100]
     [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Each request has a posted triage card and pending timers far in the future; `--due` of them
get a first-response warning that is due now, handled by Liaison's real handler (which queues a
reply in the card's thread through the outbox).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from bot.catalogue import load_catalogue
from bot.clock import ManualClock
from bot.delivery.scheduler import Scheduler
from bot.domain.timers import TimerKind
from bot.expectations.desk import Expectations
from storage.engine import Database
from storage.migrate import upgrade_to_head
from storage.models import Counter, OutboxMessage, Request, Timer

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 5000


def _request_rows(count: int, now: dt.datetime) -> list[dict[str, object]]:
    return [
        {
            "id": n,
            "number": n,
            "partner_id": f"U{n:08d}",
            "service_id": "network",
            "summary": f"Request {n}",
            "details": "",
            "impact": "degraded",
            "urgency": "low",
            "priority": "P3",
            "status": "in_progress",
            "card_channel": "C0TRIAGE",
            "card_ts": f"1795000000.{n:06d}",
            "opened_at": now,
            "updated_at": now,
            "first_response_due": now + dt.timedelta(days=30),
            "resolution_due": now + dt.timedelta(days=60),
            "next_update_due": now + dt.timedelta(days=30),
            "version": 1,
            "paused_seconds": 0,
        }
        for n in range(1, count + 1)
    ]


async def build(database: Database, *, requests: int, now: dt.datetime) -> None:
    """Insert the requests, their cards and far-future timers in chunks."""
    rows = _request_rows(requests, now)
    async with database.transaction() as session:
        for start in range(0, requests, CHUNK):
            chunk = rows[start : start + CHUNK]
            await session.execute(insert(Request), chunk)
            await session.execute(
                insert(OutboxMessage),
                [
                    {
                        "created_at": now,
                        "request_id": r["id"],
                        "method": "chat.postMessage",
                        "args": {"channel": "C0TRIAGE", "text": "card"},
                        "ordering_key": f"req:{r['id']}:card",
                        "role": "card",
                        "status": "sent",
                        "attempts": 1,
                        "next_attempt_at": now,
                        "slack_channel": "C0TRIAGE",
                        "slack_ts": r["card_ts"],
                    }
                    for r in chunk
                ],
            )
            await session.execute(
                insert(Timer),
                [
                    {
                        "kind": kind,
                        "due_at": now + dt.timedelta(days=days),
                        "status": "pending",
                        "request_id": r["id"],
                        "data": {},
                        "created_at": now,
                    }
                    for r in chunk
                    for kind, days in (("first_response_breach", 30), ("promise_lapse", 30))
                ],
            )
        await session.execute(insert(Counter).values(name="request", value=requests))


async def make_due(database: Database, *, due: int, now: dt.datetime) -> None:
    """Give `due` requests a first-response warning that falls due now."""
    async with database.transaction() as session:
        await session.execute(
            insert(Timer),
            [
                {
                    "kind": "first_response_warning",
                    "due_at": now - dt.timedelta(seconds=1),
                    "status": "pending",
                    "request_id": n,
                    "data": {},
                    "created_at": now,
                }
                for n in range(1, due + 1)
            ],
        )


async def one_pass(database: Database, clock: ManualClock, *, due: int) -> tuple[int, float]:
    """Time one scheduler pass with Liaison's real handlers."""
    catalogue = load_catalogue(ROOT / "catalogue.example.toml")
    scheduler = Scheduler(database=database, clock=clock, committed=lambda: None, batch=due)
    expectations = Expectations(
        database=database,
        catalogue=catalogue,
        clock=clock,
        warning_lead=0.25,
        nudge_lead=dt.timedelta(minutes=30),
        committed=lambda: None,
    )
    scheduler.handle([(TimerKind.FIRST_RESPONSE_WARNING, expectations.clocks.on_warning)])
    started = time.perf_counter()
    fired = await scheduler.run_pass()
    return fired, time.perf_counter() - started


async def due_query_ms(database: Database, now: dt.datetime, limit: int) -> float:
    """Time the due-timers query alone (median of 20)."""
    timings = []
    sql = text(
        "SELECT id FROM timers WHERE status = 'pending' AND due_at <= :now "
        "ORDER BY due_at, id LIMIT :limit"
    )
    naive = now.astimezone(dt.UTC).replace(tzinfo=None)
    for _ in range(20):
        async with database.reading() as session:
            started = time.perf_counter()
            (await session.execute(sql, {"now": naive, "limit": limit})).all()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


async def run(args: argparse.Namespace) -> None:
    """Build once, then measure a pass for each due count."""
    clock = ManualClock()
    now = clock.now()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.db"
        if args.database_url:
            await _reset_postgres(url)
        await upgrade_to_head(url)
        database = Database(url)
        started = time.perf_counter()
        await build(database, requests=args.requests, now=now)
        print(f"built {args.requests:,} open requests in {time.perf_counter() - started:.1f}s")
        print(f"{'due':>6} {'fired':>6} {'pass s':>8} {'per timer ms':>13} {'due query ms':>13}")
        for due in args.due:
            await make_due(database, due=due, now=now)
            query_ms = await due_query_ms(database, now, due)
            fired, seconds = await one_pass(database, clock, due=due)
            per_timer = seconds / fired * 1000
            print(f"{due:>6} {fired:>6} {seconds:>8.3f} {per_timer:>13.2f} {query_ms:>13.2f}")
        await database.dispose()


async def _reset_postgres(url: str) -> None:
    from storage.base import Base

    database = Database(url)
    async with database.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
        await session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    await database.dispose()


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--due", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 100])
    parser.add_argument("--database-url", default="")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
