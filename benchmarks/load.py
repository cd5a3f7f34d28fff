"""Load benchmark: Liaison against a bare Bolt app, slash commands and modal submissions.

Run `.venv/bin/python -m benchmarks.load [--requests N] [--concurrency 1,16,64] [--rounds 3]`.
See benchmarks/README.md for what is measured and what each column means.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import math
import os
import platform
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import aiohttp

from benchmarks.servers import AppKind, ServerProcess, ServerSpec, pin_to
from benchmarks.workload import (
    Mark,
    Store,
    Templates,
    capture_templates,
    command_body,
    signed_headers,
    start_slack,
    submission_body,
)
from bot.local import SIGNING_SECRET
from bot.simulator import SlackSimulator

Kind = Literal["command", "submission"]
KINDS: tuple[Kind, ...] = ("command", "submission")
APPS: tuple[AppKind, ...] = ("bare", "liaison")
GENERATOR_CORE = 0
GENERATOR_SATURATED = 0.85  # above this the load generator (with Slack) may be the bottleneck
LATE_MS = 3000.0  # Slack gives up on an ack after three seconds
POLL_SECONDS = 0.01  # how often completed work is counted
STALL_SECONDS = 30.0  # give up waiting for work that makes no progress for this long
SETTLE_SECONDS = 0.3  # pause after a round so the server is idle before the next one
TARGET_CONCURRENCY = 16
COMMAND_TARGET = 0.80
COMMAND_P99_MS = 100.0
COMPLETED_TARGET = 0.50


@dataclass
class Shot:
    """The answers to one burst of requests: when it started and ended, latency and status."""

    start: float
    end: float
    latencies_ms: list[float]
    statuses: list[int]

    @property
    def seconds(self) -> float:
        """Return the wall time from the first request sent to the last answer read."""
        return self.end - self.start

    def failures(self) -> int:
        """Count answers that were not 200, or came later than Slack would wait."""
        return sum(
            1
            for status, ms in zip(self.statuses, self.latencies_ms, strict=True)
            if status != 200 or ms > LATE_MS
        )


@dataclass
class Measurement:
    """One app, one kind, one concurrency, one round: acks, completed work and CPU."""

    app: AppKind
    kind: Kind
    concurrency: int
    requests: int
    round: int
    ack_seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    ack_failures: int
    server_cpu_seconds: float  # from the first request until the work it caused was done
    loop_cpu_seconds: float  # the part of it spent in the event loop's thread
    work_seconds: float  # the same window's wall time
    generator_cpu_seconds: float  # the load generator (and simulator) during the ack window
    stored_seconds: float | None = None  # submissions: until the last row was stored
    sent_seconds: float | None = None  # submissions: until both messages of every row were sent
    stored: int = 0
    queued: int = 0
    sent: int = 0
    views_opened: int = 0
    views_failed: dict[str, int] = field(default_factory=dict)


@dataclass
class Bench:
    """Everything the rounds share: the simulator, both servers, the session and the database."""

    sim: SlackSimulator
    servers: dict[AppKind, ServerProcess]
    session: aiohttp.ClientSession
    templates: Templates
    store: Store
    sequence: int = 0

    def next_sequence(self) -> int:
        """Return a fresh number for a submitted summary."""
        self.sequence += 1
        return self.sequence


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def own_cpu_seconds() -> float:
    """Return this process's user + system CPU seconds (every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def fire(
    session: aiohttp.ClientSession,
    url: str,
    requests: int,
    concurrency: int,
    body_for: Callable[[int], bytes],
) -> Shot:
    """Send `requests` signed POSTs from `concurrency` workers over keep-alive connections."""
    latencies = [0.0] * requests
    statuses = [0] * requests
    indices = iter(range(requests))

    async def worker() -> None:
        for i in indices:
            body = body_for(i)
            headers = signed_headers(body)
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    statuses[i] = response.status
            except (aiohttp.ClientError, TimeoutError):
                statuses[i] = 0
            latencies[i] = (time.perf_counter() - started) * 1000

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Shot(start, time.perf_counter(), latencies, statuses)


@dataclass
class StoreWatch:
    """When a round's rows were all stored and all their messages sent (perf_counter times)."""

    stored_at: float | None = None
    sent_at: float | None = None
    stored: int = 0
    queued: int = 0
    sent: int = 0


