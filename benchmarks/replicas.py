"""Replicas benchmark: completed filings per second with 1, 2 and 3 `liaison run` replicas on one
PostgreSQL database, beside one process on SQLite, in one run.

Run `.venv/bin/python -m benchmarks.replicas` (a few minutes) or `--quick` (a smoke run). See
benchmarks/README.md for how each figure is made.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.fakeslack import FakeSlack, partner_id
from benchmarks.replica_processes import (
    PostgresBackends,
    Replica,
    Setup,
    machine_busy_seconds,
    own_cpu_seconds,
)
from benchmarks.runs import Answers, percentile
from benchmarks.servers import EVENTS_PATH
from benchmarks.workload import (
    Templates,
    capture_templates,
    signed_headers,
    start_slack,
    submission_body,
)
from bot.app.local import EXAMPLE_CATALOGUE, SIGNING_SECRET
from storage.migrate import upgrade_to_head

BOT_TOKEN = "xoxb-bench-token"  # the fake Slack's, on 127.0.0.1
DEFAULT_POSTGRES = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
CONFIGS: tuple[tuple[str, int], ...] = (("sqlite", 1), ("postgresql", 1), ("postgresql", 2))
CONFIGS += (("postgresql", 3),)
POLL_SECONDS = 0.01  # how often completed filings are counted
STALL_SECONDS = 20.0  # give up waiting once nothing has completed for this long
GENERATOR_SATURATED = 0.85  # of one core: above this the fake Slack may be what limits


@dataclass(frozen=True)
class Options:
    """How much to measure."""

    filings: int  # per configuration and round
    warmup: int  # filings sent (and completed) before measuring
    concurrency: int
    rounds: int
    postgres: str  # a server URL the benchmark may create and drop databases with
    catalogue: Path  # the replicas' CATALOGUE_FILE
    quick: bool
    json_file: Path | None
    keep: bool


def parse_args(argv: Sequence[str] | None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replicas", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: 60 filings, 1 round")
    parser.add_argument("--filings", type=int, help="filings per configuration (full: 1500)")
    parser.add_argument("--concurrency", type=int, default=16, help="partners filing at once")
    parser.add_argument("--rounds", type=int, help="rounds of every configuration (full: 2)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server (admin) URL")
    parser.add_argument(
        "--catalogue", type=Path, default=EXAMPLE_CATALOGUE, help="the replicas' catalogue"
    )
    parser.add_argument("--json", type=Path, dest="json_file", help="write every figure here")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    args = parser.parse_args(argv)
    filings = args.filings or (60 if args.quick else 1500)
    rounds = args.rounds or (1 if args.quick else 2)
    if filings < 1 or rounds < 1 or args.concurrency < 1:
        parser.error("--filings, --rounds and --concurrency must be at least 1")
    return Options(
        filings=filings,
        warmup=max(10, filings // 20),
        concurrency=args.concurrency,
        rounds=rounds,
        postgres=args.postgres,
        catalogue=args.catalogue.resolve(),
        quick=args.quick,
        json_file=args.json_file,
        keep=args.keep,
    )


@dataclass
class Run:
    """One configuration, one round: what the partners saw and where the CPU went."""

    database: str
    replicas: int
    round: int
    sent: int = 0
    acked: int = 0  # the form closed, within Slack's three seconds
    refused: int = 0  # the form stayed open (the change could not be stored in time)
    completed: int = 0  # the partner's DM and the triage card both reached Slack
    seconds: float = 0.0  # first request sent to the last filing completed
    ack_p99_ms: float = math.nan
    window_s: float = 0.0  # the CPU window: first request to the end of the wait
    replica_cpu_s: float = 0.0
    postgres_cpu_s: float = 0.0
    generator_cpu_s: float = 0.0
    machine_busy_s: float = 0.0
    replica_cpu_each_s: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The table's column."""
        name = "SQLite" if self.database == "sqlite" else "PostgreSQL"
        return f"{name} x{self.replicas}"

    @property
    def completed_per_s(self) -> float:
        """Completed filings per second, from the first request to the last completion."""
        return self.completed / self.seconds if self.seconds else 0.0

    def cores(self, cpu_seconds: float) -> float:
        """CPU seconds over the window, as cores kept busy (1.0 = one core all the time)."""
        return cpu_seconds / self.window_s if self.window_s else 0.0

    @property
    def other_cpu_s(self) -> float:
        """Busy CPU on the machine that was none of the above (other work, PostgreSQL's own)."""
        ours = self.replica_cpu_s + self.postgres_cpu_s + self.generator_cpu_s
        return max(0.0, self.machine_busy_s - ours)


