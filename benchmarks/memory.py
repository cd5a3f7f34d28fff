"""Memory of one Liaison process serving a database with many open requests.

The database is built quickly with Core inserts (the scheduler benchmark's rows: open requests
with a posted card and far-future timers), then a fresh Liaison server starts on it and is
touched the way people would: App Home for supervisors, technicians and partners, `list`,
`queue`, `stats` and `status` for sampled request numbers, and a burst of new filings on top.
The figure is the server's resident set size after all that work reached Slack.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from benchmarks.runs import Bench, measure, post
from benchmarks.scheduler import build
from benchmarks.workload import command_body, home_opened_body
from bot.app.local import Workspace
from bot.clock import SystemClock
from storage.engine import Database
from storage.migrate import upgrade_to_head

TOUCH_WAIT = 60.0  # seconds to wait for the touches' answers to reach Slack


@dataclass(frozen=True)
class MemoryFigures:
    """What one Liaison process held after serving a large database."""

    open_requests: int
    rss_mb: float
    peak_rss_mb: float
    touches: int
    answered: int  # touches whose reply (Home published, or respond) reached Slack
    filings: int
    filings_completed: int
    seed_seconds: float


async def seed(database_url: str, requests: int) -> float:
    """Create the schema and `requests` open requests; returns how long it took."""
    started = time.perf_counter()
    await upgrade_to_head(database_url)
    database = Database(database_url)
    try:
        await build(database, requests=requests, now=SystemClock().now())
        async with database.transaction() as session:
            # A mix a real queue has: unclaimed, and some already with a technician.
            await session.execute(text("UPDATE requests SET status = 'new' WHERE id % 2 = 0"))
            await session.execute(
                text("UPDATE requests SET assignee_id = 'U0SAM' WHERE id % 2 = 1 AND id % 7 = 1")
            )
    finally:
        await database.dispose()
    return time.perf_counter() - started


def _commands(requests: int) -> list[tuple[str, str]]:
    """(user, text) of the slash commands sent: lists, queues, stats and sampled statuses."""
    workspace = Workspace()
    people = [(p.id, "list") for p in workspace.people]
    people += [(t, "queue") for t in workspace.ids("technician")]
    people += [(s, "stats") for s in workspace.ids("supervisor")]
    step = max(1, requests // samples(requests))
    people += [("U0SAM", f"status REQ-{n}") for n in range(1, requests + 1, step)]
    people += [(f"U{n:08d}", "list") for n in range(1, requests + 1, step)]
    return people


def samples(requests: int) -> int:
    """How many requests to look up by number (and partners to list): 100 of 100,000."""
    return max(5, min(100, requests // 1000))


async def touch(bench: Bench, requests: int) -> tuple[int, int]:
    """Open Homes and run commands; wait for their answers. Returns (touches, answered)."""
    url = bench.servers["liaison"].url
    workspace = Workspace()
    homes = [p.id for p in workspace.people]
    step = max(1, 2 * requests // samples(requests))
    homes += [f"U{n:08d}" for n in range(1, requests + 1, step)]
    bench.slack.log.clear()
    for user in homes:
        body = home_opened_body(user, bench.next_sequence())
        await post(bench.session, url, body, "application/json")
    commands = _commands(requests)
    for user, words in commands:
        seq = bench.next_sequence()
        body = command_body(bench.templates, seq, bench.slack.response_url, text=words, user=user)
        await post(bench.session, url, body)
    touches = len(homes) + len(commands)
    deadline = time.perf_counter() + TOUCH_WAIT
    answered = 0
    while time.perf_counter() < deadline:
        log = bench.slack.log
        answered = log.count("views.publish") + log.count("response_url")
        if answered >= touches:
            break
        await asyncio.sleep(0.05)
    return touches, answered


def rss_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident set size of a process, in MB (from /proc)."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


async def measure_memory(
    bench: Bench, requests: int, seed_seconds: float, filings_seconds: float
) -> MemoryFigures:
    """Touch the seeded Liaison, file a burst on top, and read its memory."""
    touches, answered = await touch(bench, requests)
    burst = await measure(
        bench, "liaison", "submission", round_no=0, concurrency=16, seconds=filings_seconds
    )
    rss, peak = rss_mb(bench.servers["liaison"].pid)
    return MemoryFigures(
        open_requests=requests,
        rss_mb=rss,
        peak_rss_mb=peak,
        touches=touches,
        answered=answered,
        filings=burst.sent,
        filings_completed=burst.completed,
        seed_seconds=seed_seconds,
    )
