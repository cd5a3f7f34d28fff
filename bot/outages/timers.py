"""Outage timers: maintenance reminders and ends, and notes on requests filed during outages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.delivery import notices
from bot.domain.outage import OutageChange, OutageEvent, OutageKind, OutageStatus, OutageSummary
from bot.domain.summary import RequestSummary
from bot.domain.timers import TimerKind
from bot.outages import notices as outage_notices
from bot.outages.forms import DECLARABLE
from bot.records.summaries import summarise_in
from bot.views.outages import linked_card_note, linked_request_note
from storage import outages, requests, timers
from storage.models import Outage, Timer

MAINTENANCE_TIMERS = (TimerKind.MAINTENANCE_REMINDER, TimerKind.MAINTENANCE_END)
REMINDER_LEAD = dt.timedelta(hours=1)
E, S = OutageEvent, OutageStatus


class OutageTimers:
    """What must happen later about an outage, kept as timers so restarts lose nothing."""

    def __init__(self, *, catalogue: Catalogue, announcements_channel: str) -> None:
        """Keep what the timers' messages need."""
        self._catalogue = catalogue
        self._channel = announcements_channel

    async def plan(
        self, session: AsyncSession, row: Outage, *, start: bool, end: bool, now: dt.datetime
    ) -> None:
        """(Re)schedule maintenance's reminder (an hour before, or now) and its end."""
        if row.kind != OutageKind.MAINTENANCE:
            return
        if start:
            await timers.cancel(session, kinds=(TimerKind.MAINTENANCE_REMINDER,), outage_id=row.id)
            if row.starts_at > now:
                due = max(row.starts_at - REMINDER_LEAD, now)
                await timers.schedule(
                    session,
                    kind=TimerKind.MAINTENANCE_REMINDER,
                    due_at=due,
                    now=now,
                    outage_id=row.id,
                )
        if end and row.ends_at is not None:
            await timers.cancel(session, kinds=(TimerKind.MAINTENANCE_END,), outage_id=row.id)
            await timers.schedule(
                session,
                kind=TimerKind.MAINTENANCE_END,
                due_at=row.ends_at,
                now=now,
                outage_id=row.id,
            )

    async def cancel(self, session: AsyncSession, row: Outage) -> None:
        """Nothing more is due about an outage that is over."""
        await timers.cancel(session, kinds=MAINTENANCE_TIMERS, outage_id=row.id)

    async def link(
        self, session: AsyncSession, filed: Sequence[RequestSummary], now: dt.datetime
    ) -> None:
        """Link requests filed during an open outage of their service, inside the filing.

        One read for a whole batch of filings; usually nothing is open and nothing is linked.
        """
        live = await outages.list_live(session, kinds=DECLARABLE)
        latest: dict[str, int] = {}
        for outage in sorted((o for o in live if o.status == S.OPEN), key=lambda o: o.id):
            latest[outage.service_id] = outage.id
        for request in filed:
            if request.service_id in latest:
                outage_id = latest[request.service_id]
                await self.link_one(session, request_id=request.id, outage_id=outage_id, now=now)

    async def link_one(
        self,
        session: AsyncSession,
        *,
        request_id: int,
        outage_id: int,
        now: dt.datetime,
        by: str | None = None,
    ) -> None:
        """Link a request to an outage; `by` is the technician who linked an earlier request."""
        await outages.link_request(session, request_id=request_id, outage_id=outage_id)
        # The partner's confirmation and the card are queued after the filing hooks; the notes
        # about the link thread under them, so a timer due now writes them after the commit.
        await timers.schedule(
            session,
            kind=TimerKind.OUTAGE_LINKED,
            due_at=now,
            now=now,
            request_id=request_id,
            outage_id=outage_id,
            data={"by": by} if by else None,
        )

    async def on_reminder(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """Maintenance starts within the hour: remind everyone it touches."""
        row = await self._outage(session, timer)
        if row is None or row.status != S.SCHEDULED or (row.ends_at and row.ends_at <= now):
            return
        change = OutageChange(E.REMINDER, self._summary(row), None)
        await self._spread(session, row, change, f"reminder:{timer.id}", now)

    async def on_end(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """Maintenance reached its end without being ended by hand: it has completed."""
        row = await self._outage(session, timer)
        if row is None or row.status != S.SCHEDULED or (row.ends_at and row.ends_at > now):
            return  # ended by hand, or moved later (a new timer holds the new end)
        values = {"status": S.COMPLETED.value, "resolved_at": now}
        updated = await outages.change_outage(
            session, outage_id=row.id, from_statuses=[S.SCHEDULED.value], values=values
        )
        if updated is not None:
            change = OutageChange(E.COMPLETED, self._summary(updated), None)
            await self._spread(session, updated, change, E.COMPLETED.value, now)

    async def on_linked(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """A request was linked: say so under its card and, while it matters, to its partner."""
        row = await self._outage(session, timer)
        request = await requests.get_request_by_id(session, request_id=timer.request_id or 0)
        if row is None or request is None:
            return
        outage = self._summary(row)
        summary = summarise_in(request, self._catalogue)
        note = linked_card_note(outage, by=(timer.data or {}).get("by"))
        await notices.card_thread_reply(session, request=summary, rendered=note, now=now)
        if outage.status.is_live and summary.status.is_open:
            told = await outage_notices.was_told(
                session, outage_id=row.id, key=OutageEvent.DECLARED.value, user=summary.partner_id
            )
            note = linked_request_note(outage, summary.ref, announced=told)
            await notices.partner_thread_reply(session, request=summary, rendered=note, now=now)

    async def _spread(
        self, session: AsyncSession, row: Outage, change: OutageChange, key: str, now: dt.datetime
    ) -> None:
        await outage_notices.spread(
            session, row=row, change=change, key=key, channel=self._channel, now=now
        )

    async def _outage(self, session: AsyncSession, timer: Timer) -> Outage | None:
        if timer.outage_id is None:
            return None
        return await outages.get_outage_by_id(session, outage_id=timer.outage_id)

    def _summary(self, row: Outage) -> OutageSummary:
        return outage_notices.summarise_outage(row, catalogue=self._catalogue)
