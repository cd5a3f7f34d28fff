"""Every setting Liaison reads, typed and validated once at start-up."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/liaison.db"
SLACK_API_URL = "https://slack.com/api/"
SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
DIGEST_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PLACEHOLDER = re.compile(r"(changeme|change-me|your[-_]|xxxx|placeholder|\.\.\.)", re.IGNORECASE)


def database_url_shape(value: str) -> str:
    """A database URL Liaison can use, or ValueError saying which kinds it can."""
    if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise ValueError("expected sqlite+aiosqlite:///path.db or postgresql+asyncpg://…")
    return value


class SlackMode(StrEnum):
    """How Slack reaches Liaison."""

    SOCKET = "socket"
    HTTP = "http"


class LogFormat(StrEnum):
    """How log lines are written."""

    TEXT = "text"
    JSON = "json"


class SettingsError(Exception):
    """One or more settings are missing or wrong; each line names the setting."""

    def __init__(self, problems: list[str]) -> None:
        """Keep one readable line per bad setting."""
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseSettings):
    """Liaison's configuration, from the environment and an optional .env file."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    # The mode comes first: the token and secret checks below read it, so that a missing
    # secret is reported in the same run as every other problem.
    slack_mode: SlackMode = SlackMode.SOCKET
    slack_bot_token: SecretStr
    slack_signing_secret: SecretStr = Field(default=SecretStr(""), validate_default=True)
    slack_app_token: SecretStr = Field(default=SecretStr(""), validate_default=True)
    slack_api_url: str = SLACK_API_URL
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=0, le=65535)
    database_url: str = DEFAULT_DATABASE_URL
    triage_channel: str
    slash_command: str = "/request"
    catalogue_file: Path = Path("catalogue.toml")
    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.TEXT
    supervisors: Annotated[tuple[str, ...], NoDecode] = ()
    supervisor_channel: str = ""
    announcements_channel: str = ""
    breach_warning_lead: float = Field(default=0.25, gt=0, lt=1)
    promise_nudge_minutes: int = Field(default=30, ge=1, le=24 * 60)
    auto_close_days: int = Field(default=3, ge=1, le=60)
    reopen_window_days: int = Field(default=7, ge=0, le=90)
    poll_expiry_days: int = Field(default=7, ge=1, le=90)
    poll_cooldown_days: int = Field(default=7, ge=0, le=365)
    poll_sample_rate: float = Field(default=1.0, ge=0, le=1)
    trust_statement: bool = False
    kudos: bool = True
    follow_up_days: int = Field(default=3, ge=1, le=30)
    digest_time: dt.time | None = dt.time(7, 45)
    digest_timezone: str = ""
    weekly_digest_day: str = "mon"
    digest_dm: bool = False
    file_relay_max_mb: int = Field(default=50, ge=1, le=1000)
    outbox_lease_seconds: int = Field(default=30, ge=3, le=600)
    allow_public_internal_notes: bool = False

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if not token.startswith("xoxb-") or _PLACEHOLDER.search(token):
            raise ValueError("expected a bot token starting with xoxb- (OAuth & Permissions page)")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        token = value.get_secret_value()
        if not token and info.data.get("slack_mode") is SlackMode.SOCKET:
            raise ValueError("required when SLACK_MODE=socket (an xapp- token)")
        if token and (not token.startswith("xapp-") or _PLACEHOLDER.search(token)):
            raise ValueError("expected an app-level token starting with xapp- (Basic Information)")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        if not value.get_secret_value() and info.data.get("slack_mode") is SlackMode.HTTP:
            raise ValueError("required when SLACK_MODE=http")
        if _PLACEHOLDER.search(value.get_secret_value()):
            raise ValueError("looks like the example placeholder; use the app's signing secret")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "expected a URL such as https://slack.com/api/ or https://slack-gov.com/api/"
            )
        return value if value.endswith("/") else value + "/"

    @field_validator("triage_channel")
    @classmethod
    def _channel_shape(cls, value: str) -> str:
        if not _CHANNEL_ID.match(value):
            raise ValueError("expected a channel ID such as C0123ABCD (not a #name)")
        return value

    @field_validator("supervisor_channel", "announcements_channel")
    @classmethod
    def _optional_channel_shape(cls, value: str) -> str:
        if value and not _CHANNEL_ID.match(value):
            raise ValueError("expected a channel ID such as C0123ABCD, or leave it empty")
        return value

    @field_validator("supervisors", mode="before")
    @classmethod
    def _split_users(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = tuple(part.strip() for part in value.split(",") if part.strip())
        wrong = [repr(user) for user in value if not _USER_ID.match(user)]
        if wrong:  # every wrong entry at once, so one run shows them all
            names = ", ".join(wrong)
            verb = "is not a user ID" if len(wrong) == 1 else "are not user IDs"
            raise ValueError(f"{names} {verb} such as U0123ABCD")
        return value

    @field_validator("slash_command")
    @classmethod
    def _command_shape(cls, value: str) -> str:
        if not re.fullmatch(r"/[a-z0-9_\-]{1,31}", value):
            raise ValueError(
                "expected a command such as /request (lower case, at most 32 characters)"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _database_shape(cls, value: str) -> str:
        return database_url_shape(value)

    @field_validator("log_level")
    @classmethod
    def _level_shape(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @field_validator("digest_time", mode="before")
    @classmethod
    def _digest_time_shape(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("", "off"):
            return None
        return value

    @field_validator("digest_timezone")
    @classmethod
    def _zone_shape(cls, value: str) -> str:
        if value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    "expected a time zone such as America/New_York, or leave it empty"
                ) from None
        return value

    @field_validator("weekly_digest_day")
    @classmethod
    def _weekday_shape(cls, value: str) -> str:
        value = value.strip().lower()[:3]
        if value and value not in DIGEST_WEEKDAYS:
            raise ValueError("expected mon, tue, wed, thu, fri, sat or sun, or empty for none")
        return value

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        values = (self.slack_bot_token, self.slack_app_token, self.slack_signing_secret)
        return [v.get_secret_value() for v in values if v.get_secret_value()]


class OfflineSettings(BaseSettings):
    """What the commands that only read a database need (`liaison export`): no Slack required.

    A bot token, when set, is used only to put people's names beside their IDs.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: SecretStr = SecretStr("")
    slack_api_url: str = SLACK_API_URL
    catalogue_file: Path = Path("catalogue.toml")

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        token = self.slack_bot_token.get_secret_value()
        return [token] if token else []

    @field_validator("database_url")
    @classmethod
    def _database_shape(cls, value: str) -> str:
        return database_url_shape(value)


class _CatalogueSetting(BaseSettings):
    """CATALOGUE_FILE alone, read even when other settings are wrong."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    catalogue_file: Path = Path("catalogue.toml")


def catalogue_file_setting() -> Path:
    """Where the catalogue is, so `check-config` checks it whatever else is wrong."""
    return _CatalogueSetting().catalogue_file


def load_offline_settings(**overrides: Any) -> OfflineSettings:
    """Build OfflineSettings, one line per bad setting (as load_settings does)."""
    try:
        return OfflineSettings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def load_settings(**overrides: Any) -> Settings:
    """Build Settings, turning pydantic's report into one line per bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"]:
            name = str(error["loc"][0]).upper()
            if error["type"] == "missing":
                message = "required but not set"
            problems.append(f"{name}: {message}")
        else:
            problems.append(message)
    return problems
