"""`liaison sandbox`: serve the sandbox page until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from bot.app.local import LocalError, add_keep_dir_argument, fresh_database
from bot.app.sandbox.server import SandboxServer, is_loopback
from bot.app.sandbox.session import Sandbox
from bot.clock import SystemClock


@contextlib.asynccontextmanager
async def running_sandbox(
    *, database_dir: Path | None, start: dt.datetime, host: str = "127.0.0.1", port: int = 8080
) -> AsyncIterator[SandboxServer]:
    """A started sandbox (Liaison, simulator, page) on a fresh database; stopped on exit."""
    database = fresh_database(database_dir, prefix="sandbox-")
    sandbox = await Sandbox.start(database, start=start)
    server = SandboxServer(sandbox, host=host, port=port)
    try:
        await server.start()
        yield server
    finally:
        await server.stop()
        await sandbox.stop()


def add_sandbox_arguments(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add `liaison sandbox [--host H] [--port P] [--keep-dir DIR] [--start WHEN]`."""
    parser = subparsers.add_parser(
        "sandbox",
        help="a local web page that behaves like a Slack workspace around Liaison",
        description="Start Liaison against the in-process Slack simulator and serve a page where "
        "you act as partners, technicians and a supervisor. No Slack app is needed.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (8080)")
    add_keep_dir_argument(parser, whose="the sandbox's")
    parser.add_argument(
        "--start",
        type=_moment,
        metavar="WHEN",
        help="simulated start time, ISO 8601 with an offset, e.g. 2026-11-23T09:00-05:00 "
        "(default: now)",
    )
    return parser


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs an offset, e.g. -05:00 or Z")
    return moment


def run_sandbox_command(args: argparse.Namespace) -> int:
    """Serve until interrupted; exit status 1 when it cannot start."""
    start = args.start or SystemClock().now().replace(second=0, microsecond=0)
    if not is_loopback(args.host):
        sys.stderr.write(
            f"liaison sandbox: listening on {args.host}: anyone who can reach it can act as "
            "anyone in the sandbox.\n"
        )
    try:
        asyncio.run(_serve(args, start))
    except (LocalError, OSError) as error:
        sys.stderr.write(f"liaison sandbox: {error}\n")
        return 1
    return 0


async def _serve(args: argparse.Namespace, start: dt.datetime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with running_sandbox(
        database_dir=args.keep_dir, start=start, host=args.host, port=args.port
    ) as server:
        database = server.sandbox.liaison.database_url.removeprefix("sqlite+aiosqlite:///")
        sys.stdout.write(
            f"Liaison sandbox: open {server.url} in a browser (Ctrl-C to stop).\n"
            f"Its database is {database}; look inside it with `liaison export`.\n"
        )
        sys.stdout.flush()
        await stop.wait()
