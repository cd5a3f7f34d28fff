"""Slack's v0 request signature, written independently of the library under test."""

from __future__ import annotations

import hashlib
import hmac

VERSION = "v0"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Return the `X-Slack-Signature` value Slack would send for `body` at `timestamp`."""
    base = f"{VERSION}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def headers(secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Return the two signing headers for a request body."""
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": sign(secret, timestamp, body),
    }
