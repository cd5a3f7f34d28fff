"""`liaison export`: requests with their targets and poll answers, as CSV or JSON lines."""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import logging
import re
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Protocol, TextIO

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, SystemClock
from bot.domain.digest import Figure, Period, headline
from bot.domain.model import format_number
from bot.domain.poll import poll_state
from bot.settings import OfflineSettings, database_url_shape
from bot.supervisors import figures
from bot.workspace.names import NameDirectory
from storage.engine import Database
from storage.export import ExportRow, stream_export

logger = logging.getLogger(__name__)
EXIT_USAGE = 2
FORMATS = ("csv", "jsonl")
COLUMNS = (
    "number",
    "service",
    "partner",
    "partner_name",
    "assignee",
    "assignee_name",
    "priority",
    "impact",
    "status",
    "opened_at",
    "first_response_due",
    "first_responded_at",
    "first_response_met",
    "resolution_due",
    "resolved_at",
    "resolution_met",
    "closed_at",
    "first_response_breached",
    "resolution_breached",
    "paused_seconds",
    "promises_kept",
    "promises_lapsed",
    "reopened",
    "poll_status",
    "poll_skip_reason",
    "rating",
    "kept_informed",
    "trust",
    "comment",
)
_RELATIVE = re.compile(r"(\d{1,5})([dh])")
Value = str | int | float | bool | None


def add_export_arguments(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the `export` sub-command; its values are checked in run_export, one line per error."""
    parser = subparsers.add_parser("export", help="write one row per request as CSV or JSON lines")
    parser.add_argument(
        "--since", default="30d", help="7d, 30d, 90d, 12h or an ISO date (default: 30d)"
    )
    parser.add_argument("--format", default="csv", help="csv or jsonl (default: csv)")
    parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
    parser.add_argument(
        "--database",
        help="database URL to read (default: DATABASE_URL, else ./data/liaison.db)",
    )
    parser.add_argument(
        "--figures",
        action="store_true",
        help="write the period's figures (as digests and stats count them) instead of requests",
    )


def parse_since(text: str, *, now: dt.datetime) -> dt.datetime:
    """The start of the export window: `<n>d`, `<n>h`, or an ISO date or time (UTC if no zone).

    Raises:
        ValueError: with a message fit to show the operator.
    """
    text = text.strip()
    relative = _RELATIVE.fullmatch(text)
    if relative:
        amount, unit = int(relative[1]), relative[2]
        return now - (dt.timedelta(days=amount) if unit == "d" else dt.timedelta(hours=amount))
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected 7d, 30d, 90d, 12h or an ISO date, got {text!r}") from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


async def run_export(
    settings: OfflineSettings, args: argparse.Namespace, *, clock: Clock | None = None
) -> int:
    """Write the export where `args` says; returns the exit status.

    Needs only a database: `--database` or DATABASE_URL. A bot token, when set, adds names.
    """
    now = (clock or SystemClock()).now()
    try:
        since = parse_since(args.since, now=now)
    except ValueError as exc:
        return _usage_error(f"--since: {exc}")
    if args.format not in FORMATS:
        return _usage_error(f"--format: expected csv or jsonl, got {args.format!r}")
    url = getattr(args, "database", None) or settings.database_url
    try:
        database_url_shape(url)
    except ValueError as exc:
        return _usage_error(f"--database: {exc}")
    database = Database(url)
    try:
        with _output(args.output) as out:
            async with database.reading() as session:
                if getattr(args, "figures", False):
                    measured = await figures.measure(session, period=Period(since, now), names=str)
                    count = write_figures(headline(measured), Period(since, now), out, args.format)
                else:
                    rows = stream_export(session, since=since)
                    names = _names(settings, clock or SystemClock())
                    count = await write_export(rows, out=out, fmt=args.format, names=names)
    except OSError as exc:
        return _usage_error(f"--output: {exc.strerror or exc}")
    except SQLAlchemyError as exc:
        reason = f"{type(exc).__name__} (is the database migrated?)"
        print(f"liaison: export failed: {reason}", file=sys.stderr)  # noqa: T201
        return 1
    finally:
        await database.dispose()
    logger.info("exported rows=%s format=%s since=%s", count, args.format, since.isoformat())
    return 0


class NameBook(Protocol):
    """Who a user ID is, for a report a person reads (NameDirectory asks Slack)."""

    async def name(self, user_id: str) -> str | None:
        """The person's name, or None when unknown."""
        ...


class NoNames:
    """The offline export: Liaison stores user IDs only, so without Slack there are no names."""

    async def name(self, user_id: str) -> str | None:
        """Always unknown."""
        return None


def _names(settings: OfflineSettings, clock: Clock) -> NameBook:
    """Names from users.info (cached per person) when a bot token is set, else none."""
    token = settings.slack_bot_token.get_secret_value()
    if not token:
        return NoNames()
    client = AsyncWebClient(token=token, base_url=settings.slack_api_url)
    # users.info is rate limited; a large export waits out a 429 rather than losing names.
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=3))
    return NameDirectory(client=client, clock=clock)


