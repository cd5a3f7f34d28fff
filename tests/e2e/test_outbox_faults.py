"""When Slack rate-limits or fails, messages wait and then arrive exactly once."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.app.local import LocalLiaison
from tests.e2e.helpers import PAT, file_request, outbox_depth, stored

pytestmark = pytest.mark.e2e


async def test_dm_arrives_once_through_rate_limits_and_outages(liaison: LocalLiaison) -> None:
    slack = liaison.slack
    slack.faults.add("chat.postMessage", status=429, retry_after=30, times=2)
    slack.faults.add("chat.postMessage", status=503, times=2)

    await file_request(liaison)
    assert slack.dm_messages(PAT) == []
    refused = [c for c in slack.calls_to("chat.postMessage") if not c.ok]
    assert [c.status for c in refused] == [429, 429]  # the DM and the card went out together

    await liaison.advance(dt.timedelta(seconds=29))
    assert len(slack.calls_to("chat.postMessage")) == 2  # nothing is tried before Retry-After
    for _ in range(12):
        await liaison.advance(dt.timedelta(minutes=1))
    [dm] = slack.dm_messages(PAT)
    assert "REQ-1" in dm.text
    assert len(slack.messages(liaison.workspace.triage_channel)) == 1
    statuses = [c.status for c in slack.calls_to("chat.postMessage")]
    assert statuses.count(429) == 2 and statuses.count(503) == 2
    assert statuses.count(200) == 2
    assert await outbox_depth(liaison) == 0


async def test_a_message_to_a_missing_channel_fails_without_blocking_the_partner(
    liaison: LocalLiaison,
) -> None:
    liaison.slack.faults.add(
        "chat.postMessage",
        error="channel_not_found",
        when=lambda args: args.get("channel") == "C0TRIAGE",
    )
    await file_request(liaison)
    [dm] = liaison.slack.dm_messages(PAT)
    assert "REQ-1" in dm.text
    assert liaison.slack.messages(liaison.workspace.triage_channel) == []
    row = await stored(liaison, 1)
    assert row is not None and row.card_ts is None
    assert await outbox_depth(liaison) == 0


async def test_a_restart_sends_what_the_outbox_still_held(liaison: LocalLiaison) -> None:
    slack = liaison.slack
    slack.faults.add("chat.postMessage", status=503, times=None)
    await file_request(liaison)
    assert slack.dm_messages(PAT) == []
    assert await outbox_depth(liaison) == 2

    await liaison.restart()
    slack.faults.clear()
    await liaison.advance(dt.timedelta(minutes=20))

    [dm] = slack.dm_messages(PAT)
    assert "REQ-1" in dm.text
    assert len(slack.messages(liaison.workspace.triage_channel)) == 1
    assert await outbox_depth(liaison) == 0
