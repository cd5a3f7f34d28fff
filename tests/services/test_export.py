"""`liaison export` on SQLite and PostgreSQL: columns, counts, latest poll, quoting, window."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.settings import OfflineSettings, load_offline_settings
from bot.supervisors.export import COLUMNS, parse_since, run_export, write_export
from storage import history, polls
from storage.engine import Database
from storage.export import stream_export
from tests.factories import make_request

COMMENT = 'Fast, "great" work,\nthanks'
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


async def seed(database: Database, now: dt.datetime) -> None:
    """REQ-1 closed with history and two polls, REQ-2 new with nothing, REQ-3 too old for 30d,
    REQ-4 with a skipped poll."""
    opened = now - 2 * DAY
    async with database.transaction() as session:
        first = await make_request(
            session,
            now=opened,
            priority="P1",
            impact="stopped",
            status="closed",
            assignee_id="U0SAM",
            first_responded_at=opened + dt.timedelta(minutes=10),
            first_response_due=opened + dt.timedelta(minutes=30),
            resolution_due=opened + 4 * HOUR,
            resolved_at=opened + 6 * HOUR,
            resolution_breached_at=opened + 4 * HOUR,
            closed_at=opened + DAY,
            paused_seconds=600,
        )
        kinds = ["claim", "promise_kept", "promise_kept", "promise_lapsed", "reopen", "resolve"]
        for minutes, kind in enumerate(kinds, start=1):
            await history.append_event(
                session,
                request_id=first.id,
                at=opened + dt.timedelta(minutes=minutes),
                kind=kind,
                actor_id="U0SAM",
                partner_visible=True,
            )
        await _poll(session, first.id, opened + 7 * HOUR, status="skipped", skip_reason="cooldown")
        await _poll(
            session,
            first.id,
            opened + DAY,
            status="closed",
            answered_at=opened + DAY,
            rating=4,
            informed="partly",
            trust=5,
            comment=COMMENT,
        )
        await make_request(session, now=now - DAY, summary="Printer, jammed")
        await make_request(session, now=now - 40 * DAY)
        fourth = await make_request(session, now=now - HOUR, status="closed", closed_at=now)
        await _poll(session, fourth.id, now, status="skipped", skip_reason="sampled_out")


async def _poll(session: AsyncSession, request_id: int, at: dt.datetime, **fields: object) -> None:
    await polls.insert_poll(
        session,
        request_id=request_id,
        partner_id="U0PARTNER",
        created_at=at,
        expires_at=at + 3 * DAY,
        **fields,
    )


async def export_text(database: Database, since: dt.datetime, fmt: str) -> str:
    out = io.StringIO()
    async with database.reading() as session:
        await write_export(stream_export(session, since=since, chunk=2), out=out, fmt=fmt)
    return out.getvalue()


def settings_for(url: str) -> OfflineSettings:
    return load_offline_settings(_env_file=None, database_url=url)


async def test_csv_has_the_documented_columns_and_one_row_per_request_in_the_window(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    await seed(database, now)
    text = await export_text(database, now - 30 * DAY, "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert [r[0] for r in rows[1:]] == ["REQ-1", "REQ-2", "REQ-4"]
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first == {
        "number": "REQ-1",
        "service": "network",
        "partner": "U0PARTNER",
        "partner_name": "",
        "assignee": "U0SAM",
        "assignee_name": "",
        "priority": "P1",
        "impact": "stopped",
        "status": "closed",
        "opened_at": "2026-11-21T14:00:00Z",
        "first_response_due": "2026-11-21T14:30:00Z",
        "first_responded_at": "2026-11-21T14:10:00Z",
        "first_response_met": "true",
        "resolution_due": "2026-11-21T18:00:00Z",
        "resolved_at": "2026-11-21T20:00:00Z",
        "resolution_met": "false",
        "closed_at": "2026-11-22T14:00:00Z",
        "first_response_breached": "false",
        "resolution_breached": "true",
        "paused_seconds": "600",
        "promises_kept": "2",
        "promises_lapsed": "1",
        "reopened": "1",
        "poll_status": "answered",
        "poll_skip_reason": "",
        "rating": "4",
        "kept_informed": "partly",
        "trust": "5",
        "comment": COMMENT,
    }


async def test_commas_quotes_and_newlines_are_quoted_in_csv(
    database: Database, clock: ManualClock
) -> None:
    await seed(database, clock.now())
    text = await export_text(database, clock.now() - 30 * DAY, "csv")
    assert '"Fast, ""great"" work,\nthanks"' in text


async def test_a_request_without_a_poll_has_empty_poll_columns_and_zero_counts(
    database: Database, clock: ManualClock
) -> None:
    await seed(database, clock.now())
    text = await export_text(database, clock.now() - 30 * DAY, "csv")
    second = next(
        r for r in csv.DictReader(io.StringIO(text, newline="")) if r["number"] == "REQ-2"
    )
    poll_columns = (
        "poll_status",
        "poll_skip_reason",
        "rating",
        "kept_informed",
        "trust",
        "comment",
    )
    assert {column: second[column] for column in poll_columns} == dict.fromkeys(poll_columns, "")
    assert (second["promises_kept"], second["reopened"], second["first_response_met"]) == (
        "0",
        "0",
        "",
    )


async def test_jsonl_is_one_object_a_line_with_typed_values(
    database: Database, clock: ManualClock
) -> None:
    await seed(database, clock.now())
    text = await export_text(database, clock.now() - 30 * DAY, "jsonl")
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["number"] for r in records] == ["REQ-1", "REQ-2", "REQ-4"]
    assert all(tuple(r) == COLUMNS for r in records)
    first, second, fourth = records
    assert (first["comment"], first["resolution_met"], first["promises_kept"]) == (
        COMMENT,
        False,
        2,
    )
    assert (second["poll_status"], second["rating"], second["first_response_met"]) == (
        None,
        None,
        None,
    )
    assert (fourth["poll_status"], fourth["poll_skip_reason"]) == ("skipped", "sampled_out")


@pytest.mark.parametrize(
    ("since", "numbers"),
    [
        ("30d", ["REQ-1", "REQ-2", "REQ-4"]),
        ("90d", ["REQ-1", "REQ-2", "REQ-3", "REQ-4"]),
        ("12h", ["REQ-4"]),
        ("2026-11-22", ["REQ-2", "REQ-4"]),
    ],
)
async def test_since_limits_the_export_to_requests_opened_in_the_window(
    database: Database,
    database_url: str,
    clock: ManualClock,
    tmp_path: Path,
    since: str,
    numbers: list[str],
) -> None:
    await seed(database, clock.now())
    target = tmp_path / "export.jsonl"
    args = argparse.Namespace(since=since, format="jsonl", output=target, database=None)
    assert await run_export(settings_for(database_url), args, clock=clock) == 0
    exported = [json.loads(line)["number"] for line in target.read_text().splitlines()]
    assert exported == numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", dt.datetime(2026, 11, 16, 14, tzinfo=dt.UTC)),
        ("12h", dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC)),
        ("2026-11-01", dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        ("2026-11-01T09:00:00-05:00", dt.datetime(2026, 11, 1, 14, tzinfo=dt.UTC)),
    ],
)
def test_since_reads_relative_windows_and_iso_dates(text: str, expected: dt.datetime) -> None:
    assert parse_since(text, now=dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC)) == expected


@pytest.mark.parametrize("text", ["soon", "30", "d30", "2026-13-01", ""])
def test_since_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="expected 7d"):
        parse_since(text, now=dt.datetime(2026, 11, 23, 14, tzinfo=dt.UTC))
