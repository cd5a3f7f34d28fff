"""The outbox's claiming, ordering, leasing and failure rules on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from bot.clock import ManualClock
from storage import outbox, outbox_recovery, requests
from storage.engine import Database
from tests.factories import make_request

LEASE = dt.timedelta(seconds=60)


async def _enqueue(database: Database, now: dt.datetime, key: str, **kw: object) -> int:
    async with database.transaction() as session:
        row = await outbox.enqueue(
            session,
            now=now,
            method=str(kw.pop("method", "chat.postMessage")),
            args={"channel": "C0TRIAGE", "text": key},
            ordering_key=key,
            **kw,  # type: ignore[arg-type]
        )
        await session.flush()  # the id is known once the row is written
        return row.id


async def _claim(database: Database, now: dt.datetime, **kw: object) -> list[outbox.ClaimedMessage]:
    async with database.transaction() as session:
        return await outbox.claim_due(session, now=now, lease=LEASE, limit=50, **kw)  # type: ignore[arg-type]


async def test_one_message_per_conversation_is_claimed_at_a_time(
    database: Database, clock: ManualClock
) -> None:
    first = await _enqueue(database, clock.now(), "a")
    await _enqueue(database, clock.now(), "a")
    other = await _enqueue(database, clock.now(), "b")
    claimed = await _claim(database, clock.now())
    assert [m.id for m in claimed] == [first, other]
    assert await _claim(database, clock.now()) == []


async def test_a_rescheduled_message_holds_back_the_ones_behind_it(
    database: Database, clock: ManualClock
) -> None:
    first = await _enqueue(database, clock.now(), "a")
    second = await _enqueue(database, clock.now(), "a")
    [claimed] = await _claim(database, clock.now())
    async with database.transaction() as session:
        await outbox.reschedule(
            session, message_id=claimed.id, at=clock.now() + dt.timedelta(seconds=30), error="x"
        )
    assert await _claim(database, clock.now()) == []
    await clock.advance(30)
    assert [m.id for m in await _claim(database, clock.now())] == [first]
    async with database.transaction() as session:
        await outbox.mark_sent(session, message_id=first, now=clock.now(), channel="C", ts="1.1")
    assert [m.id for m in await _claim(database, clock.now())] == [second]


async def test_replies_wait_for_their_parent_and_learn_its_ts(
    database: Database, clock: ManualClock
) -> None:
    parent = await _enqueue(database, clock.now(), "card", role="card")
    child = await _enqueue(
        database, clock.now(), "thread", parent_id=parent, parent_field="thread_ts"
    )
    assert [m.id for m in await _claim(database, clock.now())] == [parent]
    async with database.transaction() as session:
        await outbox.mark_sent(session, message_id=parent, now=clock.now(), channel="C9", ts="7.7")
    [reply] = await _claim(database, clock.now())
    assert reply.id == child
    assert reply.args["thread_ts"] == "7.7" and reply.args["channel"] == "C9"


async def test_sent_card_ts_is_copied_onto_its_request(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        request = await make_request(session, now=clock.now())
    message = await _enqueue(database, clock.now(), "card", role="card", request_id=request.id)
    await _claim(database, clock.now())
    async with database.transaction() as session:
        await outbox.mark_sent(
            session, message_id=message, now=clock.now(), channel="C0TRIAGE", ts="5.5"
        )
    async with database.reading() as session:
        found = await requests.find_by_card(session, channel="C0TRIAGE", ts="5.5")
    assert found is not None and found.id == request.id


async def test_an_expired_lease_returns_the_message_to_the_queue(
    database: Database, clock: ManualClock
) -> None:
    message = await _enqueue(database, clock.now(), "a")
    await _claim(database, clock.now())
    async with database.reading() as session:
        assert await outbox_recovery.expired_sending(session, now=clock.now()) == []
    await clock.advance(LEASE + dt.timedelta(seconds=1))
    async with database.transaction() as session:
        [expired] = await outbox_recovery.expired_sending(session, now=clock.now())
        assert expired.id == message
        assert await outbox_recovery.release(session, message_ids=[message], now=clock.now()) == 1
    assert [m.id for m in await _claim(database, clock.now())] == [message]


async def test_a_failed_parent_fails_its_replies_and_frees_the_line(
    database: Database, clock: ManualClock
) -> None:
    parent = await _enqueue(database, clock.now(), "a")
    child = await _enqueue(database, clock.now(), "a", parent_id=parent, parent_field="thread_ts")
    later = await _enqueue(database, clock.now(), "a")
    await _claim(database, clock.now())
    async with database.transaction() as session:
        failed = await outbox.mark_failed(session, message_id=parent, error="channel_not_found")
    assert failed == [parent, child]
    assert [m.id for m in await _claim(database, clock.now())] == [later]


async def test_newer_card_update_supersedes_an_unsent_one(
    database: Database, clock: ManualClock
) -> None:
    await _enqueue(database, clock.now(), "card", method="chat.update", role="update")
    newer = await _enqueue(
        database, clock.now(), "card", method="chat.update", role="update", supersede=True
    )
    assert [m.id for m in await _claim(database, clock.now())] == [newer]


async def test_blocked_methods_are_not_claimed(database: Database, clock: ManualClock) -> None:
    await _enqueue(database, clock.now(), "a")
    update = await _enqueue(database, clock.now(), "b", method="chat.update")
    claimed = await _claim(database, clock.now(), blocked_methods=["chat.postMessage"])
    assert [m.id for m in claimed] == [update]


async def test_dedupe_key_refuses_a_second_copy(database: Database, clock: ManualClock) -> None:
    await _enqueue(database, clock.now(), "a", dedupe_key="req:1:card")
    async with database.reading() as session:
        assert await outbox.dedupe_exists(session, dedupe_key="req:1:card")
        count, oldest = await outbox.depth(session)
    assert count == 1 and oldest == clock.now()
