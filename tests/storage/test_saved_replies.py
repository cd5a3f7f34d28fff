"""The shop's saved replies on SQLite and PostgreSQL: listed by title, changed, removed."""

from __future__ import annotations

import datetime as dt

from bot.clock import ManualClock
from storage import saved_replies
from storage.engine import Database


async def test_replies_are_listed_by_title_whatever_the_case(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        for title in ("toner ordered", "Printer moved", "Account unlocked"):
            await saved_replies.insert_reply(
                session, title=title, text=f"{title}.", by="U0SAM", at=now
            )
    async with database.reading() as session:
        rows = await saved_replies.list_replies(session)
        assert [r.title for r in rows] == ["Account unlocked", "Printer moved", "toner ordered"]
        assert await saved_replies.count_replies(session) == 3
        found = await saved_replies.find_title(session, title="PRINTER MOVED")
        assert found is not None and found.text == "Printer moved."
        assert (
            await saved_replies.find_title(session, title="printer moved", other_than=found.id)
            is None
        )
        assert rows[0].created_at == now and rows[0].updated_by is None


async def test_a_change_records_who_and_when_and_a_removed_reply_is_gone(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        row = await saved_replies.insert_reply(
            session, title="Fixed", text="Fixed.", by="U0SAM", at=clock.now()
        )
    later = clock.now() + dt.timedelta(hours=1)
    async with database.transaction() as session:
        assert await saved_replies.update_reply(
            session, reply_id=row.id, title="Fixed for good", text="Done.", by="U0MORGAN", at=later
        )
    async with database.reading() as session:
        changed = await saved_replies.get_reply(session, reply_id=row.id)
        assert changed is not None
        assert (changed.title, changed.text, changed.updated_by) == (
            "Fixed for good",
            "Done.",
            "U0MORGAN",
        )
        assert changed.updated_at == later and changed.created_by == "U0SAM"
    async with database.transaction() as session:
        assert await saved_replies.delete_reply(session, reply_id=row.id)
        assert not await saved_replies.delete_reply(session, reply_id=row.id)
        assert not await saved_replies.update_reply(
            session, reply_id=row.id, title="x", text="y", by="U0MORGAN", at=later
        )
    async with database.reading() as session:
        assert await saved_replies.get_reply(session, reply_id=row.id) is None
        assert await saved_replies.count_replies(session) == 0
