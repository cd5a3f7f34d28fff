"""The operator's commands on a fresh machine: migrate, check-config, catalogue errors."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def liaison(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": "xoxb-1-2-abc",
        "SLACK_APP_TOKEN": "xapp-1-A1-abc",
        "TRIAGE_CHANNEL": "C0TRIAGE",
        "CATALOGUE_FILE": str(ROOT / "catalogue.example.toml"),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'data' / 'liaison.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_migrate_creates_the_database_and_reports_the_revision(tmp_path: Path) -> None:
    result = liaison(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    assert "database is at revision" in result.stdout
    assert (tmp_path / "data" / "liaison.db").exists()


def test_check_config_accepts_the_example_catalogue(tmp_path: Path) -> None:
    result = liaison(tmp_path, "check-config", "--offline")
    assert result.returncode == 0, result.stderr
    assert "configuration is valid" in result.stdout
    assert "xoxb-1-2-abc" not in result.stdout + result.stderr


def test_a_broken_catalogue_names_file_line_and_reason(tmp_path: Path) -> None:
    text = (ROOT / "catalogue.example.toml").read_text()
    broken = tmp_path / "catalogue.toml"
    broken.write_text(text.replace('first_response = "30m"', 'first_response = "soon"', 1))
    line = next(n for n, row in enumerate(broken.read_text().splitlines(), 1) if '"soon"' in row)
    result = liaison(tmp_path, "check-config", CATALOGUE_FILE=str(broken))
    assert result.returncode == 2
    assert f"catalogue.toml:{line}:" in result.stderr
    assert "soon" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_runs_on_a_fresh_machine_without_any_settings(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--keep-dir", str(tmp_path / "demo")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "REQ-1" in result.stdout
    last = result.stdout.strip().splitlines()[-1]
    assert str(tmp_path / "demo" / "liaison.db") in last and "liaison export" in last
    # The printed command works as printed, with no settings at all (shlex splits it as a shell).
    command = shlex.split(last)
    assert command[:2] == ["liaison", "export"]
    exported = subprocess.run(
        [sys.executable, "-m", "bot", *command[1:]],
        cwd=tmp_path / "demo",
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.splitlines()[1].startswith("REQ-1,")


def test_check_config_lists_every_settings_and_catalogue_problem_in_one_run(
    tmp_path: Path,
) -> None:
    text = (ROOT / "catalogue.example.toml").read_text()
    mistakes = [
        ('hours = "07:30-16:30"', 'hours = "all day"'),
        ('first_response = "30m"', 'first_response = "soon"'),
        ('high_within = "1d"', 'high_within = "quickly"'),
        ('id = "network"', 'id = "Network!"'),
        ('owner = "', 'ownr = "'),
    ]
    for old, new in mistakes:
        assert old in text, old
        text = text.replace(old, new, 1)
    broken = tmp_path / "catalogue.toml"
    broken.write_text(text)
    result = liaison(
        tmp_path,
        "check-config",
        CATALOGUE_FILE=str(broken),
        TRIAGE_CHANNEL="#triage",
        SLACK_APP_TOKEN="",
        LOG_LEVEL="LOUD",
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert all(line.startswith("liaison: ") for line in lines), lines
    settings = [line for line in lines if "CATALOGUE_FILE" not in line]
    assert {line.split(":")[1].strip() for line in settings} == {
        "TRIAGE_CHANNEL",
        "SLACK_APP_TOKEN",
        "LOG_LEVEL",
    }
    catalogue = [line for line in lines if "CATALOGUE_FILE" in line]
    # The misspelt key is two problems: an unknown key, and the required one missing.
    assert len(catalogue) == len(mistakes) + 1, catalogue
    for word in ("all day", "soon", "quickly", '"Network!" must', '"ownr"', 'key "owner"'):
        assert sum(word in line for line in catalogue) == 1, word
