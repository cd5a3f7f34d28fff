"""Settings: every bad value is named, and the CLI stops with status 2 and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, SlackMode, load_settings

GOOD = {
    "slack_bot_token": "xoxb-1-2-abc",
    "slack_app_token": "xapp-1-A1-abc",
    "triage_channel": "C0TRIAGE",
    "_env_file": None,
}
ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_socket_mode_sqlite_and_slack_com() -> None:
    settings = load_settings(**GOOD)
    assert settings.slack_mode is SlackMode.SOCKET
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.slash_command == "/request"


def test_govslack_base_url_gets_its_trailing_slash() -> None:
    settings = load_settings(**GOOD, slack_api_url="https://slack-gov.com/api")
    assert settings.slack_api_url == "https://slack-gov.com/api/"


@pytest.mark.parametrize(
    ("override", "named"),
    [
        ({"slack_bot_token": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-your-bot-token"}, "SLACK_BOT_TOKEN"),
        ({"triage_channel": "#triage"}, "TRIAGE_CHANNEL"),
        ({"slack_mode": "webhook"}, "SLACK_MODE"),
        ({"slack_app_token": ""}, "SLACK_APP_TOKEN"),
        ({"slack_mode": "http"}, "SLACK_SIGNING_SECRET"),
        ({"port": "eighty"}, "PORT"),
        ({"database_url": "mysql://x"}, "DATABASE_URL"),
        ({"slash_command": "request"}, "SLASH_COMMAND"),
        ({"supervisors": "U0ONE,bob"}, "SUPERVISORS"),
        ({"slack_api_url": "slack.com"}, "SLACK_API_URL"),
    ],
)
def test_each_bad_setting_is_named(override: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(**{**GOOD, **override})
    assert any(line.startswith(named + ":") for line in raised.value.problems), raised.value


def test_supervisors_are_read_from_a_comma_list() -> None:
    settings = load_settings(**GOOD, supervisors="U0ONE, U0TWO")
    assert settings.supervisors == ("U0ONE", "U0TWO")


def test_every_wrong_supervisor_is_named_at_once() -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(**GOOD, supervisors="bob, U0ONE, @carol")
    [line] = raised.value.problems
    assert line.startswith("SUPERVISORS:")
    assert "'bob'" in line and "'@carol'" in line and "U0ONE" not in line


def test_secrets_are_listed_for_redaction_and_hidden_in_repr() -> None:
    settings = load_settings(**GOOD, slack_signing_secret="s3cr3t-value")
    assert "s3cr3t-value" in settings.secrets()
    assert "s3cr3t-value" not in repr(settings)
    assert "xoxb-1-2-abc" not in repr(settings)


def test_cli_names_the_missing_setting_and_exits_2(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "SLACK_APP_TOKEN": "xapp-1-A1-abc"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "check-config", "--offline"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN: required but not set" in result.stderr
    assert "TRIAGE_CHANNEL: required but not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_setting_is_documented_in_the_example_and_the_readme() -> None:
    from bot.settings import Settings

    example = (ROOT / "config.example.env").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"\n{name.upper()}=" in example, name
        assert f"`{name.upper()}`" in readme, name
