"""An outage's requests together: link those already open, resolve those linked."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.domain.edit import Edit
from bot.domain.errors import DomainError, InvalidTransition
from bot.domain.model import format_number
from bot.domain.outage import (
    LinkedResolution,
    OutageEvent,
    OutageKind,
    OutageStatus,
    OutageSummary,
    format_outage_number,
)
from bot.domain.transitions import Action
from bot.outages import notices as outage_notices
from bot.outages.rows import live_outage_row, outage_row
from bot.outages.timers import OutageTimers
from bot.triage.work import TriageService
from storage import outages
from storage.engine import Database
from storage.models import Outage

logger = logging.getLogger(__name__)
S = OutageStatus


class OutageLinks:
    """Links and resolves requests by outage; each request change is made as on its card."""

    def __init__(
        self,
        *,
        database: Database,
        clock: Clock,
        triage: TriageService,
        timers: OutageTimers,
        require_manager: Callable[[str], Awaitable[None]],
        summarise: Callable[[Outage], OutageSummary],
        changed: Callable[[], None],
        scheduled: Callable[[], None],
    ) -> None:
        """The outage desk's checks and wake-ups, shared so both say the same."""
        self._db = database
        self._clock = clock
        self._triage = triage
        self._timers = timers
        self._require_manager = require_manager
        self._summary = summarise
        self._changed = changed
        self._scheduled = scheduled

    async def resolve_linked(self, number: int, *, actor: str) -> LinkedResolution:
        """Resolve each open request linked to a resolved outage with the outage's resolution.

        A partner who was sent the outage's resolution is not sent its text again: their
        request's message says it was resolved with the outage and asks if it works now.
        """
        await self._require_manager(actor)
        ref = format_outage_number(number)
        async with self._db.reading() as session:
            row = await outage_row(session, number)
            if S(row.status) is S.OPEN:
                raise InvalidTransition(f"Resolve {ref} first.")
            linked: list[tuple[int, Edit]] = []
            for request in await outages.open_linked_requests(session, outage_id=row.id):
                told = await outage_notices.was_told(
                    session,
                    outage_id=row.id,
                    key=OutageEvent.RESOLVED.value,
                    user=request.partner_id,
                )
                edit = Edit(
                    Action.RESOLVE,
                    partner_message=row.resolution or "",
                    with_outage=ref if told else None,
                )
                linked.append((request.number, edit))
        resolved: list[str] = []
        skipped: list[tuple[str, str]] = []
        for request_number, edit in linked:
            try:  # each request is its own change, checked and recorded as if done on its card
                await self._triage.apply(request_number, actor=actor, edit=edit)
                resolved.append(format_number(request_number))
            except DomainError as refused:
                skipped.append((format_number(request_number), str(refused)))
        logger.info(
            "linked requests resolved outage=%s actor=%s resolved=%d skipped=%d",
            format_outage_number(number),
            actor,
            len(resolved),
            len(skipped),
        )
        return LinkedResolution(format_outage_number(number), tuple(resolved), tuple(skipped))

    async def link_open(self, number: int, *, actor: str) -> tuple[OutageSummary, list[str]]:
        """Link the open requests on an open outage's service that were filed before it."""
        await self._require_manager(actor)
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await live_outage_row(session, number)
            if row.kind == OutageKind.MAINTENANCE or S(row.status) is not S.OPEN:
                raise InvalidTransition("Only an open outage or degradation links requests.")
            earlier = await outages.open_unlinked_requests(session, service_id=row.service_id)
            for request in earlier:
                await self._timers.link_one(
                    session, request_id=request.id, outage_id=row.id, now=now, by=actor
                )
        if earlier:
            self._changed()
            self._scheduled()  # the link notes are written by a timer due now
        refs = [format_number(r.number) for r in earlier]
        logger.info(
            "requests linked outage=%s actor=%s linked=%d",
            format_outage_number(number),
            actor,
            len(refs),
        )
        return self._summary(row), refs