async def watch_store(store: Store, mark: Mark, requests: int, watch: StoreWatch) -> None:
    """Poll the database until every row is stored and every message sent (or work stalls)."""
    last_change = time.perf_counter()
    while True:
        progress = store.progress(mark)
        now = time.perf_counter()
        if (progress.stored, progress.sent) != (watch.stored, watch.sent):
            last_change = now
        watch.stored, watch.queued, watch.sent = progress.stored, progress.queued, progress.sent
        if watch.stored_at is None and progress.stored >= requests:
            watch.stored_at = now
        if progress.sent >= 2 * requests:
            watch.sent_at = now
            return
        if now - last_change > STALL_SECONDS:
            return
        await asyncio.sleep(POLL_SECONDS)


async def wait_views_opened(
    sim: SlackSimulator, requests: int
) -> tuple[float, int, dict[str, int]]:
    """Wait until Liaison has called views.open once per command; return when, ok, errors."""
    last_change, seen = time.perf_counter(), -1
    while True:
        calls = sim.calls_to("views.open")
        now = time.perf_counter()
        if len(calls) != seen:
            seen, last_change = len(calls), now
        if len(calls) >= requests or now - last_change > STALL_SECONDS:
            break
        await asyncio.sleep(POLL_SECONDS)
    errors = collections.Counter(str(c.error) for c in calls if not c.ok)
    return now, sum(1 for c in calls if c.ok), dict(errors)


async def run_one(
    bench: Bench, app: AppKind, kind: Kind, concurrency: int, requests: int, round_no: int
) -> Measurement:
    """Run one burst against one app and wait for the work it caused; return what was seen."""
    server = bench.servers[app]
    liaison = app == "liaison"
    body_for: Callable[[int], bytes]
    if kind == "command":

        def body_for(_: int) -> bytes:
            return command_body(bench.sim, bench.templates)
    else:
        bodies = [submission_body(bench.templates, bench.next_sequence()) for _ in range(requests)]
        body_for = bodies.__getitem__
    mark = bench.store.mark()
    bench.sim.clear_calls()
    watch = StoreWatch()
    watcher = None
    if liaison and kind == "submission":
        watcher = asyncio.create_task(watch_store(bench.store, mark, requests, watch))
    cpu_before, generator_before = server.cpu_seconds(), own_cpu_seconds()
    loop_before = server.main_thread_cpu_seconds()
    shot = await fire(bench.session, server.url, requests, concurrency, body_for)
    generator_cpu = own_cpu_seconds() - generator_before
    done_at, opened = shot.end, 0
    failed: dict[str, int] = {}
    if watcher is not None:
        await watcher
        done_at = watch.sent_at or time.perf_counter()
    elif liaison:
        done_at, opened, failed = await wait_views_opened(bench.sim, requests)
    server_cpu = server.cpu_seconds() - cpu_before
    loop_cpu = server.main_thread_cpu_seconds() - loop_before
    await asyncio.sleep(SETTLE_SECONDS)
    ordered = sorted(shot.latencies_ms)
    return Measurement(
        app=app,
        kind=kind,
        concurrency=concurrency,
        requests=requests,
        round=round_no,
        ack_seconds=shot.seconds,
        p50_ms=percentile(ordered, 0.50),
        p99_ms=percentile(ordered, 0.99),
        max_ms=ordered[-1],
        ack_failures=shot.failures(),
        server_cpu_seconds=server_cpu,
        loop_cpu_seconds=loop_cpu,
        work_seconds=done_at - shot.start,
        generator_cpu_seconds=generator_cpu,
        stored_seconds=None if watch.stored_at is None else watch.stored_at - shot.start,
        sent_seconds=None if watch.sent_at is None else watch.sent_at - shot.start,
        stored=watch.stored,
        queued=watch.queued,
        sent=watch.sent,
        views_opened=opened,
        views_failed=failed,
    )


# -- the table ---------------------------------------------------------------------------


@dataclass
class Row:
    """One printed line: medians over rounds of one app, kind and concurrency."""

    app: str
    kind: str
    concurrency: int
    requests: int
    throughput: float | None  # None: the work of some round never finished
    p50_ms: float | None
    p99_ms: float | None
    cpu_ms: float
    server_busy: float
    generator_busy: float
    ratio: float | None
    failures: int


