"""A partner's words are acknowledged to Slack only once stored, over HTTP and Socket Mode.

Bolt answers an event before its listener runs; Liaison holds that answer for a direct
message it relays, so a process killed in between leaves the event unanswered and Slack sends
it again, and words it could not store are sent again too, and relayed once.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app.local import LocalLiaison
from storage import events
from tests.e2e.helpers import PAT, file_request
from tests.e2e.test_triage import card_thread

pytestmark = pytest.mark.e2e
WORDS = "The printer in room 210 shows error E-42"


@pytest.fixture
async def filed(either: LocalLiaison) -> LocalLiaison:
    """Liaison over HTTP, then over Socket Mode (see conftest), with Pat's request filed."""
    await file_request(either, PAT, summary="Printer jams")
    return either


def relayed(liaison: LocalLiaison) -> list[str]:
    return [m.rendered for m in card_thread(liaison) if WORDS in m.rendered]


async def test_the_answer_to_a_partners_reply_waits_until_it_is_stored(
    filed: LocalLiaison,
) -> None:
    either = filed
    root = either.slack.dm_messages(PAT)[0]
    before = len(either.slack.deliveries)
    async with either.runtime.database.transaction():  # the one writer is busy elsewhere
        posting = asyncio.create_task(
            either.slack.post_message(PAT, root.channel, WORDS, thread_ts=root.ts)
        )
        for _ in range(50):
            await asyncio.sleep(0.01)
        assert not posting.done(), "Slack has no answer while the words are not yet stored"
    await posting
    await either.settle()
    attempt = either.slack.deliveries[before]
    assert attempt.kind == "events_api" and attempt.status == 200 and attempt.ok
    assert len(relayed(either)) == 1


async def test_words_that_could_not_be_stored_come_again_and_are_relayed_once(
    filed: LocalLiaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    either = filed
    mark_seen, failures = events.mark_seen, []

    async def fails_once(session: AsyncSession, *, event_id: str, now: dt.datetime) -> bool:
        if not failures:
            failures.append(event_id)
            raise ConnectionError("database went away")
        return await mark_seen(session, event_id=event_id, now=now)

    monkeypatch.setattr(events, "mark_seen", fails_once)
    root = either.slack.dm_messages(PAT)[0]
    before = len(either.slack.deliveries)
    await either.slack.post_message(PAT, root.channel, WORDS, thread_ts=root.ts)
    await either.settle()

    first, again = either.slack.deliveries[before : before + 2]
    assert not first.ok and again.ok and again.retry_num == 1, "sent again, then answered"
    assert len(failures) == 1 and len(relayed(either)) == 1, "relayed once"
