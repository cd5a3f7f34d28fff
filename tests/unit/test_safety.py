"""response_url answers stay on Slack's hosts; logs never carry tokens or secrets."""

from __future__ import annotations

import logging

import pytest

from bot.observability.logging import RedactingFilter
from handlers.middleware import is_allowed_response_url


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T1/2/abc", True),
        ("https://hooks.slack-gov.com/actions/T1/2/abc", True),
        ("http://hooks.slack.com/commands/T1/2/abc", False),
        ("https://evil.example/steal", False),
        ("https://hooks.slack.com.evil.example/x", False),
        ("http://127.0.0.1:9999/response/1", False),
    ],
)
def test_only_slack_hooks_hosts_are_answered(url: str, allowed: bool) -> None:
    assert is_allowed_response_url(url, api_url="https://slack.com/api/") is allowed


def test_the_configured_api_host_is_trusted_for_the_simulator() -> None:
    assert is_allowed_response_url(
        "http://127.0.0.1:9/response/1", api_url="http://127.0.0.1:9/api/"
    )


def test_tokens_and_secrets_are_redacted_from_messages_and_tracebacks() -> None:
    flt = RedactingFilter(secrets=["signing-secret-123"])
    try:
        raise ValueError("bad token xoxb-123-456-abcdef and xapp-1-A0-zz")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "secret=%s", ("signing-secret-123",), exc_info=True
        )
        import sys

        record.exc_info = sys.exc_info()
    assert flt.filter(record)
    formatted = logging.Formatter().format(record)
    assert "signing-secret-123" not in formatted
    assert "xoxb-123" not in formatted and "xapp-1" not in formatted
    assert "[redacted]" in formatted
