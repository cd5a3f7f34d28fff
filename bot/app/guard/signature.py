"""Slack's v0 request signature, checked before anything else is read."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

# Slack's replay window: a request more than five minutes from local time is refused.
MAX_SKEW_SECONDS = 300
MAX_STAMP_DIGITS = 12


def signature_problem(
    *, secret: str, headers: Mapping[str, str], body: bytes, now: float
) -> str | None:
    """Why the request is not Slack's (missing, malformed, stale or wrong), or None."""
    stamp = headers.get("X-Slack-Request-Timestamp", "")
    given = headers.get("X-Slack-Signature", "")
    if not stamp or not given:
        return "unsigned"
    # Only plain decimal seconds: `1.5`, `NaN`, `+1` or `١٢٣` are not a Slack timestamp.
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > MAX_STAMP_DIGITS:
        return "malformed timestamp"
    if abs(now - int(stamp)) > MAX_SKEW_SECONDS:
        return "stale timestamp"
    if not secret:
        return "no signing secret configured"
    base = b"v0:" + stamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        return "wrong signature"
    return None
