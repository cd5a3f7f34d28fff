"""The replicas benchmark's smoke run: every configuration files, completes and is measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import databases
from tests.benchmarks import run_benchmark
from tests.conftest import IN_CI

COLUMNS = ("SQLite x1", "PostgreSQL x1", "PostgreSQL x2", "PostgreSQL x3")

pytestmark = [pytest.mark.postgres]


@pytest.mark.timeout(600)
def test_one_two_and_three_replicas_are_measured_beside_sqlite(tmp_path: Path) -> None:
    admin = databases.postgres_admin_url()
    if admin is None:
        if IN_CI:
            pytest.fail("CI=true but no PostgreSQL server answered; set TEST_POSTGRES_URL")
        pytest.skip("PostgreSQL skipped: no server (set TEST_POSTGRES_URL to run this)")
    out = tmp_path / "figures.json"
    stdout = run_benchmark(
        "replicas",
        "--quick",
        "--filings",
        "30",
        "--postgres",
        admin,
        "--json",
        str(out),
        timeout=540,
    )
    assert "| completed filings/s |" in stdout
    figures = json.loads(out.read_text())
    runs = {run["label"]: run for run in figures["runs"]}
    assert tuple(runs) == COLUMNS
    for label, run in runs.items():
        # Every acknowledged filing reached Slack as a DM and a triage card: none lost.
        assert run["sent"] == 30, label
        assert run["completed"] >= run["acked"] > 0, label
        assert run["completed filings/s"] > 0, label
        assert len(run["replica_cpu_each_s"]) == run["replicas"], label
        assert all(cpu > 0 for cpu in run["replica_cpu_each_s"]), label
    # Only the PostgreSQL columns have database backends to measure.
    assert runs["SQLite x1"]["postgres_cpu_s"] == 0
    assert all(runs[c]["postgres_cpu_s"] > 0 for c in COLUMNS[1:])
    assert any(line.startswith("generator + fake Slack") for line in figures["verdicts"])
