"""LOG_FORMAT=json: one parsable object a line, the request number as a field, no tokens."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.observability.logging import (
    JsonFormatter,
    RedactingFilter,
    configure_logging,
    stop_logging,
)


def json_logger(stream: io.StringIO) -> logging.Logger:
    """A logger wired the way configure_logging wires the root with json_lines=True."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(["signing-secret-123"]))
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.json_logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_a_json_line_carries_the_request_number_as_a_field() -> None:
    stream = io.StringIO()
    json_logger(stream).info("request filed request=%s priority=%s", "REQ-42", "P1")
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["request"] == "REQ-42"
    assert record["message"] == "request filed request=REQ-42 priority=P1"
    assert record["level"] == "INFO"


def test_lines_without_a_request_have_no_request_field() -> None:
    stream = io.StringIO()
    json_logger(stream).info("listening host=%s requests=%s", "127.0.0.1", 3)
    assert "request" not in json.loads(stream.getvalue())


def test_tokens_and_secrets_are_redacted_in_json_output_too() -> None:
    stream = io.StringIO()
    logger = json_logger(stream)
    try:
        raise RuntimeError("auth failed for xoxb-1-2-abcdef")
    except RuntimeError:
        logger.exception(
            "slack refused request=%s token=%s secret=%s",
            "REQ-7",
            "xapp-1-A1-zzz",
            "signing-secret-123",
        )
    output = stream.getvalue()
    record = json.loads(output)
    assert record["request"] == "REQ-7"
    for secret in ("xoxb-1-2-abcdef", "xapp-1-A1-zzz", "signing-secret-123"):
        assert secret not in output
    assert "[redacted]" in record["message"]
    assert "[redacted]" in record["exception"]


def test_configured_logging_writes_from_a_thread_redacted_and_complete(
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(level="INFO", json_lines=True, secrets=["signing-secret-123"])
    try:
        logging.getLogger("tests.handoff").warning(
            "refused request=%s secret=%s", "REQ-9", "signing-secret-123"
        )
    finally:
        stop_logging()  # writes out what is queued
        root.handlers[:], root.level = handlers, level
    [line] = [json.loads(x) for x in capsys.readouterr().err.splitlines() if "REQ-9" in x]
    assert line["request"] == "REQ-9"
    assert "signing-secret-123" not in line["message"]
