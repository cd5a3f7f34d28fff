"""`liaison db copy --to URL`: move a Liaison database (e.g. from SQLite to PostgreSQL)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy.engine import make_url

from bot.settings import Settings
from storage.copy import CopyError, copy_database

EXIT_USAGE = 2


def add_db_arguments(commands: Any) -> None:
    """Register `db copy` on the CLI's subcommands."""
    db = commands.add_parser("db", help="database maintenance")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="action")
    copy = actions.add_parser(
        "copy", help="copy every table from DATABASE_URL into an empty database"
    )
    copy.add_argument("--to", required=True, metavar="URL", help="the target database URL")


async def run_db_command(settings: Settings, args: argparse.Namespace) -> int:
    """Run `db copy`; a target that is not empty (or any mismatch) exits 2 with one line."""
    target = str(args.to)
    try:
        counts = await copy_database(settings.database_url, target)
    except CopyError as exc:
        print(f"liaison: db copy: {exc}", file=sys.stderr)  # noqa: T201
        return EXIT_USAGE
    for table, count in counts.items():
        print(f"{table}: {count}")  # noqa: T201
    shown = make_url(target).render_as_string(hide_password=True)
    print(f"copied {sum(counts.values())} rows into {shown}; counts verified")  # noqa: T201
    return 0
