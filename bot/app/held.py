"""Slack's answer to an event carrying a person's words waits until they are stored.

Bolt answers every event before its listener runs. For a direct message Liaison relays, the
server (HTTP) and the socket handler (Socket Mode) hold that answer until the listener says
the words are stored: a process killed before then leaves the event unanswered, and Slack
sends it again. Words the database could not take are answered 503 (unacknowledged over a
socket), so Slack sends them again too, at most three times, spaced out by Slack. A listener
that fails for another reason (a bug) is answered as before: sending it again cannot help.
The event's id keeps a repeat from being relayed twice. Slack waits 3 seconds for an answer;
past HOLD_SECONDS the answer goes anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from bot.app.guard.answers import final_answer
from bot.inflight import InFlight
from handlers.message_events import words_key

logger = logging.getLogger(__name__)
HOLD_SECONDS = 2.5


async def answer_when_stored(
    inflight: InFlight, body: dict[str, Any], run: Callable[[], Awaitable[BoltResponse]]
) -> BoltResponse:
    """Run Bolt on `body` and return the answer Slack should get, once it may have it."""
    key = words_key(body)
    if key is not None:
        inflight.hold(key)  # before Bolt runs: the listener may finish before Bolt returns
    answer = final_answer(body, await run())
    if key is None:
        return answer
    again = await inflight.held_outcome(key, HOLD_SECONDS)
    if again and answer.status == 200:
        logger.warning("a direct message was not stored; Slack is asked to send it again")
        return BoltResponse(status=503, body="")
    return answer
