"""Load benchmark: bare Bolt, a naive handler and Liaison, side by side, against their targets.

Liaison runs twice: as deployed, and without the awareness after each filing, so the cost of
that feature on filing throughput is measured in the same run (issue #15: within 10 %).

Run `.venv/bin/python -m benchmarks.load` (about ten minutes) or `--quick` (a smoke run of
about a minute). See benchmarks/README.md for how each figure is measured.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.fakeslack import FakeSlack
from benchmarks.memory import MemoryFigures, measure_memory, seed
from benchmarks.report import (
    APPS,
    Figures,
    awareness_comparison,
    awareness_verdict,
    format_awareness,
    format_table,
    format_targets,
    lines,
    targets,
)
from benchmarks.runs import Bench, Kind, Result, kept_up, measure
from benchmarks.servers import (
    LIAISON_APPS,
    SERVER_CORE,
    AppKind,
    ServerProcess,
    ServerSpec,
    pin_to,
)
from benchmarks.workload import capture_templates, start_slack
from bot.app.local import SIGNING_SECRET

GENERATOR_CORE = 0
KINDS: tuple[Kind, ...] = ("command", "submission")
BOT_TOKEN = "xoxb-bench-token"  # the fake Slack's, on 127.0.0.1
APP_TOKEN = "xapp-bench-token"


@dataclass(frozen=True)
class Options:
    """How long and how often to measure."""

    seconds: float  # each closed-loop burst
    rounds: int
    warmup: float
    open_seconds: float  # each open-loop step
    open_steps: int
    open_searches: int  # whole open-loop searches; each app's figure is their median
    open_grace: float  # work must be done this long after the last request was due
    memory_requests: int  # 0: skip the memory run
    limit: int  # requests per burst at most
    quick: bool
    json_file: Path | None
    keep: bool
    profile_dir: Path | None = None  # cProfile of each Liaison server's event loop thread


FULL = {
    "seconds": 5.0,
    "rounds": 3,
    "warmup": 1.0,
    "open_seconds": 5.0,
    "open_steps": 6,
    "open_searches": 3,
    "open_grace": 1.0,
    "memory_requests": 100_000,
    "limit": 20_000,
}
QUICK = {
    "seconds": 1.0,
    "rounds": 1,
    "warmup": 0.3,
    "open_seconds": 1.0,
    "open_steps": 2,
    "open_searches": 1,
    "open_grace": 1.0,
    "memory_requests": 2_000,
    "limit": 300,
}


def parse_args(argv: Sequence[str] | None) -> Options:
    """Read the command line: --quick, or the full run with a few knobs."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke run: ~1 s bursts, 1 round")
    parser.add_argument("--seconds", type=float, help="length of each burst (full: 5)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds, medians (full: 3)")
    parser.add_argument("--memory-requests", type=int, help="open requests (full: 100000; 0 skips)")
    parser.add_argument(
        "--open-searches", type=int, help="open-loop searches, median kept (full: 3)"
    )
    parser.add_argument("--json", type=Path, dest="json_file", help="write every figure here")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (dbs, logs)")
    parser.add_argument(
        "--profile",
        type=Path,
        dest="profile_dir",
        help="write a CPU profile of each Liaison server here (slows them: figures not comparable)",
    )
    args = parser.parse_args(argv)
    chosen: dict[str, Any] = dict(QUICK if args.quick else FULL)
    for name in ("seconds", "rounds", "memory_requests", "open_searches"):
        if getattr(args, name) is not None:
            chosen[name] = getattr(args, name)
    if chosen["seconds"] <= 0 or min(chosen["rounds"], chosen["open_searches"]) < 1:
        parser.error("--seconds must be positive, --rounds and --open-searches at least 1")
    if chosen["memory_requests"] < 0:
        parser.error("--memory-requests must be 0 or more")
    return Options(
        **chosen,
        quick=args.quick,
        json_file=args.json_file,
        keep=args.keep,
        profile_dir=args.profile_dir,
    )


def spec(
    app: AppKind, slack: FakeSlack, workdir: Path, database: str, profile_dir: Path | None = None
) -> ServerSpec:
    """What a server process needs; each app has its own SQLite file and log."""
    return ServerSpec(
        app=app,
        api_url=slack.api_url,
        bot_token=BOT_TOKEN,
        app_token=APP_TOKEN,
        signing_secret=SIGNING_SECRET,
        database_url=f"sqlite+aiosqlite:///{workdir / database}",
        log_file=workdir / f"{Path(database).stem}.log",
        core=SERVER_CORE,
        profile_file=profile_dir / f"{app}.prof" if profile_dir and app in LIAISON_APPS else None,
    )


