"""The load benchmark's smoke run: three apps measured, filings counted from Slack's calls."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("bare", "naive", "liaison")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run `python -m benchmarks.load --quick` once and read its figures."""
    out = tmp_path_factory.mktemp("bench") / "figures.json"
    command = [sys.executable, "-m", "benchmarks.load", "--quick"]
    done = subprocess.run(
        [*command, "--memory-requests", "1000", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "completed filings/s" in done.stdout
    figures: dict[str, Any] = json.loads(out.read_text())
    return figures


def _one(figures: dict[str, Any], app: str, kind: str) -> dict[str, Any]:
    found = [r for r in figures["closed"] if r["app"] == app and r["kind"] == kind]
    assert len(found) == 1
    return found[0]


@pytest.mark.timeout(600)
def test_every_app_gets_figures_for_commands_and_filings(quick_run: dict[str, Any]) -> None:
    table = quick_run["table"]
    for label in ("/request acks/s", "submission acks/s", "completed filings/s"):
        for app in APPS:
            assert table[label][app] > 0, (label, app)
    for app in APPS:
        assert quick_run["open_rates"][app] > 0
        assert any(r["app"] == app for r in quick_run["c64"])
    assert quick_run["memory"]["open_requests"] == 1000
    assert quick_run["memory"]["rss_mb"] > 0
    assert len(quick_run["targets"]) == 8


@pytest.mark.timeout(600)
def test_completed_filings_are_the_ones_slack_saw(quick_run: dict[str, Any]) -> None:
    naive = _one(quick_run, "naive", "submission")
    assert naive["completed"] == naive["dm_calls"] == naive["calls"]["chat.postMessage"]
    liaison = _one(quick_run, "liaison", "submission")
    # A Liaison filing is complete when both its DM and its triage card reached Slack.
    assert liaison["completed"] <= min(liaison["dm_calls"], liaison["card_calls"])
    assert liaison["calls"]["chat.postMessage"] >= 2 * liaison["completed"]
    # Every acknowledged filing was stored and announced: none lost.
    assert liaison["completed"] == liaison["sent"] - liaison["failed_acks"] > 0
    # The floor makes no Slack calls; its figure is its acks.
    bare = _one(quick_run, "bare", "submission")
    assert bare["calls"] == {}


@pytest.mark.timeout(600)
def test_commands_open_a_form_at_slack(quick_run: dict[str, Any]) -> None:
    for app in ("naive", "liaison"):
        command = _one(quick_run, app, "command")
        assert command["calls"]["views.open"] == command["completed"] == command["sent"]
