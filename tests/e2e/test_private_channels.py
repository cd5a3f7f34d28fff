"""Internal notes go only into private channels; Liaison says which channel is public and why."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app.local import SIGNING_SECRET, LocalLiaison
from bot.clock import ManualClock
from bot.workspace.privacy import PRIVACY_TTL
from tests.e2e.helpers import file_request
from tests.e2e.test_triage import card_thread, modal, partner_thread, press, refusals

pytestmark = pytest.mark.e2e
SAM = "U0SAM"
ROOT = Path(__file__).resolve().parents[2]
NOTE = {
    "status": "in_progress",
    "partner_message": "Swapping the toner now",
    "internal_note": "Partner's unit is on the recall list",
}


@pytest.fixture
async def allowed(sqlite_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    """An operator who accepts internal notes in a public channel."""
    local = LocalLiaison(
        database_url=sqlite_url, clock=clock, overrides={"allow_public_internal_notes": True}
    )
    await local.start()
    yield local
    await local.stop()


async def test_an_internal_note_bound_for_a_public_channel_is_refused_in_one_line(
    liaison: LocalLiaison, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    liaison.slack.convert_channel(liaison.workspace.triage_channel, private=False)
    await liaison.advance(PRIVACY_TTL)  # Liaison looked at start; it looks again after this
    await file_request(liaison)
    await press(liaison, SAM, "req_claim")
    await press(liaison, SAM, "req_update")
    view = await liaison.slack.wait_for_view(SAM)
    result = await liaison.slack.submit_view(SAM, NOTE, view_id=view.id)
    assert not result.closed
    refusal = result.errors["internal_note"]
    assert refusal.startswith("Not sent: #triage (C0TRIAGE) is a public channel")
    assert "make the channel private" in refusal and "\n" not in refusal
    await liaison.settle()
    assert "recall list" not in " ".join(m.rendered for m in card_thread(liaison))
    assert "Swapping the toner" not in " ".join(m.rendered for m in partner_thread(liaison))
    logged = [r.getMessage() for r in caplog.records if "internal note refused" in r.getMessage()]
    assert len(logged) == 1 and "#triage (C0TRIAGE) is a public channel" in logged[0]
    assert "convert it to a private channel" in logged[0]
    without_note = {**NOTE, "internal_note": ""}
    result = await liaison.slack.submit_view(SAM, without_note, view_id=view.id)
    assert result.closed, result.errors
    await liaison.settle()
    assert "Swapping the toner" in " ".join(m.rendered for m in partner_thread(liaison))


async def test_a_private_triage_channel_gets_the_note(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await press(liaison, SAM, "req_claim")
    await modal(liaison, SAM, "req_update", NOTE)
    assert refusals(liaison, SAM) == []
    assert "recall list" in " ".join(m.rendered for m in card_thread(liaison))


async def test_the_setting_allows_a_public_channel_explicitly(allowed: LocalLiaison) -> None:
    allowed.slack.convert_channel(allowed.workspace.triage_channel, private=False)
    await allowed.advance(PRIVACY_TTL)
    await file_request(allowed)
    await press(allowed, SAM, "req_claim")
    await modal(allowed, SAM, "req_update", NOTE)
    assert refusals(allowed, SAM) == []
    assert "recall list" in " ".join(m.rendered for m in card_thread(allowed))
    [line] = await allowed.runtime.privacy.problems()
    assert "ALLOW_PUBLIC_INTERNAL_NOTES=true" in line


async def check_config(liaison: LocalLiaison, tmp_path: Path) -> tuple[int, str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": liaison.slack.bot_token,
        "SLACK_APP_TOKEN": liaison.slack.app_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": liaison.slack.api_url,
        "TRIAGE_CHANNEL": liaison.workspace.triage_channel,
        "SUPERVISOR_CHANNEL": liaison.workspace.supervisor_channel,
        "CATALOGUE_FILE": str(ROOT / "catalogue.example.toml"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'liaison.db'}",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "check-config",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_check_config_and_start_name_each_public_channel(
    liaison: LocalLiaison, tmp_path: Path
) -> None:
    code, out, err = await check_config(liaison, tmp_path)
    assert code == 0, err
    assert "internal channels are private" in out
    assert await liaison.runtime.privacy.problems() == []

    liaison.slack.convert_channel(liaison.workspace.supervisor_channel, private=False)
    code, _, err = await check_config(liaison, tmp_path)
    assert code == 2
    [line] = err.strip().splitlines()
    assert "#supervisors (C0SUPERVISE) is a public channel" in line
    assert liaison.slack.bot_token not in err
    [problem] = await liaison.runtime.privacy.problems()
    assert "#supervisors (C0SUPERVISE)" in problem


async def test_a_restart_logs_each_public_channel(
    liaison: LocalLiaison, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    liaison.slack.convert_channel(liaison.workspace.triage_channel, private=False)
    await liaison.restart()
    lines = [r.getMessage() for r in caplog.records if "channel privacy" in r.getMessage()]
    assert len(lines) == 1 and "#triage (C0TRIAGE) is a public channel" in lines[0]