@dataclass
class Bench:
    """What every configuration shares: the fake Slack, the payloads, the HTTP session."""

    slack: FakeSlack
    templates: Templates
    session: aiohttp.ClientSession
    workdir: Path
    sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


@asynccontextmanager
async def acking_server() -> AsyncIterator[str]:
    """A server that acks everything: the simulator delivers to it to capture Slack's shapes."""

    async def ack(_: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post(EVENTS_PATH, ack)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    try:
        yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}{EVENTS_PATH}"
    finally:
        await runner.cleanup()


async def submit(session: aiohttp.ClientSession, url: str, body: bytes) -> tuple[int, bool]:
    """One signed submission: the status (0: no answer) and whether the form stayed open."""
    try:
        async with session.post(url, data=body, headers=signed_headers(body)) as response:
            answer = await response.read()
            return response.status, b'"response_action"' in answer
    except (aiohttp.ClientError, TimeoutError):
        return 0, False


async def file(
    bench: Bench, urls: Sequence[str], count: int, concurrency: int
) -> tuple[Answers, list[int], int]:
    """`concurrency` partners file `count` requests back to back, spread over the replicas in
    turn (as a balancer in front would); each filing comes from its own partner, whose id
    (from the returned sequence numbers) is how the fake Slack knows the filing's calls.
    Returns the answers, those numbers and how many forms stayed open."""
    answers = Answers.empty(count)
    refused: list[int] = []
    seqs = [next(bench.sequence) for _ in range(count)]
    counter = iter(range(count))

    async def partner() -> None:
        for i in counter:
            body = submission_body(bench.templates, seqs[i])
            answers.due[i] = time.perf_counter()
            answers.statuses[i], open_still = await submit(bench.session, urls[i % len(urls)], body)
            answers.answered[i] = time.perf_counter()
            if open_still:
                refused.append(i)

    await asyncio.gather(*(partner() for _ in range(concurrency)))
    return answers, seqs, len(refused)


async def wait_for_filings(bench: Bench, seqs: Sequence[int], expected: int) -> tuple[int, float]:
    """Until `expected` filings are complete at Slack (DM and card), or nothing more comes."""
    log = bench.slack.log
    last_change = time.perf_counter()
    seen = -1
    while True:
        times = [
            at
            for seq in seqs
            if (filing := log.filings.get(partner_id(seq))) is not None
            and (at := filing.done_at(True)) is not None
        ]
        now = time.perf_counter()
        if len(times) != seen:
            seen, last_change = len(times), now
        if len(times) >= expected or now - last_change > STALL_SECONDS:
            return len(times), max(times, default=now)
        await asyncio.sleep(POLL_SECONDS)


