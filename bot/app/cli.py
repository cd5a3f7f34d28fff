"""`liaison run | migrate | check-config | export | db | demo | sandbox`: entry points."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

import aiohttp

from bot.app.db_cli import add_db_arguments, run_db_command
from bot.app.demo import add_demo_arguments, run_demo_command
from bot.app.sandbox.cli import add_sandbox_arguments, run_sandbox_command
from bot.catalogue import Catalogue, CatalogueError, load_catalogue
from bot.observability.logging import configure_logging
from bot.settings import (
    Settings,
    SettingsError,
    catalogue_file_setting,
    load_offline_settings,
    load_settings,
)
from bot.supervisors.export import add_export_arguments, run_export
from storage.migrate import upgrade_to_head

logger = logging.getLogger(__name__)
EXIT_CONFIG = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        # The demo brings its own simulated Slack: it needs no settings and no workspace.
        return run_demo_command(args)
    if args.command == "sandbox":
        return run_sandbox_command(args)
    if args.command == "export":
        # Reading a database needs no Slack settings: any Liaison database, offline.
        return _export(args)
    if args.command == "check-config":
        return _check_config(offline=args.offline)
    try:
        settings = load_settings()
        load_catalogue(settings.catalogue_file)  # checked before the run, as `run` always did
    except SettingsError as exc:
        return _problems(exc.problems)
    except CatalogueError as exc:
        return _problems([f"CATALOGUE_FILE: {p}" for p in exc.problems])
    configure_logging(
        level=settings.log_level,
        json_lines=settings.log_format == "json",
        secrets=settings.secrets(),
    )
    if args.command == "migrate":
        revision = asyncio.run(upgrade_to_head(settings.database_url))
        print(f"database is at revision {revision}")  # noqa: T201
        return 0
    if args.command == "db":
        return asyncio.run(run_db_command(settings, args))
    asyncio.run(_run(settings))
    return 0


def _problems(lines: Sequence[object]) -> int:
    for line in lines:
        print(f"liaison: {line}", file=sys.stderr)  # noqa: T201
    return EXIT_CONFIG


def _export(args: argparse.Namespace) -> int:
    try:
        offline = load_offline_settings()
    except SettingsError as exc:
        return _problems(exc.problems)
    configure_logging(level="WARNING", json_lines=False, secrets=offline.secrets())
    return asyncio.run(run_export(offline, args))


def _check_config(*, offline: bool) -> int:
    """Every problem in the settings and in the catalogue, one line each, in one run.

    Only when both are sound is Slack asked about the channels (unless `offline`).
    """
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = load_settings()
    except SettingsError as exc:
        problems += exc.problems
    try:
        # The catalogue is checked even when other settings are wrong: one run, every problem.
        catalogue = load_catalogue(
            settings.catalogue_file if settings else catalogue_file_setting()
        )
    except CatalogueError as exc:
        problems += [f"CATALOGUE_FILE: {p}" for p in exc.problems]
        catalogue = None
    if problems or settings is None or catalogue is None:
        return _problems(problems)
    configure_logging(
        level=settings.log_level,
        json_lines=settings.log_format == "json",
        secrets=settings.secrets(),
    )
    print(  # noqa: T201
        f"configuration is valid: mode={settings.slack_mode} "
        f"services={len(catalogue.services)} database={_safe_url(settings.database_url)}"
    )
    return 0 if offline else asyncio.run(_check_channels(settings, catalogue))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liaison", description="Mission-partner communication in Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    commands.add_parser("run", help="migrate the database and serve Slack")
    commands.add_parser("migrate", help="bring the database schema up to date")
    check = commands.add_parser(
        "check-config", help="validate settings and the catalogue, ask Slack about the channels"
    )
    check.add_argument(
        "--offline", action="store_true", help="do not ask Slack whether the channels are private"
    )
    add_export_arguments(commands)
    add_db_arguments(commands)
    add_demo_arguments(commands)
    add_sandbox_arguments(commands)
    return parser


async def _check_channels(settings: Settings, catalogue: Catalogue) -> int:
    """Ask Slack whether the triage and supervisors' channels are private; 2 when one is not."""
    from bot.app.wiring import channel_privacy

    async with aiohttp.ClientSession() as http:
        privacy = channel_privacy(settings, catalogue, http=http)
        problems = await privacy.problems()
    for line in problems:
        print(f"liaison: {line}", file=sys.stderr)  # noqa: T201
    if not problems:
        print("internal channels are private")  # noqa: T201
    public = any("is a public channel" in line for line in problems)
    return EXIT_CONFIG if public else 0


async def _run(settings: Settings) -> None:
    from bot.app.server import LiaisonServer
    from bot.app.wiring import build_runtime

    revision = await upgrade_to_head(settings.database_url)
    logger.info("database ready revision=%s", revision)
    runtime = await build_runtime(settings)
    await runtime.privacy.log_problems()
    server = LiaisonServer(runtime)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await server.start()
        await stop.wait()
        logger.info("shutting down")
    finally:
        await server.stop()
        await runtime.close()


def _safe_url(url: str) -> str:
    """A database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