def _throughput(m: Measurement, row_kind: str) -> float | None:
    """Requests per second for a row kind, or None when that work never finished."""
    seconds = {
        "command": m.ack_seconds,
        "submission": m.ack_seconds,
        "submission-completed": m.stored_seconds,
        "submission-sent": m.sent_seconds,
    }[row_kind]
    return m.requests / seconds if seconds else None


def _failures(m: Measurement, row_kind: str) -> int:
    """Failed acks; for completed work, rows or messages missing at the end."""
    if row_kind == "submission-completed":
        return m.requests - m.stored + max(0, 2 * m.stored - m.queued)
    if row_kind == "submission-sent":
        return 2 * m.requests - m.sent
    if m.app == "liaison" and row_kind == "command":
        return m.ack_failures + (m.requests - m.views_opened)
    return m.ack_failures


def _median_or_none(values: Sequence[float | None]) -> float | None:
    """The median, or None when any value is missing (a round whose work never finished)."""
    return None if any(v is None for v in values) else _median(values)


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def build_rows(measurements: Sequence[Measurement]) -> list[Row]:
    """Median of each column over rounds; the ratio is the median of per-round ratios."""
    groups: dict[tuple[str, str, int], list[Measurement]] = collections.defaultdict(list)
    for m in measurements:
        groups[(m.app, m.kind, m.concurrency)].append(m)
    rows: list[Row] = []
    for (app, kind, concurrency), group in sorted(groups.items(), key=_group_order):
        row_kinds = ["command"] if kind == "command" else ["submission"]
        if app == "liaison" and kind == "submission":
            row_kinds += ["submission-completed", "submission-sent"]
        bare = groups.get(("bare", kind, concurrency), [])
        for row_kind in row_kinds:
            rows.append(_row(app, row_kind, concurrency, group, bare))
    return rows


def _group_order(item: tuple[tuple[str, str, int], list[Measurement]]) -> tuple[int, int, int]:
    (app, kind, concurrency), _ = item
    return KINDS.index(kind), concurrency, APPS.index(app)