@asynccontextmanager
async def database_for(kind: str, options: Options, workdir: Path, name: str) -> AsyncIterator[str]:
    """A fresh, migrated database for one configuration: a SQLite file, or a PostgreSQL
    database of its own, dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / (name + '.sqlite3')}"
        await upgrade_to_head(url)
        yield url
        return
    database = f"liaison_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(options.postgres, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{database}"'))
        server = make_url(options.postgres).set(database=database)
        url = server.render_as_string(hide_password=False)
        await upgrade_to_head(url)
        yield url
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        await admin.dispose()


async def measure(bench: Bench, options: Options, kind: str, count: int, round_no: int) -> Run:
    """Start `count` replicas on a fresh database, warm them up, then time one burst."""
    run = Run(database=kind, replicas=count, round=round_no)
    name = f"{kind}-x{count}-r{round_no}"
    async with database_for(kind, options, bench.workdir, name) as url:
        setup = Setup(
            bench.slack.api_url, BOT_TOKEN, SIGNING_SECRET, url, bench.workdir, options.catalogue
        )
        replicas = [Replica(setup, f"{name}-{i}") for i in range(count)]
        try:
            await asyncio.gather(*(r.start() for r in replicas))
            urls = [r.url for r in replicas]
            warm, seqs, refused = await file(bench, urls, options.warmup, options.concurrency)
            await wait_for_filings(bench, seqs, warm.statuses.count(200) - refused)
            bench.slack.log.clear()
            backends = PostgresBackends(url)
            await backends.begin()
            cpu = [r.cpu_seconds() for r in replicas]
            generator, machine, start = (
                own_cpu_seconds(),
                machine_busy_seconds(),
                time.perf_counter(),
            )
            answers, seqs, run.refused = await file(
                bench, urls, options.filings, options.concurrency
            )
            run.sent = len(answers.statuses)
            run.acked = len(answers.statuses) - answers.failures() - run.refused
            run.completed, last = await wait_for_filings(bench, seqs, run.acked)
            end = time.perf_counter()
            run.replica_cpu_each_s = [
                r.cpu_seconds() - c for r, c in zip(replicas, cpu, strict=True)
            ]
            run.generator_cpu_s = own_cpu_seconds() - generator
            run.machine_busy_s = machine_busy_seconds() - machine
            run.postgres_cpu_s = await backends.seconds()
            run.replica_cpu_s = sum(run.replica_cpu_each_s)
            run.window_s = end - start
            run.seconds = last - start
            run.ack_p99_ms = percentile(answers.latencies_ms(), 0.99)
        finally:
            await asyncio.gather(*(r.stop() for r in replicas))
    return run


async def run_all(options: Options, workdir: Path) -> list[Run]:
    """Every configuration in turn, round after round, against one fake Slack."""
    slack = FakeSlack()
    await slack.start()
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=300)
    session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60))
    try:
        simulator = await start_slack()  # only to capture Slack's payload shapes, then gone
        try:
            async with acking_server() as url:
                templates = await capture_templates(simulator, url)
        finally:
            await simulator.stop()
        bench = Bench(slack, templates, session, workdir)
        runs = []
        for round_no in range(options.rounds):
            for kind, count in CONFIGS:
                run = await measure(bench, options, kind, count, round_no)
                runs.append(run)
                say(progress(run))
        return runs
    finally:
        await session.close()
        await slack.stop()


def progress(run: Run) -> str:
    """One line per measurement on stderr."""
    each = "+".join(f"{run.cores(c):.2f}" for c in run.replica_cpu_each_s)
    return (
        f"round {run.round} {run.label:14} {run.completed}/{run.sent} done "
        f"{run.completed_per_s:6.1f}/s ack p99 {run.ack_p99_ms:6.0f} ms; cores: replicas "
        f"{each}, postgres {run.cores(run.postgres_cpu_s):.2f}, generator "
        f"{run.cores(run.generator_cpu_s):.2f}, other {run.cores(run.other_cpu_s):.2f}"
    )


def say(line: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(line, file=sys.stderr, flush=True)


ROWS: tuple[tuple[str, str], ...] = (
    ("completed filings/s", "{:.0f}"),
    ("submission ack p99 ms", "{:.0f}"),
    ("forms kept open (not stored in time) or unanswered", "{:.0f}"),
    ("lost filings (acknowledged, never completed)", "{:.0f}"),
    ("replicas' CPU, cores", "{:.2f}"),
    ("PostgreSQL backends' CPU, cores", "{:.2f}"),
    ("generator + fake Slack CPU, cores", "{:.2f}"),
    ("everything else on the machine, cores", "{:.2f}"),
    ("replicas' CPU ms per completed filing", "{:.1f}"),
    ("PostgreSQL CPU ms per completed filing", "{:.1f}"),
)


def figures(run: Run) -> dict[str, float]:
    """One run's figures by row."""
    per = 1000 / run.completed if run.completed else math.nan
    return {
        ROWS[0][0]: run.completed_per_s,
        ROWS[1][0]: run.ack_p99_ms,
        ROWS[2][0]: run.sent - run.acked,
        ROWS[3][0]: max(0, run.acked - run.completed),
        ROWS[4][0]: run.cores(run.replica_cpu_s),
        ROWS[5][0]: run.cores(run.postgres_cpu_s),
        ROWS[6][0]: run.cores(run.generator_cpu_s),
        ROWS[7][0]: run.cores(run.other_cpu_s),
        ROWS[8][0]: run.replica_cpu_s * per,
        ROWS[9][0]: run.postgres_cpu_s * per,
    }


