"""A partner's thread, carried to the technicians: replies, files, edits and deletions."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery import notices
from bot.delivery.files import relay_args
from bot.domain.conversation import PartnerDeletion, PartnerEdit, PartnerPost, SharedFile
from bot.domain.summary import RequestSummary
from bot.records.summaries import summarise_in
from bot.views.relayed import relayed_deletion, relayed_reply
from bot.workspace.names import NameDirectory
from storage import events, history, requests
from storage.engine import Database
from storage.models import Request

logger = logging.getLogger(__name__)


class ConversationRelay:
    """Everything a partner says in a request's DM thread reaches the card's thread, once."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        names: NameDirectory,
        max_file_bytes: int,
        committed: Callable[[], None],
    ) -> None:
        """Keep what relaying needs; `committed` wakes the outbox."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._names = names
        self._max_bytes = max_file_bytes
        self._committed = committed

    async def reply(self, *, event_id: str, post: PartnerPost) -> bool:
        """Record a reply in the partner's request thread and carry it, files too, to the card.

        Returns False when the thread is not one of this partner's requests.
        """
        assert post.thread_ts is not None
        text = await self._names.with_names(post.text)
        allowed, refused = self._split(post.files)
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await self._partners_request(session, post.channel, post.thread_ts, post.user)
            if row is None:
                return False
            if not await events.mark_seen(session, event_id=event_id, now=now):
                return True
            summary = summarise_in(row, self._catalogue)  # recorded whatever the status
            data = {"ts": post.ts, **_file_data(allowed, refused)}
            await _remember(session, summary, "partner_message", text, data, now)
            rendered = relayed_reply(
                summary, text, files=allowed, refused=refused, max_bytes=self._max_bytes
            )
            await notices.card_thread_reply(
                session,
                request=summary,
                rendered=rendered,
                now=now,
                dedupe_key=f"event:{event_id}",
                own_role=notices.relayed_role(post.ts),
            )
            for file in allowed:
                await notices.file_to_card_thread(
                    session,
                    request=summary,
                    args=self._file_args(summary, file),
                    now=now,
                    dedupe_key=f"event:{event_id}:file:{file.id}",
                )
        self._committed()
        logger.info(
            "partner reply relayed request=%s files=%d refused=%d",
            summary.ref,
            len(allowed),
            len(refused),
        )
        return True

    async def edit(self, *, event_id: str, edit: PartnerEdit) -> None:
        """Update the card-thread copy of an edited reply; the earlier text stays in history."""
        text = await self._names.with_names(edit.text)
        allowed, refused = self._split(edit.files)
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await self._partners_request(session, edit.channel, edit.thread_ts, edit.user)
            if row is None or not await events.mark_seen(session, event_id=event_id, now=now):
                return
            summary = summarise_in(row, self._catalogue)
            data = {"ts": edit.ts, "previous": edit.previous_text}
            await _remember(session, summary, "partner_message_edited", text, data, now)
            rendered = relayed_reply(
                summary,
                text,
                files=allowed,
                refused=refused,
                max_bytes=self._max_bytes,
                edited_at=now,
            )
            updated = await notices.relayed_copy_update(
                session, request=summary, ts=edit.ts, rendered=rendered, now=now
            )
            if not updated:  # never relayed (sent before Liaison knew the thread): say it now
                await notices.card_thread_reply(
                    session,
                    request=summary,
                    rendered=rendered,
                    now=now,
                    dedupe_key=f"event:{event_id}",
                    own_role=notices.relayed_role(edit.ts),
                )
        self._committed()
        logger.info("partner edit relayed request=%s ts=%s", summary.ref, edit.ts)

    async def deletion(self, *, event_id: str, deletion: PartnerDeletion) -> None:
        """Note in the card's thread that the partner deleted a reply, and record it."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await self._partners_request(
                session, deletion.channel, deletion.thread_ts, deletion.user
            )
            if row is None or not await events.mark_seen(session, event_id=event_id, now=now):
                return
            summary = summarise_in(row, self._catalogue)
            data = {"ts": deletion.ts}
            kind = "partner_message_deleted"
            await _remember(session, summary, kind, deletion.previous_text, data, now)
            await notices.card_thread_reply(
                session,
                request=summary,
                rendered=relayed_deletion(summary, deletion.previous_text, deletion.ts),
                now=now,
                dedupe_key=f"event:{event_id}",
            )
        self._committed()
        logger.info("partner deletion noted request=%s ts=%s", summary.ref, deletion.ts)

    @staticmethod
    async def _partners_request(
        session: AsyncSession, channel: str, thread_ts: str, user: str
    ) -> Request | None:
        """The request whose DM thread this is, if it is this person's own."""
        row = await requests.find_by_partner_thread(session, channel=channel, ts=thread_ts)
        return row if row is not None and row.partner_id == user else None

    def _split(
        self, files: Sequence[SharedFile]
    ) -> tuple[tuple[SharedFile, ...], tuple[SharedFile, ...]]:
        """Files that can be copied, and those refused (too big, or nothing to download)."""
        fits = [f for f in files if f.download_url and 0 < f.size <= self._max_bytes]
        return tuple(fits), tuple(f for f in files if f not in fits)

    def _file_args(self, summary: RequestSummary, file: SharedFile) -> dict[str, object]:
        return relay_args(
            channel=summary.card_channel,
            file_id=file.id,
            name=file.name,
            url=file.download_url,
            max_bytes=self._max_bytes,
        )


async def _remember(
    session: AsyncSession,
    request: RequestSummary,
    kind: str,
    text: str,
    data: Mapping[str, object],
    now: dt.datetime,
) -> None:
    """Keep what the partner said (or unsaid) in the request's history, as they put it."""
    await history.append_event(
        session,
        request_id=request.id,
        at=now,
        kind=kind,
        actor_id=request.partner_id,
        partner_visible=True,
        text=text,
        data=dict(data),
    )


def _file_data(
    allowed: Sequence[SharedFile], refused: Sequence[SharedFile]
) -> dict[str, list[dict[str, object]]]:
    """The files of a message as history keeps them (no URLs: they need the bot token)."""
    data: dict[str, list[dict[str, object]]] = {}
    if allowed:
        data["files"] = [{"id": f.id, "name": f.name, "size": f.size} for f in allowed]
    if refused:
        data["refused_files"] = [{"id": f.id, "name": f.name, "size": f.size} for f in refused]
    return data
