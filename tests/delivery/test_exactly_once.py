"""Each message reaches Slack once: a surprise, a slow pass or a dead sender never repeats one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import update

from bot.clock import ManualClock
from bot.delivery.recovery import EVENT_TYPE
from storage.engine import is_sqlite
from storage.models import OutboxMessage
from tests.delivery.helpers import TRIAGE, Delivery, delivery, seconds


@pytest.fixture
async def sent(database_url: str, clock: ManualClock) -> AsyncIterator[Delivery]:
    """A dispatcher on either dialect, on the simulated clock."""
    async with delivery(database_url, clock, timestamp=clock.timestamp) as d:
        yield d


def _texts(d: Delivery) -> list[str]:
    return [m.text for m in d.slack.messages(TRIAGE)]


class _Surprising(AsyncWebClient):
    """A client that raises something unexpected once, for the message saying "two"."""

    raised = 0

    async def api_call(self, api_method: str, **kwargs: Any) -> Any:
        body = kwargs.get("json") or {}
        if body.get("text") == "two" and not _Surprising.raised:
            _Surprising.raised += 1
            raise RuntimeError("unexpected")
        return await super().api_call(api_method, **kwargs)


async def test_one_send_that_raises_leaves_the_others_sent_once(
    sqlite_url: str, clock: ManualClock
) -> None:
    async with delivery(
        sqlite_url, clock, timestamp=clock.timestamp, client_class=_Surprising
    ) as d:
        ids = [await d.queue(f"req:{n}", text) for n, text in enumerate(["one", "two", "three"])]
        assert await d.dispatcher.run_pass() == 3
        assert sorted(_texts(d)) == ["one", "three"]
        assert [(await d.status(i))[0] for i in ids] == ["sent", "pending", "sent"]
        await clock.advance(seconds(900))
        await d.dispatcher.drain()
        assert sorted(_texts(d)) == ["one", "three", "two"]  # each exactly once


async def _died_after_posting(d: Delivery, message_id: int) -> None:
    """As if the sender died between Slack's answer and recording it."""
    async with d.database.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(
                status="sending",
                slack_ts=None,
                sent_at=None,
                lease_until=d.clock.now() + seconds(120),
            )
        )


async def test_a_post_that_reached_slack_before_its_sender_died_is_not_posted_again(
    sent: Delivery, clock: ManualClock
) -> None:
    posted = await sent.queue("req:1", "card")
    await sent.dispatcher.run_pass()
    [message] = sent.slack.messages(TRIAGE)
    assert message.metadata == {"event_type": EVENT_TYPE, "event_payload": {"id": posted}}
    await _died_after_posting(sent, posted)
    restarted = sent.another_process()
    await restarted.run_pass()
    if not is_sqlite(sent.database.url):
        # Other replicas may still be sending: only a lapsed lease is recovered.
        assert await sent.status(posted) == ("sending", None)
        await clock.advance(seconds(121))
        await restarted.run_pass()
    assert (await sent.status(posted))[0] == "sent"
    assert len(sent.slack.calls_to("chat.postMessage")) == 1
    history = sent.slack.calls_to("conversations.history")
    assert history and history[-1].args["include_all_metadata"] in ("true", True, "1")
    async with sent.database.reading() as session:
        row = await session.get_one(OutboxMessage, posted)
    assert row.slack_ts == message.ts


async def test_a_post_that_never_reached_slack_is_sent_once_after_recovery(
    sent: Delivery, clock: ManualClock
) -> None:
    posted = await sent.queue("req:1", "card")
    await _died_after_posting(sent, posted)  # claimed, but the call never left
    await clock.advance(seconds(121))
    await sent.another_process().drain()
    assert _texts(sent) == ["card"]
    assert (await sent.status(posted))[0] == "sent"


class _Slow(AsyncWebClient):
    """A client whose chat.postMessage waits until the test lets it through."""

    gate: asyncio.Event

    async def api_call(self, api_method: str, **kwargs: Any) -> Any:
        if api_method == "chat.postMessage":
            await self.gate.wait()
        return await super().api_call(api_method, **kwargs)


async def test_a_pass_slower_than_the_lease_keeps_its_messages(
    sqlite_url: str, clock: ManualClock
) -> None:
    _Slow.gate = asyncio.Event()
    async with delivery(sqlite_url, clock, timestamp=clock.timestamp, client_class=_Slow) as d:
        posted = await d.queue("req:1", "card")
        sending = asyncio.create_task(d.dispatcher.run_pass())
        for _ in range(10):  # 300 s of a stuck send, well past the 120 s lease
            await asyncio.sleep(0.05)
            await clock.advance(seconds(30))
        async with d.database.reading() as session:
            row = await session.get_one(OutboxMessage, posted)
        # Still held: no other sender would count it lost and post it a second time.
        assert row.status == "sending" and row.lease_until is not None
        assert row.lease_until > clock.now()
        _Slow.gate.set()
        await sending
        assert _texts(d) == ["card"]
        assert (await d.status(posted))[0] == "sent"


async def test_a_reply_under_a_message_refused_for_its_content_goes_alone_with_a_note(
    sent: Delivery,
) -> None:
    sent.slack.faults.add(
        "chat.postMessage", error="invalid_blocks", when=lambda a: a.get("text") == "card"
    )
    card = await sent.queue("req:1:card", "card", role="card")
    await sent.dispatcher.drain()
    reply = await sent.queue("req:1:card", "reply", parent_id=card, parent_field="thread_ts")
    await sent.dispatcher.drain()
    [alone] = sent.slack.messages(TRIAGE)
    assert "could not be posted" in alone.text and alone.text.endswith("reply")
    assert not alone.is_reply
    assert (await sent.status(reply))[0] == "sent"


async def test_a_reply_under_a_card_in_a_lost_channel_fails_with_the_reason(
    sent: Delivery,
) -> None:
    card = await sent.queue("req:1:card", "card", channel="C0GONE", role="card")
    await sent.dispatcher.drain()
    reply = await sent.queue("req:1:card", "reply", parent_id=card, parent_field="thread_ts")
    await sent.dispatcher.drain()
    assert await sent.status(reply) == ("failed", f"parent message {card} failed")
    assert sent.slack.calls_to("chat.postMessage")[-1].args["text"] == "card"
