"""Turns outage changes into outbox rows: the announcement, its thread, one DM per person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.delivery.notices import message_args
from bot.domain.outage import OutageChange, OutageKind, OutageStatus, OutageSummary
from bot.views.encoding import encode_blocks
from bot.views.outages import announcement, announcement_reply, partner_notice
from storage import outages, outbox
from storage.models import Outage

ANNOUNCEMENT = "outage_announcement"
ANNOUNCEMENT_UPDATE = "outage_announcement_update"


def summarise_outage(row: Outage, *, catalogue: Catalogue) -> OutageSummary:
    """Copy a row into its read model."""
    service = catalogue.service(row.service_id)
    return OutageSummary(
        id=row.id,
        number=row.number,
        service_id=row.service_id,
        service_name=service.name if service else row.service_id,
        kind=OutageKind(row.kind),
        status=OutageStatus(row.status),
        summary=row.summary,
        workaround=row.workaround,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        next_update_due=row.next_update_due,
        declared_by=row.declared_by,
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        resolution=row.resolution or "",
        announcement_channel=row.announcement_channel,
    )


def person_key(user: str) -> str:
    """Messages to one person's DM go out in the order they were written."""
    return f"partner:{user}"


async def audience(session: AsyncSession, row: Outage) -> list[str]:
    """Followers and every partner with an open request on the service, once each."""
    people = set(await outages.followers(session, outage_id=row.id))
    people.update(await outages.partners_with_open_requests(session, service_id=row.service_id))
    return sorted(people)


async def announce(
    session: AsyncSession, *, row: Outage, outage: OutageSummary, channel: str, now: dt.datetime
) -> None:
    """Queue the post in the announcements channel; later changes edit it and reply under it."""
    blocks, text = announcement(outage)
    await outbox.enqueue(
        session,
        now=now,
        method="chat.postMessage",
        args=message_args(channel, blocks, text),
        ordering_key=_channel_key(row),
        role=ANNOUNCEMENT,
        dedupe_key=_announcement_key(row),
    )


async def spread(
    session: AsyncSession,
    *,
    row: Outage,
    change: OutageChange,
    key: str,
    channel: str,
    now: dt.datetime,
) -> int:
    """A later change: the announcement edited in place, a reply in its thread, everyone told.

    `key` names the change for the dedupe keys (an update's sequence, a timer's id), so that
    however often this runs for one change, each person is queued one message. Returns how
    many people were told.
    """
    root = await outages.message_by_dedupe_key(session, dedupe_key=_announcement_key(row))
    if root is not None:
        if root.slack_ts and not row.announcement_ts:
            row.announcement_channel, row.announcement_ts = root.slack_channel, root.slack_ts
        where = row.announcement_channel or channel
        blocks, text = announcement(change.outage)
        await outbox.enqueue(
            session,
            now=now,
            method="chat.update",
            args=message_args(where, blocks, text),
            ordering_key=_channel_key(row),
            parent_id=root.id,
            parent_field="ts",
            role=ANNOUNCEMENT_UPDATE,
            supersede=True,
        )
        blocks, text = announcement_reply(change)
        await outbox.enqueue(
            session,
            now=now,
            method="chat.postMessage",
            args=message_args(where, blocks, text),
            ordering_key=_channel_key(row),
            parent_id=root.id,
            parent_field="thread_ts",
            dedupe_key=f"outage:{row.id}:{key}:thread",
        )
    return await tell(session, change=change, people=await audience(session, row), key=key, now=now)


async def tell(
    session: AsyncSession,
    *,
    change: OutageChange,
    people: Iterable[str],
    key: str,
    now: dt.datetime,
) -> int:
    """One direct message per person, each in their own lane, never queued twice."""
    blocks, text = partner_notice(change)
    rendered = encode_blocks(blocks)  # encoded once, the same for everyone
    count = 0
    for user in people:
        await outbox.enqueue(
            session,
            now=now,
            method="chat.postMessage",
            args=message_args(user, [], text) | {"blocks": rendered},
            ordering_key=person_key(user),
            dedupe_key=_person_key(change.outage.id, key, user),
        )
        count += 1
    return count


async def was_told(session: AsyncSession, *, outage_id: int, key: str, user: str) -> bool:
    """Whether `user` was sent (or has queued) the direct message about one change (`key`)."""
    dedupe_key = _person_key(outage_id, key, user)
    return await outages.message_by_dedupe_key(session, dedupe_key=dedupe_key) is not None


def _person_key(outage_id: int, key: str, user: str) -> str:
    return f"outage:{outage_id}:{key}:{user}"


def _channel_key(row: Outage) -> str:
    return f"outage:{row.id}:announce"


def _announcement_key(row: Outage) -> str:
    return f"outage:{row.id}:announcement"