async def run(options: Options, workdir: Path) -> Figures:
    """Start the fake Slack and the four servers, measure, stop everything."""
    slack = FakeSlack()
    await slack.start()
    if options.profile_dir is not None:
        options.profile_dir.mkdir(parents=True, exist_ok=True)
    servers = {
        app: ServerProcess(spec(app, slack, workdir, f"{app}.sqlite3", options.profile_dir))
        for app in APPS
    }
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=300)
    session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60))
    try:
        for server in servers.values():
            server.start()
            say(f"{server.spec.app} server: pid {server.pid}, {server.url}")
        simulator = await start_slack()  # only to capture Slack's payload shapes, then gone
        try:
            templates = await capture_templates(simulator, servers["bare"].url)
        finally:
            await simulator.stop()
        bench = Bench(slack, servers, session, templates)
        figures = await _measure_all(bench, options)
        for app in LIAISON_APPS:  # the memory run starts a Liaison of its own
            servers[app].stop()
        if options.memory_requests:
            figures.memory = await _memory(bench, options, workdir)
        return figures
    finally:
        await session.close()
        for server in servers.values():  # the memory run's Liaison replaced the first one
            server.stop()
        await slack.stop()


async def _measure_all(bench: Bench, options: Options) -> Figures:
    if options.warmup:
        say(f"warm-up: {options.warmup} s of each kind per app")
        for kind in KINDS:
            for app in APPS:
                await measure(bench, app, kind, round_no=-1, concurrency=16, seconds=options.warmup)
    closed: list[Result] = []
    for round_no in range(options.rounds):
        for kind in KINDS:
            for app in APPS:
                r = await measure(
                    bench,
                    app,
                    kind,
                    round_no=round_no,
                    concurrency=16,
                    seconds=options.seconds,
                    limit=options.limit,
                )
                closed.append(r)
                say(progress(r))
    searches: list[dict[str, float]] = []
    steps: list[Result] = []
    for search_no in range(options.open_searches):
        rates, tried = await open_search(bench, options, closed, search_no=search_no)
        searches.append(rates)
        steps.extend(tried)
    c64: list[Result] = []
    for app in APPS:
        r = await measure(
            bench,
            app,
            "submission",
            round_no=0,
            concurrency=64,
            seconds=options.seconds,
            limit=options.limit,
        )
        c64.append(r)
        say(progress(r))
    return Figures(
        closed=closed,
        open_rates={app: statistics.median(s[app] for s in searches) for app in APPS},
        open_searches=searches,
        open_steps=steps,
        c64=c64,
        memory=None,
    )


async def open_search(
    bench: Bench, options: Options, closed: Sequence[Result], *, search_no: int
) -> tuple[dict[str, float], list[Result]]:
    """Highest steady filing rate each app keeps up with: a bounded search, apps interleaved.

    It starts near the app's closed-loop completed rate, grows by a quarter while the app
    keeps up and halves the gap once it does not; `open_steps` tries per app, no more. Each
    try is one trial, so one trial near the edge decides a search: a full run makes
    `open_searches` of them and keeps each app's median.
    """
    low: dict[str, float] = dict.fromkeys(APPS, 0.0)
    high: dict[str, float | None] = dict.fromkeys(APPS, None)
    rate: dict[str, float] = {}
    for app in APPS:
        done = [r.completed_per_s for r in closed if r.app == app and r.kind == "submission"]
        rate[app] = max(5.0, 0.9 * statistics.median(done)) if done else 50.0
    steps: list[Result] = []
    for _ in range(options.open_steps):
        for app in APPS:
            r = await measure(
                bench,
                app,
                "submission",
                round_no=search_no,
                rate=rate[app],
                seconds=options.open_seconds,
                limit=options.limit,
            )
            steps.append(r)
            ok = kept_up(r, options.open_grace)
            say(progress(r) + (" kept up" if ok else " fell behind"))
            if ok:
                low[app] = max(low[app], rate[app])
            else:
                high[app] = rate[app]
            top = high[app]
            rate[app] = low[app] * 1.25 if top is None else (low[app] + top) / 2
    return low, steps