def _row(
    app: str, row_kind: str, concurrency: int, group: list[Measurement], bare: list[Measurement]
) -> Row:
    acks = row_kind in ("command", "submission")
    ratios: list[float | None] = []
    if app != "bare":
        bare_by_round = {m.round: m for m in bare}
        for m in group:
            floor_run = bare_by_round.get(m.round)
            mine = _throughput(m, row_kind)
            floor = _throughput(floor_run, m.kind) if floor_run else None
            ratios.append(mine / floor if mine and floor else None)
    return Row(
        app=app,
        kind=row_kind,
        concurrency=concurrency,
        requests=group[0].requests,
        throughput=_median_or_none([_throughput(m, row_kind) for m in group]),
        p50_ms=_median([m.p50_ms for m in group]) if acks else None,
        p99_ms=_median([m.p99_ms for m in group]) if acks else None,
        cpu_ms=_median([m.server_cpu_seconds * 1000 / m.requests for m in group]) or 0.0,
        server_busy=_median([m.server_cpu_seconds / m.work_seconds for m in group]) or 0.0,
        generator_busy=_median([m.generator_cpu_seconds / m.ack_seconds for m in group]) or 0.0,
        ratio=_median_or_none(ratios),
        failures=sum(_failures(m, row_kind) for m in group),
    )


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(rows: Sequence[Row]) -> str:
    """Render rows as an aligned text table."""
    header = (
        "app",
        "kind",
        "conc",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "CPU ms/req",
        "srv CPU%",
        "gen CPU%",
        "vs bare",
        "fail",
    )
    lines = [
        (
            r.app,
            r.kind,
            str(r.concurrency),
            str(r.requests),
            _fmt(r.throughput, ".0f"),
            _fmt(r.p50_ms, ".1f"),
            _fmt(r.p99_ms, ".1f"),
            _fmt(r.cpu_ms, ".2f"),
            _fmt(r.server_busy * 100, ".0f"),
            _fmt(r.generator_busy * 100, ".0f")
            + ("!" if r.generator_busy > GENERATOR_SATURATED else ""),
            _fmt(r.ratio, ".2f"),
            str(r.failures),
        )
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(header, *lines, strict=True)]
    left = {0, 1}

    def render(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = [render(header), render(["-" * w for w in widths])]
    previous = None
    for row, cells in zip(rows, lines, strict=True):
        group = (row.kind.split("-")[0], row.concurrency)
        if previous is not None and group != previous:
            out.append("")
        previous = group
        out.append(render(cells))
    if any(r.generator_busy > GENERATOR_SATURATED for r in rows):
        out.append(
            f"! load generator above {GENERATOR_SATURATED:.0%} of its core: that row's"
            " throughput is a lower bound (Slack's simulator shares the generator's core)"
        )
    return "\n".join(out)


def verdicts(rows: Sequence[Row]) -> list[str]:
    """The targets, each with its measured value and MET / MISSED."""

    def find(kind: str) -> Row | None:
        matches = [
            r
            for r in rows
            if r.app == "liaison" and r.kind == kind and r.concurrency == TARGET_CONCURRENCY
        ]
        return matches[0] if matches else None

    command, completed = find("command"), find("submission-completed")
    out: list[str] = []
    if command is None or completed is None:
        return [f"targets are judged at concurrency {TARGET_CONCURRENCY}: not measured"]
    ratio = command.ratio or 0.0
    p99 = command.p99_ms or math.inf
    met = ratio >= COMMAND_TARGET and p99 < COMMAND_P99_MS
    out.append(
        f"/request acks at c={TARGET_CONCURRENCY}: {ratio:.2f} x bare (target >= "
        f"{COMMAND_TARGET:.2f}), p99 {p99:.1f} ms (target < {COMMAND_P99_MS:.0f}): "
        f"{'MET' if met else 'MISSED'}"
    )
    done = completed.ratio or 0.0
    out.append(
        f"request creation (completed) at c={TARGET_CONCURRENCY}: {done:.2f} x bare "
        f"(target >= {COMPLETED_TARGET:.2f}): {'MET' if done >= COMPLETED_TARGET else 'MISSED'}"
    )
    for r in rows:
        if r.app == "liaison" and r.kind == "submission-completed":
            out.append(
                f"  completed/bare at c={r.concurrency}: {_fmt(r.ratio, '.2f')}"
                f" ({_fmt(r.throughput, '.0f')} req/s)"
            )
    return out


# -- running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """Command-line options."""

    requests: int
    serial_requests: int
    concurrency: tuple[int, ...]
    rounds: int
    warmup: int
    keep: bool
    json_file: Path | None
    profile_file: Path | None

    def requests_at(self, concurrency: int) -> int:
        """Return how many requests to send at one concurrency level."""
        return self.serial_requests if concurrency == 1 else self.requests


def parse_args(argv: Sequence[str] | None) -> Options:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="requests per level")
    parser.add_argument(
        "--serial-requests",
        type=int,
        default=200,
        help="requests at concurrency 1, which is latency-bound (0: same as --requests)",
    )
    parser.add_argument("--concurrency", default="1,16,64", help="comma-separated levels")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests per kind")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (db, logs)")
    parser.add_argument("--json", type=Path, dest="json_file", help="write raw results here")
    parser.add_argument(
        "--profile",
        type=Path,
        dest="profile_file",
        help="run Liaison's server under cProfile and write the stats here (slows it down)",
    )
    args = parser.parse_args(argv)
    levels = tuple(int(x) for x in str(args.concurrency).split(",") if x.strip())
    if args.requests < 1 or args.serial_requests < 0 or args.rounds < 1:
        parser.error("--requests and --rounds must be at least 1, --serial-requests at least 0")
    if not levels or min(levels) < 1:
        parser.error("every concurrency level must be at least 1")
    return Options(
        requests=args.requests,
        serial_requests=args.serial_requests or args.requests,
        concurrency=levels,
        rounds=args.rounds,
        warmup=max(0, args.warmup),
        keep=bool(args.keep),
        json_file=args.json_file,
        profile_file=args.profile_file,
    )


