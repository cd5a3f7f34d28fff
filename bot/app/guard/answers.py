"""What Slack is told after Bolt has run: never a 5xx, never a retry for an unheard event."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt.response import BoltResponse

logger = logging.getLogger(__name__)


def kind_of(body: Mapping[str, Any]) -> str:
    """A short name for logs: the command, the payload type or the event type."""
    event = body.get("event")
    if isinstance(event, dict) and isinstance(event.get("type"), str):
        return f"event {event['type']}"
    return str(body.get("command") or body.get("type") or "unknown")[:60]


def final_answer(body: Mapping[str, Any], response: BoltResponse) -> BoltResponse:
    """Turn Bolt's answer into the one Slack should get.

    A 5xx (a listener failed; already logged by the error handler) makes Slack retry and
    shows the person nothing useful, and an event no listener wants would be retried three
    times and counted against the app's delivery rate: both are acknowledged with 200.
    """
    if response.status >= 500:
        logger.error("answered a failed %s with 200 so Slack does not retry it", kind_of(body))
        return BoltResponse(status=200, body="")
    if response.status == 404 and body.get("type") == "event_callback":
        logger.info("no listener for %s; acknowledged", kind_of(body))
        return BoltResponse(status=200, body="")
    return response
