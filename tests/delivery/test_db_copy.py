"""`liaison db copy --to`: a SQLite Liaison moves to PostgreSQL whole, or not at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.clock import ManualClock
from storage import outbox, requests, timers
from storage.engine import Database
from tests.factories import make_request

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def _liaison(source: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
        "SLACK_APP_TOKEN": "xapp-1-A1-abc",
        "TRIAGE_CHANNEL": "C0TRIAGE",
        "CATALOGUE_FILE": str(ROOT / "catalogue.example.toml"),
        "DATABASE_URL": source,
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


async def test_copy_moves_every_row_and_refuses_a_target_that_is_not_empty(
    sqlite_url: str, postgres_url: str, clock: ManualClock
) -> None:
    source = Database(sqlite_url)
    try:
        async with source.transaction() as session:
            for _ in range(3):
                request = await make_request(session, now=clock.now())
                await timers.schedule(
                    session,
                    kind="nudge",
                    due_at=clock.now(),
                    now=clock.now(),
                    request_id=request.id,
                )
                await outbox.enqueue(
                    session,
                    now=clock.now(),
                    method="chat.postMessage",
                    args={"channel": "C0TRIAGE", "text": f"card {request.number}"},
                    ordering_key=f"req:{request.id}",
                    request_id=request.id,
                )
    finally:
        await source.dispose()

    copied = _liaison(sqlite_url, "db", "copy", "--to", postgres_url)
    assert copied.returncode == 0, copied.stderr
    assert "requests: 3" in copied.stdout and "outbox: 3" in copied.stdout
    assert "counts verified" in copied.stdout

    target = Database(postgres_url)
    try:
        async with target.reading() as session:
            moved = await requests.get_request(session, number=2)
            assert moved is not None and moved.opened_at == clock.now()
        async with target.transaction() as session:  # new rows get ids after the copied ones
            fresh = await make_request(session, now=clock.now())
        assert fresh.id == 4
    finally:
        await target.dispose()

    again = _liaison(sqlite_url, "db", "copy", "--to", postgres_url)
    assert again.returncode == 2
    assert "the target database is not empty: " in again.stderr
    assert "requests (4 rows)" in again.stderr
