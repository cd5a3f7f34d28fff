"""Many thousands of signed, malformed payloads against a real Liaison: no 5xx, still working.

Run: .venv/bin/python -m benchmarks.fuzz [--per-seed 2000] [--seed 1] [--concurrency 8]

The same driver as tests/e2e/test_fuzz.py (simulator/fuzzing.py), at a size too slow for
CI: Liaison in HTTP mode against the simulator and a fresh SQLite file, eight real payloads
(slash command, view_submission, view_closed, block_actions, message and app_home_opened
events, message and global shortcuts) each mutated `--per-seed` times. Prints the answers by
status, the rate, and any 5xx or unanswered mutant; exits 1 if there was one, or if a normal
`/request` filing fails afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

from bot.app.local import LocalLiaison
from bot.clock import ManualClock, monotonic
from simulator import HttpTransport
from simulator.fuzzing import Tally, collect_seeds, fire

PARTNER = "U0PAT"


async def run(per_seed: int, seed: int, concurrency: int) -> int:
    """Fuzz one fresh Liaison; returns the process exit status."""
    with tempfile.TemporaryDirectory(prefix="liaison-fuzz-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'liaison.db'}"
        local = LocalLiaison(database_url=url, clock=ManualClock())
        await local.start()
        try:
            transport = local.slack.transport
            assert isinstance(transport, HttpTransport)
            seeds = await collect_seeds(local.slack, PARTNER, message_channel="C0ANNOUNCE")
            await local.settle()
            started = monotonic()
            tally = await fire(
                transport, seeds, per_seed=per_seed, seed=seed, concurrency=concurrency
            )
            elapsed = monotonic() - started
            await local.settle()
            working = await still_files(local)
        finally:
            await local.stop()
    report(tally, elapsed, working)
    return 0 if working and not tally.failures else 1


async def still_files(local: LocalLiaison) -> bool:
    """A normal filing after the storm: the form opens, submits and the partner hears back."""
    before = len(local.slack.dm_messages(PARTNER))
    result = await local.slack.command(PARTNER, "/request", "")
    if not result.ok:
        return False
    await local.slack.wait_for_view(PARTNER)
    submitted = await local.slack.submit_view(
        PARTNER, {"service": "network", "impact": "stopped", "summary": "after the fuzz"}
    )
    await local.settle()
    return submitted.closed and len(local.slack.dm_messages(PARTNER)) > before


def report(tally: Tally, elapsed: float, working: bool) -> None:
    """Print the figures benchmarks/README.md quotes."""
    print(f"mutants: {tally.total} in {elapsed:.1f} s ({tally.total / elapsed:.0f}/s)")
    for status, count in sorted(tally.statuses.items()):
        print(f"  HTTP {status}: {count}")
    print(f"5xx or unanswered: {len(tally.failures)}")
    for seed, how, status in tally.failures[:20]:
        print(f"  {seed} {how} -> {status}")
    print(f"normal filing afterwards: {'works' if working else 'FAILED'}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-seed", type=int, default=2000, help="mutants of each payload")
    parser.add_argument("--seed", type=int, default=1, help="random seed (runs repeat)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
    options = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # one line per refusal would drown the report
    started = time.perf_counter()
    status = asyncio.run(run(options.per_seed, options.seed, options.concurrency))
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    sys.exit(status)


if __name__ == "__main__":
    main()