async def _memory(bench: Bench, options: Options, workdir: Path) -> MemoryFigures:
    """Seed a database, start a fresh Liaison on it, touch it, read its memory."""
    say(f"memory: seeding {options.memory_requests:,} open requests")
    server_spec = spec("liaison", bench.slack, workdir, "memory.sqlite3")
    seconds = await seed(server_spec.database_url, options.memory_requests)
    server = ServerProcess(server_spec)
    server.start()
    bench.servers["liaison"] = server
    say(f"memory: seeded in {seconds:.0f} s; liaison pid {server.pid}")
    try:
        figures = await measure_memory(bench, options.memory_requests, seconds, options.seconds)
    finally:
        server.stop()
    say(f"memory: {figures}")
    return figures


def progress(r: Result) -> str:
    """One line per measurement on stderr."""
    load = f"c={r.load:.0f}" if r.mode == "closed" else f"{r.load:.0f}/s"
    line = (
        f"round {r.round} {r.app:7} {r.kind:10} {load:>8} {r.sent:6} sent "
        f"{r.acks_per_s:6.0f} acks/s p99 {r.p99_ms:7.1f} ms max {r.max_ms:7.0f} ms "
        f"done {r.completed}/{r.sent} {r.completed_per_s:6.0f}/s "
        f"srv {r.server_cpu_s * 1000 / max(1, r.completed):5.2f} ms/done "
        f"gen {r.generator_busy:4.0%}"
    )
    if r.failed_acks:
        line += f" failed {r.failed_acks}"
    return line


def log_problems(path: Path) -> collections.Counter[str]:
    """Count a server log's WARNING/ERROR/CRITICAL lines by logger and first words."""
    problems: collections.Counter[str] = collections.Counter()
    for line in path.read_text(errors="replace").splitlines():
        parts = line.split(" ", 4)
        if len(parts) == 5 and parts[2] in ("WARNING", "ERROR", "CRITICAL"):
            problems[f"{parts[2]} {parts[3]} {' '.join(parts[4].split()[:6])}"] += 1
    return problems


def say(text: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(text, file=sys.stderr, flush=True)


def to_json(figures: Figures, elapsed: float) -> dict[str, Any]:
    """Every figure, with the derived rates, for --json."""

    def result(r: Result) -> dict[str, Any]:
        return {
            **asdict(r),
            "acks_per_s": r.acks_per_s,
            "completed_per_s": r.completed_per_s,
            "lost": r.lost,
            "generator_busy": r.generator_busy,
        }

    rows = lines(figures)
    comparison = awareness_comparison(figures)
    worst, within = awareness_verdict(comparison)
    return {
        "elapsed_s": elapsed,
        "closed": [result(r) for r in figures.closed],
        "open_steps": [result(r) for r in figures.open_steps],
        "open_rates": figures.open_rates,
        "open_searches": figures.open_searches,
        "c64": [result(r) for r in figures.c64],
        "memory": asdict(figures.memory) if figures.memory else None,
        "table": {row.label: row.values for row in rows},
        "awareness": {
            "figures": [{**asdict(c), "difference_pct": c.difference} for c in comparison],
            "difference_pct": worst.difference if worst else None,
            "within": within,
        },
        "targets": [
            {"target": name, "measured": measured, "met": met}
            for name, measured, met in targets(figures, rows)
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    options = parse_args(argv)
    pinned = {GENERATOR_CORE, SERVER_CORE} <= os.sched_getaffinity(0)
    pin_to(GENERATOR_CORE)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="liaison-bench-"))
    try:
        figures = asyncio.run(run(options, workdir))
        problems = {log.stem: log_problems(log) for log in sorted(workdir.glob("*.log"))}
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - started
    rows = lines(figures)
    mode = "quick (smoke run, not for comparison)" if options.quick else "full"
    print(
        f"Liaison load benchmark, {mode}: concurrency 16, {options.rounds} x "
        f"{options.seconds:g} s interleaved ({', '.join(APPS)}), medians; {elapsed:.0f} s"
    )
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
        + (
            f"servers on core {SERVER_CORE}, generator + fake Slack on core {GENERATOR_CORE}"
            if pinned
            else "NOT pinned (fewer than 2 usable cores)"
        )
    )
    print()
    print(format_table(rows))
    print()
    print(format_awareness(awareness_comparison(figures)))
    print()
    print(format_targets(targets(figures, rows)))
    print()
    for name, counter in problems.items():
        print(f"{name} log: {sum(counter.values())} warning/error lines")
        for text, count in counter.most_common(5):
            print(f"  {count:6d}  {text}")
    if options.keep:
        print(f"kept: {workdir}")
    if options.json_file is not None:
        options.json_file.write_text(json.dumps(to_json(figures, elapsed), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