def write_figures(values: dict[str, Figure], period: Period, out: TextIO, fmt: str) -> int:
    """One row: the period and its figures by name (the digest's own counts)."""
    record: dict[str, Value] = {"since": _iso(period.start), "until": _iso(period.end)}
    record.update({k: round(v, 2) if isinstance(v, float) else v for k, v in values.items()})
    if fmt == "csv":
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(record.keys())
        writer.writerow([_csv_cell(v) for v in record.values()])
    else:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 1


async def write_export(
    rows: AsyncIterator[ExportRow], *, out: TextIO, fmt: str, names: NameBook | None = None
) -> int:
    """Write each row as it arrives (CSV with a header, or one JSON object a line)."""
    book = names or NoNames()
    count = 0
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
    if fmt == "csv":
        writer.writerow(COLUMNS)
    async for row in rows:
        record = export_record(
            row,
            partner_name=await book.name(row.partner_id),
            assignee_name=await book.name(row.assignee_id) if row.assignee_id else None,
        )
        if fmt == "csv":
            writer.writerow([_csv_cell(v) for v in record.values()])
        else:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_record(
    row: ExportRow, *, partner_name: str | None = None, assignee_name: str | None = None
) -> dict[str, Value]:
    """One request as the documented columns, in order, with JSON-ready values."""
    return {
        "number": format_number(row.number),
        "service": row.service_id,
        "partner": row.partner_id,
        "partner_name": partner_name,
        "assignee": row.assignee_id,
        "assignee_name": assignee_name,
        "priority": row.priority,
        "impact": row.impact,
        "status": row.status,
        "opened_at": _iso(row.opened_at),
        "first_response_due": _iso(row.first_response_due),
        "first_responded_at": _iso(row.first_responded_at),
        "first_response_met": _met(row.first_responded_at, row.first_response_due),
        "resolution_due": _iso(row.resolution_due),
        "resolved_at": _iso(row.resolved_at),
        "resolution_met": _met(row.resolved_at, row.resolution_due),
        "closed_at": _iso(row.closed_at),
        "first_response_breached": row.first_response_breached_at is not None,
        "resolution_breached": row.resolution_breached_at is not None,
        "paused_seconds": row.paused_seconds,
        "promises_kept": row.promises_kept,
        "promises_lapsed": row.promises_lapsed,
        "reopened": row.reopened,
        "poll_status": poll_state(row.poll_status, answered=row.poll_answered_at is not None),
        "poll_skip_reason": row.poll_skip_reason,
        "rating": row.rating,
        "kept_informed": row.kept_informed,
        "trust": row.trust,
        "comment": row.comment,
    }


def _met(at: dt.datetime | None, due: dt.datetime) -> bool | None:
    """Met or missed once it happened; empty while it has not (the same rule as the poll facts)."""
    return None if at is None else at <= due


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _csv_cell(value: Value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """The file to write (created or replaced), or standard output left open."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        yield out


def _usage_error(line: str) -> int:
    print(f"liaison: {line}", file=sys.stderr)  # noqa: T201
    return EXIT_USAGE
