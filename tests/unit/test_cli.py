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


# Each mistake is marked on its line by a comment the test finds, independently of the loader.
MANY_MISTAKES = """\
organisation = "Test Squadron"

[calendar]
timezone = "America/Gotham"  # mistake: zone
working_days = ["mon", "tue", "wed", "thu", "fri"]
hours = "07:30-16:30"
holidays = [
    "2026-11-26",
    "2026-13-01",  # mistake: month
    "someday",  # mistake: holiday
]

[urgency]
high_within = "quickly"  # mistake: urgency
medium_within = "5d"

[matrix]
stopped = { high = "P1", medium = "P0", low = "P5" }  # mistake: two cells
degraded = { high = "P2", medium = "P2", low = "P3" }
workaround = { high = "P2", medium = "P3", low = "P4" }
none = { high = "P3", medium = "P4", low = "P4" }

[service_levels.P1]
first_response = "soon"  # mistake: P1 first response
resolution = "4h"
update_every = "1h"

[service_levels.P2]
first_response = "1h"
resolution = "later"  # mistake: P2 resolution
update_every = "4h"

[service_levels.P3]
first_response = "4h"
resolution = "5d"
update_every = "never"  # mistake: P3 update
around_the_clock = "yes"  # mistake: P3 clock

[service_levels.P4]
first_response = "2d"
resolution = "10d"
update_every = "3d"

[[services]]
id = "Network!"  # mistake: service id
name = "Network"
description = "Connectivity."
owner = "Network Ops"
triage_channel = "#network"  # mistake: channel name
burst_reports = 1  # mistake: burst

[[services]]
id = "email"
name = "Email"
description = "Mail."
owner = "Enterprise"

[services.service_levels.P2]
first_response = "whenever"  # mistake: override
partner_notices_per_day = 500  # mistake: notices

[[services.replies]]
title = 42  # mistake: reply title
text = ""  # mistake: reply text
"""
EXPECTED_MISTAKES = {  # the marker on the line, and what the line must say
    "zone": 'calendar.timezone: unknown time zone "America/Gotham"',
    "month": 'calendar.holidays[1]: string "2026-13-01" is not a date',
    "holiday": 'calendar.holidays[2]: string "someday" is not a date',
    "urgency": 'urgency.high_within: "quickly" is not a duration',
    "two cells": (
        'matrix.stopped.medium: unknown priority "P0"',
        'matrix.stopped.low: unknown priority "P5"',
    ),
    "P1 first response": 'service_levels.P1.first_response: "soon" is not a duration',
    "P2 resolution": 'service_levels.P2.resolution: "later" is not a duration',
    "P3 update": 'service_levels.P3.update_every: "never" is not a duration',
    "P3 clock": 'service_levels.P3.around_the_clock: expected true or false, got string "yes"',
    "service id": 'services[0] (Network!) id: "Network!" must be 1-40 lower-case letters',
    "channel name": 'services[0] (Network!) triage_channel: "#network" is not a Slack channel id',
    "burst": "services[0] (Network!) burst_reports: expected a whole number of at least 2",
    "override": (
        'services[1] (email) service_levels.P2.first_response: "whenever" is not a duration'
    ),
    "notices": "services[1] (email) service_levels.P2.partner_notices_per_day: expected a whole"
    " number from 0 to 100, got integer 500",
    "reply title": "services[1] (email) replies[0].title: expected a string, got integer 42",
    "reply text": "services[1] (email) replies[0].text: must not be empty",
}


def test_check_config_reports_every_catalogue_mistake_with_its_line_in_one_run(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "catalogue.toml"
    broken.write_text(MANY_MISTAKES)
    rows = MANY_MISTAKES.splitlines()
    expected: list[tuple[int, str]] = []
    for marker, said in EXPECTED_MISTAKES.items():
        [line] = [n for n, row in enumerate(rows, 1) if row.endswith(f"# mistake: {marker}")]
        expected += [(line, s) for s in ((said,) if isinstance(said, str) else said)]
    # A wrong database setting does not stop the catalogue from being read.
    result = liaison(
        tmp_path,
        "check-config",
        "--offline",
        CATALOGUE_FILE=str(broken),
        DATABASE_URL="mysql://nowhere",
        LOG_LEVEL="LOUD",
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    prefix = f"liaison: CATALOGUE_FILE: {broken}:"
    reported = [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]
    assert len(reported) == len(expected), "\n".join(lines)
    for line, said in expected:
        assert sum(r.startswith(f"{line}: {said}") for r in reported) == 1, (line, said, reported)
    # In the file's order, so a person can fix them top to bottom.
    numbers = [int(r.split(":")[0]) for r in reported]
    assert numbers == sorted(numbers)
    assert {line.split(":")[1].strip() for line in lines if prefix not in line} == {
        "DATABASE_URL",
        "LOG_LEVEL",
    }
