"""The partner's side: their list, one request's story, replies relayed, DMs answered."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery import notices
from bot.domain.conversation import PartnerDeletion, PartnerEdit, PartnerPost, Said
from bot.domain.errors import NotFound, NotPermitted, NotStored
from bot.domain.model import format_number
from bot.domain.summary import RequestSummary, TimelineEntry
from bot.domain.transitions import OPEN, Role
from bot.partners.relay import ConversationRelay
from bot.records.summaries import summarise_in
from bot.views.partner_thread import dm_offer_to_file
from bot.workspace.names import NameDirectory
from bot.workspace.roles import RoleDirectory
from storage import events, history, requests
from storage.engine import Database
from storage.models import Request

logger = logging.getLogger(__name__)


class PartnerDesk:
    """Answers partners about their own requests and carries their words to the technicians."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        relay: ConversationRelay,
        names: NameDirectory,
        committed: Callable[[], None],
    ) -> None:
        """Keep what the partner side needs; `committed` wakes the outbox."""
        self._relay = relay
        self._names = names
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._committed = committed

    async def open_requests(self, partner_id: str) -> list[RequestSummary]:
        """The partner's open requests, newest first."""
        async with self._db.reading() as session:
            rows = await requests.list_for_partner(
                session, partner_id=partner_id, statuses=[s.value for s in OPEN]
            )
        return [self._summary(r) for r in rows]

    async def request_story(
        self, number: int, *, viewer: str
    ) -> tuple[RequestSummary, list[TimelineEntry]]:
        """A request and its history; partners see only their own and only what is theirs to see."""
        async with self._db.reading() as session:
            row = await requests.get_request(session, number=number)
            if row is None:
                raise NotFound(f"There is no request {format_number(number)} of yours.")
            is_worker = await self._is_worker(viewer, row)
            if row.partner_id != viewer and not is_worker:
                raise NotFound(f"There is no request {format_number(number)} of yours.")
            entries = await history.timeline(session, request_id=row.id, partner_only=not is_worker)
        timeline = [
            TimelineEntry(
                at=e.at,
                kind=e.kind,
                actor_id=e.actor_id,
                partner_visible=e.partner_visible,
                text=e.text,
                data=dict(e.data),
            )
            for e in entries
        ]
        return self._summary(row), timeline

    async def technician_queue(
        self, technician: str
    ) -> tuple[list[RequestSummary], list[RequestSummary]]:
        """Unclaimed requests in the person's triage channels, then the ones assigned to them."""
        channels = await self._roles.technician_channels(technician)
        if not channels and not await self._roles.is_supervisor(technician):
            raise NotPermitted(
                "The queue is for technicians: join a triage channel to work requests. "
                "To see your own requests, use the list sub-command."
            )
        if not channels:
            channels = sorted(self._roles.triage_channels)
        async with self._db.reading() as session:
            unclaimed = await requests.list_unclaimed(session, channels=channels)
            mine = await requests.list_assigned(session, assignee_id=technician)
        return [self._summary(r) for r in unclaimed], [self._summary(r) for r in mine]

    async def hear(self, *, event_id: str, said: Said) -> None:
        """Whatever a person did in their DM with Liaison, carried where it belongs.

        A reply in a request's thread goes to the card's thread; anything else said is
        offered as a new request; edits and deletions outside request threads are nobody's.
        Raises NotStored when the database could not take it, so it can be sent again.
        """
        try:
            await self._hear(event_id=event_id, said=said)
        except (SQLAlchemyError, OSError) as failed:
            raise NotStored(f"not stored: {type(failed).__name__}") from failed

    async def _hear(self, *, event_id: str, said: Said) -> None:
        match said:
            case PartnerPost() if said.is_reply:
                if not await self._relay.reply(event_id=event_id, post=said):
                    await self.offer_to_file(
                        event_id=event_id, user=said.user, channel=said.channel, text=said.text
                    )
            case PartnerPost():
                await self.offer_to_file(
                    event_id=event_id, user=said.user, channel=said.channel, text=said.text
                )
            case PartnerEdit():
                await self._relay.edit(event_id=event_id, edit=said)
            case PartnerDeletion():
                await self._relay.deletion(event_id=event_id, deletion=said)

    async def offer_to_file(self, *, event_id: str, user: str, channel: str, text: str) -> None:
        """Answer a DM that is not about a filed request with a way to file it."""
        text = await self._names.with_names(text)  # the form is prefilled with names, not ids
        now = self._clock.now()
        async with self._db.transaction() as session:
            if not await events.mark_seen(session, event_id=event_id, now=now):
                return
            await notices.direct_reply(
                session,
                channel=channel,
                thread_ts=None,  # a top-level answer: the DM is a conversation, not a thread
                rendered=dm_offer_to_file(text),
                now=now,
                dedupe_key=f"event:{event_id}",
            )
        self._committed()

    async def _is_worker(self, viewer: str, row: Request) -> bool:
        role = await self._roles.role_for(viewer, channel=row.card_channel)
        return role is not Role.PARTNER

    def _summary(self, row: Request) -> RequestSummary:
        return summarise_in(row, self._catalogue)
