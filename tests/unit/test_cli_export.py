"""`liaison export` from the command line: a header on stdout, one-line usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.supervisors.export import COLUMNS
from tests.unit.test_cli import liaison


def test_export_prints_the_csv_header_for_a_migrated_database(tmp_path: Path) -> None:
    assert liaison(tmp_path, "migrate").returncode == 0
    result = liaison(tmp_path, "export", "--since", "30d", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [",".join(COLUMNS)]


def test_export_writes_to_the_output_file(tmp_path: Path) -> None:
    assert liaison(tmp_path, "migrate").returncode == 0
    result = liaison(tmp_path, "export", "--format", "jsonl", "--output", "out.jsonl")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.jsonl").read_text() == ""
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "option"),
    [(("--since", "last-week"), "--since"), (("--format", "xlsx"), "--format")],
)
def test_a_bad_option_exits_2_with_one_line_naming_it(
    tmp_path: Path, args: tuple[str, str], option: str
) -> None:
    result = liaison(tmp_path, "export", *args)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"liaison: {option}: ")
    assert args[1] in line


def test_export_needs_no_slack_settings_and_reads_the_database_it_is_given(
    tmp_path: Path,
) -> None:
    assert liaison(tmp_path, "migrate").returncode == 0
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'liaison.db'}"
    elsewhere = f"sqlite+aiosqlite:///{tmp_path / 'unmigrated.db'}"  # --database wins over it
    bare = {
        "SLACK_BOT_TOKEN": "",
        "SLACK_APP_TOKEN": "",
        "TRIAGE_CHANNEL": "",
        "DATABASE_URL": elsewhere,
    }
    result = liaison(tmp_path, "export", "--database", url, **bare)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [",".join(COLUMNS)]
    figures = liaison(
        tmp_path, "export", "--figures", "--format", "jsonl", "--database", url, **bare
    )
    assert figures.returncode == 0, figures.stderr
    assert '"new": 0' in figures.stdout and '"polls_eligible": 0' in figures.stdout
    wrong = liaison(tmp_path, "export", "--database", "mysql://db/liaison", **bare)
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("liaison: --database: expected sqlite")
