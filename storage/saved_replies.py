"""The shop's saved replies: added by technicians, changed and removed by supervisors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SavedReply


async def list_replies(session: AsyncSession) -> Sequence[SavedReply]:
    """Every saved reply, by title (case aside) then age, the order the select shows."""
    query = select(SavedReply).order_by(func.lower(SavedReply.title), SavedReply.id)
    return (await session.scalars(query)).all()


async def count_replies(session: AsyncSession) -> int:
    """How many saved replies the shop has."""
    return int(await session.scalar(select(func.count(SavedReply.id))) or 0)


async def get_reply(session: AsyncSession, *, reply_id: int) -> SavedReply | None:
    """One saved reply, fresh from the database."""
    return await session.get(SavedReply, reply_id, populate_existing=True)


async def find_title(
    session: AsyncSession, *, title: str, other_than: int | None = None
) -> SavedReply | None:
    """The reply already called `title` (case aside), if any, leaving out `other_than`."""
    query = select(SavedReply).where(func.lower(SavedReply.title) == title.lower())
    if other_than is not None:
        query = query.where(SavedReply.id != other_than)
    return await session.scalar(query.limit(1))


async def insert_reply(
    session: AsyncSession, *, title: str, text: str, by: str, at: dt.datetime
) -> SavedReply:
    """Add a reply and flush for its id."""
    row = SavedReply(title=title, text=text, created_by=by, created_at=at)
    session.add(row)
    await session.flush()
    return row


async def update_reply(
    session: AsyncSession, *, reply_id: int, title: str, text: str, by: str, at: dt.datetime
) -> bool:
    """Change a reply's title and text; False when it no longer exists."""
    result = await session.execute(
        update(SavedReply)
        .where(SavedReply.id == reply_id)
        .values(title=title, text=text, updated_by=by, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


async def delete_reply(session: AsyncSession, *, reply_id: int) -> bool:
    """Remove a reply; False when it was already gone."""
    result = await session.execute(
        delete(SavedReply)
        .where(SavedReply.id == reply_id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]
