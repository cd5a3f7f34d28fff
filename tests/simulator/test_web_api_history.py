"""Message metadata, conversations.history and conversations.replies as Slack answers them."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from simulator import SlackSimulator

METADATA = {"event_type": "liaison_outbox", "event_payload": {"id": 42}}


async def test_metadata_is_stored_and_read_back_only_when_asked_for(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C0TRIAGE", text="card", metadata=METADATA)
    assert posted["message"]["metadata"] == METADATA
    await client.chat_postMessage(channel="C0TRIAGE", text="later")
    plain = await client.conversations_history(channel="C0TRIAGE")
    assert [m["text"] for m in plain["messages"]] == ["later", "card"]  # newest first
    assert all("metadata" not in m for m in plain["messages"])
    full = await client.conversations_history(channel="C0TRIAGE", include_all_metadata=True)
    assert full["messages"][1]["metadata"] == METADATA and full["messages"][1]["ts"] == posted["ts"]


async def test_replies_list_the_thread_with_metadata(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    root = await client.chat_postMessage(channel="C0TRIAGE", text="card")
    await client.chat_postMessage(
        channel="C0TRIAGE", text="reply", thread_ts=root["ts"], metadata=METADATA
    )
    thread = await client.conversations_replies(
        channel="C0TRIAGE", ts=root["ts"], include_all_metadata=True
    )
    assert [m["text"] for m in thread["messages"]] == ["card", "reply"]
    assert thread["messages"][1]["metadata"] == METADATA


async def test_malformed_metadata_is_refused(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(
            channel="C0TRIAGE", text="x", metadata={"event_type": "liaison_outbox"}
        )
    assert refused.value.response["error"] == "invalid_metadata_schema"