async def run(options: Options, workdir: Path) -> list[Measurement]:
    """Start Slack and both servers, warm up, run the interleaved rounds and stop everything."""
    sim = await start_slack()
    database = workdir / "liaison.sqlite3"
    servers: dict[AppKind, ServerProcess] = {}
    for app in APPS:
        servers[app] = ServerProcess(
            ServerSpec(
                app=app,
                api_url=sim.api_url,
                bot_token=sim.bot_token,
                app_token=sim.app_token,
                signing_secret=SIGNING_SECRET,
                database_url=f"sqlite+aiosqlite:///{database}",
                log_file=workdir / f"{app}.log",
                profile_file=options.profile_file if app == "liaison" else None,
            )
        )
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=300)
    session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120))
    try:
        for server in servers.values():
            server.start()
            print(f"{server.spec.app} server: pid {server.pid}, {server.url}", file=sys.stderr)
        templates = await capture_templates(sim, servers["bare"].url)
        bench = Bench(sim, servers, session, templates, Store(database))
        return await _rounds(bench, options)
    finally:
        await session.close()
        for server in servers.values():
            server.stop()
        await sim.stop()


async def _rounds(bench: Bench, options: Options) -> list[Measurement]:
    if options.warmup:
        print(f"warm-up: {options.warmup} of each kind per app", file=sys.stderr)
        for kind in KINDS:
            for app in APPS:
                await run_one(bench, app, kind, TARGET_CONCURRENCY, options.warmup, -1)
    results: list[Measurement] = []
    for round_no in range(options.rounds):
        for kind in KINDS:
            for concurrency in options.concurrency:
                for app in APPS:
                    requests = options.requests_at(concurrency)
                    m = await run_one(bench, app, kind, concurrency, requests, round_no)
                    results.append(m)
                    print(_progress(m), file=sys.stderr)
    bench.store.close()
    return results


def _progress(m: Measurement) -> str:
    line = (
        f"round {m.round} {m.app:7} {m.kind:10} c={m.concurrency:<3} "
        f"{m.requests / m.ack_seconds:7.0f} acks/s p99 {m.p99_ms:7.1f} ms "
        f"cpu {m.server_cpu_seconds * 1000 / m.requests:5.2f} ms/req"
        f" (loop {m.loop_cpu_seconds * 1000 / m.requests:5.2f})"
    )
    if m.stored_seconds:
        line += f" stored {m.requests / m.stored_seconds:5.0f}/s"
    if m.sent_seconds:
        line += f" sent {m.requests / m.sent_seconds:5.0f}/s"
    if m.views_failed:
        line += f" views.open failed {m.views_failed}"
    return line


def log_problems(path: Path) -> collections.Counter[str]:
    """Count WARNING/ERROR/CRITICAL lines of a server log by logger and first words."""
    problems: collections.Counter[str] = collections.Counter()
    if not path.exists():
        return problems
    for line in path.read_text(errors="replace").splitlines():
        parts = line.split(" ", 4)
        if len(parts) == 5 and parts[2] in ("WARNING", "ERROR", "CRITICAL"):
            problems[f"{parts[2]} {parts[3]} {' '.join(parts[4].split()[:6])}"] += 1
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    options = parse_args(argv)
    pinned = {GENERATOR_CORE, 1} <= os.sched_getaffinity(0)
    pin_to(GENERATOR_CORE)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    try:
        measurements = asyncio.run(run(options, workdir))
        store = Store(workdir / "liaison.sqlite3")
        statuses = store.outbox_statuses()
        store.close()
        problems = {app: log_problems(workdir / f"{app}.log") for app in APPS}
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    rows = build_rows(measurements)
    print(
        f"Liaison load benchmark: {options.requests} requests per level "
        f"({options.serial_requests} at concurrency 1), concurrency "
        f"{','.join(map(str, options.concurrency))}, {options.rounds} interleaved rounds "
        f"(bare, Liaison), medians; {elapsed:.0f} s"
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
        + (
            f"server on core 1, load generator + Slack simulator on core {GENERATOR_CORE}"
            if pinned
            else "NOT pinned (fewer than 2 usable cores)"
        )
    )
    print()
    print(format_table(rows))
    print()
    for line in verdicts(rows):
        print(line)
    print()
    print(f"outbox rows by status at the end: {statuses}")
    for app, counter in problems.items():
        total = sum(counter.values())
        print(f"{app} log: {total} warning/error lines")
        for text, count in counter.most_common(5):
            print(f"  {count:6d}  {text}")
    if options.keep:
        print(f"kept: {workdir}")
    if options.json_file is not None:
        options.json_file.write_text(json.dumps([asdict(m) for m in measurements], indent=1))
    if options.profile_file is not None:
        print(
            f"\ncProfile of Liaison's server (it slowed the figures above): {options.profile_file}"
        )
        pstats.Stats(str(options.profile_file)).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
