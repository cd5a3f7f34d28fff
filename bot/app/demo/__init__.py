"""`liaison demo`: the real Liaison against the in-process Slack simulator, playing a day."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shlex
import sys
from pathlib import Path

from bot.app.demo.moves import DemoError
from bot.app.demo.script import play_day
from bot.app.demo.transcript import Entry, Transcript, render_html, render_text
from bot.app.local import LocalError, LocalLiaison, add_keep_dir_argument, fresh_database
from bot.clock import ManualClock

__all__ = ["DemoError", "Entry", "add_demo_arguments", "run_demo", "run_demo_command"]

# Monday 23 November 2026, 09:00 in New York (the example catalogue's zone): a working day,
# fixed so every run of the demo tells the same story and the transcript can be compared.
DEMO_START = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


async def run_demo(
    *, html: Path | None, database_dir: Path | None, start: dt.datetime = DEMO_START
) -> tuple[str, Path]:
    """Play the day on a fresh SQLite file; return the terminal transcript and the file's path."""
    database = fresh_database(database_dir, prefix="demo-")
    liaison = LocalLiaison(database_url=f"sqlite+aiosqlite:///{database}", clock=ManualClock(start))
    await liaison.start()
    try:
        transcript = Transcript(liaison, liaison.runtime.catalogue.calendar.timezone)
        await play_day(liaison, observer=transcript)
        transcript.flush()
    finally:
        await liaison.stop()
    if html is not None:
        await asyncio.to_thread(html.write_text, render_html(transcript.entries), "utf-8")
    return render_text(transcript.entries), database


def add_demo_arguments(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add `liaison demo [--html FILE] [--keep-dir DIR]` to the CLI's sub-commands."""
    parser = subparsers.add_parser(
        "demo",
        help="play a scripted day against a built-in Slack simulator (no Slack app needed)",
        description="Start Liaison against the in-process Slack simulator, play a day in the "
        "life of a shop on a simulated clock, and print what each person saw.",
    )
    parser.add_argument(
        "--html", type=Path, metavar="FILE", help="also write the transcript as an HTML page"
    )
    add_keep_dir_argument(parser, whose="the demo's")
    return parser


def run_demo_command(args: argparse.Namespace) -> int:
    """Run the demo for the CLI: print the transcript and where the database is; exit status."""
    html: Path | None = args.html
    try:
        text, database = asyncio.run(run_demo(html=html, database_dir=args.keep_dir))
    except (DemoError, LocalError) as error:
        sys.stderr.write(f"liaison demo: {error}\n")
        return 1
    sys.stdout.write(text)
    if html is not None:
        sys.stdout.write(f"\nThe transcript is also at {html}\n")
    sys.stdout.write(f"\nThe demo's database is {database}. Look inside it with:\n")
    sys.stdout.write(f"  {export_command(database)}\n")
    return 0


def export_command(database: Path, *, start: dt.datetime = DEMO_START) -> str:
    """The exact `liaison export` line for the demo's own database (no settings needed)."""
    url = shlex.quote(f"sqlite+aiosqlite:///{database}")
    return f"liaison export --database {url} --since {start.date().isoformat()}"
