"""In-process: CPU per filing of filing itself and of the after-filing pass, with and without
the desk's awareness (issue #15), over one long suspected outage.

Run: .venv/bin/python -m benchmarks.after_filing [--seconds 10] [--per-second 150]
     [--build with|without]  (one build once, for valgrind to count; see benchmarks/README.md)

Liaison is built as `liaison run` builds it (`build_runtime`, the example catalogue, a fresh
SQLite file), on a ManualClock and without its server or its loops: each simulated second,
`--per-second` partners file on one service with nearly the same words, sixteen at a time
through the real `IntakeService`, and then the scheduler looks for due timers, as it does
under load; the after-filing timers fall due AFTER_FILING after their filing, so a pass that
fires them comes every AFTER_FILING and covers the filings since the last. The outbox is not
run: what the pass queues for Slack is counted in the pass, what sending it costs is not (the
load benchmark measures that). Process CPU time is read around each step, so the database
thread's work counts. After the first pass the burst is alerted and every filing joins it:
the steady state the load benchmark measures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.app.local import EXAMPLE_CATALOGUE, Workspace
from bot.app.wiring import build_runtime
from bot.clock import ManualClock
from bot.domain.timers import TimerKind
from bot.intake.awareness import AFTER_FILING, REQUESTS
from bot.intake.filing import RequestForm
from bot.runtime import Runtime
from bot.settings import load_settings
from storage.migrate import upgrade_to_head
from storage.models import Timer

CONCURRENCY = 16  # partners filing at once, as in the load benchmark
# Seconds: the first pass that fires comes at the end of this one and alerts the burst, and
# the passes after it are the steady state.
STEADY_FROM = math.ceil(AFTER_FILING.total_seconds())


@dataclass(frozen=True)
class Figures:
    """CPU ms per filing: filing itself, every pass, and the passes once the burst is alerted."""

    filings: int
    looked_at: int  # filings the passes looked at: with awareness, every one
    filing_ms: float
    pass_ms: float
    steady_pass_ms: float
    first_pass_ms: float  # the first pass: every report searched, partners told


async def build(workdir: Path, *, awareness: bool) -> Runtime:
    """Liaison on a fresh SQLite file, as `liaison run` builds it, on a ManualClock."""
    workspace = Workspace()
    url = f"sqlite+aiosqlite:///{workdir / 'liaison.sqlite3'}"
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-bench-token",
        slack_app_token="xapp-bench-token",
        slack_signing_secret="bench-signing-secret-000000000000",
        slack_mode="http",
        slack_api_url="http://127.0.0.1:9/api/",  # never called: the outbox does not run
        database_url=url,
        triage_channel=workspace.triage_channel,
        catalogue_file=EXAMPLE_CATALOGUE,
        supervisors=",".join(workspace.ids("supervisor")),
        supervisor_channel=workspace.supervisor_channel,
        announcements_channel=workspace.announcements_channel,
    )
    await upgrade_to_head(url)
    clock = ManualClock(dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC))
    return await build_runtime(settings, clock=clock, awareness=awareness)


def forms(first: int, count: int) -> list[RequestForm]:
    """Reports from new partners about the network, as the load benchmark sends them."""
    return [
        RequestForm(
            partner_id=f"UBF{n:07d}",
            service_id="network",
            summary=f"No network in building 4, room 210 #{n}",
            details="",
            impact="degraded",
            needed_by=None,
        )
        for n in range(first, first + count)
    ]


async def measure(*, awareness: bool, seconds: int, per_second: int) -> Figures:
    """File `per_second` requests a simulated second, then run the scheduler's pass."""
    workdir = Path(tempfile.mkdtemp(prefix="liaison-after-filing-"))
    runtime = await build(workdir, awareness=awareness)
    assert isinstance(runtime.clock, ManualClock)
    step = dt.timedelta(seconds=CONCURRENCY / per_second)
    filing: list[float] = []
    passes: list[float] = []
    filed = 0
    try:
        for _ in range(seconds):
            started = time.process_time()
            for first in range(0, per_second, CONCURRENCY):
                batch = forms(filed + first + 1, min(CONCURRENCY, per_second - first))
                await asyncio.gather(*(runtime.intake.submit_request(f) for f in batch))
                await runtime.clock.advance(step)
            filed += per_second
            between = time.process_time()
            await runtime.scheduler.run_pass()
            filing.append(between - started)
            passes.append(time.process_time() - between)
        # The last filings' timers fall due after the last second: one more pass, once they
        # are due, so that every filing's pass is counted.
        await runtime.clock.advance(AFTER_FILING)
        started = time.process_time()
        await runtime.scheduler.run_pass()
        passes[-1] += time.process_time() - started
        looked_at = await _looked_at(runtime)
    finally:
        await runtime.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return Figures(
        filings=filed,
        looked_at=looked_at,
        filing_ms=_per_filing(filing, per_second),
        pass_ms=_per_filing(passes, per_second),
        steady_pass_ms=_per_filing(passes[STEADY_FROM:], per_second),
        first_pass_ms=_per_filing(passes[:STEADY_FROM], per_second),
    )


async def _looked_at(runtime: Runtime) -> int:
    """How many filings the after-filing timers that fired covered (one timer per commit)."""
    query = select(Timer.data).where(
        Timer.kind == TimerKind.FILED_AWARENESS, Timer.status == "fired"
    )
    async with runtime.database.reading() as session:
        return sum(len(data.get(REQUESTS, [])) for data in await session.scalars(query))


def _per_filing(seconds: Sequence[float], per_second: int) -> float:
    return 1000 * sum(seconds) / (per_second * len(seconds)) if seconds else 0.0


def parse_args() -> argparse.Namespace:
    """--seconds, --per-second, and --build to run one build once (to count its instructions)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.after_filing", description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="simulated seconds of filing")
    parser.add_argument("--per-second", type=int, default=150, help="filings a simulated second")
    parser.add_argument(
        "--build",
        choices=("both", "with", "without"),
        default="both",
        help="both builds twice, interleaved (default), or one build once",
    )
    args = parser.parse_args()
    if args.seconds <= STEADY_FROM or args.per_second < 1:
        parser.error(f"--seconds must be more than {STEADY_FROM}, --per-second at least 1")
    return args


async def main() -> None:
    """Both builds twice, interleaved, or the one asked for once; one line each."""
    args = parse_args()
    builds = {"both": (True, False, True, False), "with": (True,), "without": (False,)}
    for awareness in builds[args.build]:
        f = await measure(awareness=awareness, seconds=args.seconds, per_second=args.per_second)
        name = "with awareness" if awareness else "without awareness"
        print(
            f"{name}: {f.filings} filings, {f.looked_at} looked at after filing; "
            f"filing {f.filing_ms:.2f} ms CPU per filing, "
            f"after-filing pass {f.pass_ms:.2f} (first pass {f.first_pass_ms:.2f}, "
            f"from second {STEADY_FROM + 1} on {f.steady_pass_ms:.2f})",
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