def table(runs: Sequence[Run]) -> dict[str, dict[str, float]]:
    """Medians over rounds (lost filings: the sum), by row and column."""
    columns = list(dict.fromkeys(r.label for r in runs))
    out: dict[str, dict[str, float]] = {}
    for label, _ in ROWS:
        out[label] = {}
        for column in columns:
            values = [figures(r)[label] for r in runs if r.label == column]
            counted = label.startswith(("lost", "forms"))
            out[label][column] = sum(values) if counted else statistics.median(values)
    return out


def format_table(rows: dict[str, dict[str, float]]) -> str:
    """A Markdown table, ready for the README."""
    columns = list(next(iter(rows.values())))
    lines = [
        "| measure | " + " | ".join(columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]
    for label, shape in ROWS:
        cells = [shape.format(rows[label][c]) for c in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdicts(runs: Sequence[Run]) -> list[str]:
    """What limited the run, in plain words."""
    cores = os.cpu_count() or 1
    worst = max(runs, key=lambda r: r.cores(r.generator_cpu_s))
    busy = max(runs, key=lambda r: r.cores(r.machine_busy_s))
    generator = worst.cores(worst.generator_cpu_s)
    return [
        f"generator + fake Slack: at most {generator:.0%} of one core ({worst.label}); "
        + ("below" if generator < GENERATOR_SATURATED else "ABOVE")
        + f" {GENERATOR_SATURATED:.0%}, so Slack "
        + ("was not" if generator < GENERATOR_SATURATED else "may have been")
        + " the limit",
        f"machine: at most {busy.cores(busy.machine_busy_s):.2f} of {cores} cores busy "
        f"({busy.label})",
        "lost filings: " + str(sum(max(0, r.acked - r.completed) for r in runs)),
    ]


def to_json(runs: Sequence[Run], options: Options, elapsed: float) -> dict[str, Any]:
    """Every figure, for --json."""
    return {
        "elapsed_s": elapsed,
        "options": {k: str(v) for k, v in asdict(options).items() if k != "postgres"},
        "runs": [{**asdict(r), "label": r.label, **figures(r)} for r in runs],
        "table": table(runs),
        "verdicts": verdicts(runs),
    }


def _interrupted(*_: object) -> None:
    raise KeyboardInterrupt  # so the replicas are stopped and the databases dropped


def main(argv: Sequence[str] | None = None) -> int:
    """Run every configuration and print the table."""
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="liaison-replicas-"))
    try:
        runs = asyncio.run(run_all(options, workdir))
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    mode = "quick (smoke run, not for comparison)" if options.quick else "full"
    print(
        f"Liaison replicas benchmark, {mode}: {options.filings} filings per configuration, "
        f"concurrency {options.concurrency}, {options.rounds} round(s), medians; {elapsed:.0f} s"
    )
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, nothing pinned")
    print()
    print(format_table(table(runs)))
    print()
    for line in verdicts(runs):
        print(line)
    if options.keep:
        print(f"kept: {workdir}")
    if options.json_file is not None:
        options.json_file.write_text(json.dumps(to_json(runs, options, elapsed), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
