"""The first-response and resolution clocks of each request, kept in timers and on its row.

The rules (when a target is due, when to warn, what a pause or a new priority does) are in
`bot.domain.targets`; this module reads the row, applies the decision, records it and
queues what technicians see.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.delivery import notices
from bot.domain.model import Priority, RequestStatus
from bot.domain.summary import RequestSummary
from bot.domain.targets import (
    ClockState,
    Pause,
    Target,
    pauses_clock,
    resolved_while_paused,
    resumed,
    retarget,
    target_timers,
)
from bot.domain.timers import TimerKind, Timing
from bot.expectations.rows import level_of, open_request, record, third_party_pauses
from bot.records.summaries import summarise_in
from bot.views.expectations import breach_note, warning_note
from storage import timers
from storage.models import Request, Timer

TARGET_OF = {kind: target for target in Target for kind in target.timers}


class Clocks:
    """Warns before each target, says so at a breach, and stops the clock while it should."""

    def __init__(self, *, catalogue: Catalogue, warning_lead: float) -> None:
        """`warning_lead` is the share of a target left when technicians are warned."""
        self._catalogue = catalogue
        self._lead = warning_lead

    # Timers -------------------------------------------------------------------------------

    async def on_warning(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """A target is near: say so in the card's thread."""
        row = await open_request(session, timer)
        if row is not None:
            target = TARGET_OF[TimerKind(timer.kind)]
            summary = summarise_in(row, self._catalogue)
            note = warning_note(summary, target=target, due=_due(row, target))
            await notices.card_thread_reply(session, request=summary, rendered=note, now=now)

    async def on_breach(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """A target has passed with the request still open."""
        row = await open_request(session, timer)
        if row is not None:
            await self._breached(session, row, TARGET_OF[TimerKind(timer.kind)], now)

    # Changes ------------------------------------------------------------------------------

    async def responded(self, session: AsyncSession, row: Request) -> None:
        """Someone answered the partner: the first-response clock has nothing more to say."""
        await timers.cancel(session, kinds=Target.FIRST_RESPONSE.timers, request_id=row.id)

    async def stopped(self, session: AsyncSession, row: Request, *, now: dt.datetime) -> None:
        """Resolved or closed: a pause still running moves the target out and ends."""
        if row.paused_at is not None:
            pause = resolved_while_paused(
                self._catalogue.calendar,
                level_of(self._catalogue, row),
                paused_at=row.paused_at,
                due=row.resolution_due,
                now=now,
            )
            self._end_pause(row, pause)
            await session.flush()

    async def reopened(
        self,
        session: AsyncSession,
        row: Request,
        resolved_at: dt.datetime | None,
        *,
        now: dt.datetime,
    ) -> None:
        """Reopened: the time it sat resolved does not count, and the clock runs again."""
        if resolved_at is not None:
            pause = resumed(
                self._catalogue.calendar,
                level_of(self._catalogue, row),
                since=resolved_at,
                due=row.resolution_due,
                now=now,
            )
            row.resolution_due = pause.resolution_due
            row.paused_seconds = (row.paused_seconds or 0) + pause.seconds
        await self._schedule(session, row, Target.RESOLUTION, start=now)
        await record(session, row, "clock_resumed", now)

    async def pause_or_resume(
        self, session: AsyncSession, row: Request, *, now: dt.datetime
    ) -> None:
        """Waiting on the partner (or a third party) stops the resolution clock."""
        pausing = pauses_clock(
            RequestStatus(row.status),
            third_party_pauses=third_party_pauses(self._catalogue, row),
        )
        if pausing and row.paused_at is None:
            row.paused_at = now
            await timers.cancel(session, kinds=Target.RESOLUTION.timers, request_id=row.id)
            await record(session, row, "clock_paused", now)
        elif not pausing and row.paused_at is not None:
            pause = resumed(
                self._catalogue.calendar,
                level_of(self._catalogue, row),
                since=row.paused_at,
                due=row.resolution_due,
                now=now,
            )
            self._end_pause(row, pause)
            await session.flush()
            await self._schedule(session, row, Target.RESOLUTION, start=now)
            await record(session, row, "clock_resumed", now, paused_seconds=pause.seconds)

    async def retarget(
        self, session: AsyncSession, row: Request, old: Priority, *, now: dt.datetime
    ) -> None:
        """A new priority: new targets, recorded; those already past are breached at once."""
        service = self._catalogue.service(row.service_id)
        if service is None:
            return
        new = Priority(row.priority)
        before = (row.first_response_due, row.resolution_due)
        moved = retarget(
            self._catalogue.calendar,
            self._catalogue.level(service, new),
            opened_at=row.opened_at,
            paused=dt.timedelta(seconds=row.paused_seconds or 0),
            state=_state(row),
            now=now,
        )
        row.first_response_due, row.resolution_due = moved.first_response_due, moved.resolution_due
        await session.flush()
        after = (row.first_response_due, row.resolution_due)
        await record(session, row, "targets_moved", now, data=_moved(old, new, before, after))
        for target in Target:
            if target in moved.rescheduled:
                await self._schedule(session, row, target, start=now)
            elif target in moved.breached:
                await timers.cancel(session, kinds=target.timers, request_id=row.id)
                await self._breached(session, row, target, now)

    # Helpers ------------------------------------------------------------------------------

    async def _breached(
        self, session: AsyncSession, row: Request, target: Target, now: dt.datetime
    ) -> None:
        """The target has passed: on the row, in the history, on the card and in its thread."""
        if target is Target.FIRST_RESPONSE:
            row.first_response_breached_at = now
        else:
            row.resolution_breached_at = now
        await session.flush()
        await record(session, row, target.breached_event, now, due=_due(row, target))
        summary = summarise_in(row, self._catalogue)
        await notices.card_refresh(session, request=summary, now=now)
        note = breach_note(summary, target=target, due=_due(row, target))
        await notices.card_thread_reply(session, request=summary, rendered=note, now=now)

    async def _schedule(
        self, session: AsyncSession, row: Request, target: Target, *, start: dt.datetime
    ) -> None:
        """Replace a target's warning and breach with fresh ones counted from `start`."""
        await timers.cancel(session, kinds=target.timers, request_id=row.id)
        for kind, due_at in self._timers(row, target, start):
            await timers.schedule(session, kind=kind, due_at=due_at, now=start, request_id=row.id)

    def _timers(
        self, request: Request | RequestSummary, target: Target, start: dt.datetime
    ) -> list[Timing]:
        return target_timers(
            self._catalogue.calendar,
            level_of(self._catalogue, request),
            target,
            due=_due(request, target),
            start=start,
            lead=self._lead,
        )

    @staticmethod
    def _end_pause(row: Request, pause: Pause) -> None:
        row.paused_seconds = (row.paused_seconds or 0) + pause.seconds
        row.paused_at = None
        row.resolution_due = pause.resolution_due


def _due(row: Request | RequestSummary, target: Target) -> dt.datetime:
    return row.first_response_due if target is Target.FIRST_RESPONSE else row.resolution_due


def _state(row: Request) -> ClockState:
    return ClockState(
        is_open=RequestStatus(row.status).is_open,
        first_responded_at=row.first_responded_at,
        first_response_breached=row.first_response_breached_at is not None,
        resolution_breached=row.resolution_breached_at is not None,
        paused=row.paused_at is not None,
    )


def _moved(
    old: Priority,
    new: Priority,
    before: tuple[dt.datetime, dt.datetime],
    after: tuple[dt.datetime, dt.datetime],
) -> dict[str, object]:
    return {
        "from_priority": old.value,
        "to_priority": new.value,
        "first_response_due": [before[0].isoformat(), after[0].isoformat()],
        "resolution_due": [before[1].isoformat(), after[1].isoformat()],
    }
