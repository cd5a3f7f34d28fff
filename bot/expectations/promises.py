"""Promised updates to partners: a nudge before, the truth after, and never going silent.

What a lapse means (whether the ladder starts, whether the partner may be told now, what to
promise next) is decided in `bot.domain.promises`; this module reads the request and its
history, applies the decision and queues the messages.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.delivery import notices
from bot.domain.promises import (
    LAPSED,
    PARTNER_NOTICE,
    PARTNER_TOLD,
    Lapse,
    kept,
    lapse,
    promise_timers,
)
from bot.domain.timers import TimerKind
from bot.expectations.ladder import Ladder
from bot.expectations.rows import level_of, open_request, record
from bot.records.summaries import summarise_in
from bot.views.expectations import nudge_note, promise_lapse_message
from storage import history, timers
from storage.models import Request, Timer


class Promises:
    """Keeps each request's promised update in timers, and climbs the ladder when it lapses."""

    def __init__(self, *, catalogue: Catalogue, nudge_lead: dt.timedelta, ladder: Ladder) -> None:
        """`nudge_lead` is how long before a promise whoever made it is reminded."""
        self._catalogue = catalogue
        self._nudge_lead = nudge_lead
        self._ladder = ladder

    async def updated(
        self,
        session: AsyncSession,
        row: Request,
        promised: dt.datetime | None,
        *,
        now: dt.datetime,
    ) -> None:
        """The partner heard from us and was promised a new time: settle the old promise."""
        await self._ladder.answered(session, row, now=now)
        pending = await timers.cancel(session, kinds=(TimerKind.PROMISE_LAPSE,), request_id=row.id)
        await timers.cancel(session, kinds=(TimerKind.PROMISE_NUDGE,), request_id=row.id)
        if kept(pending=bool(pending), promised=promised, now=now):
            await record(session, row, "promise_kept", now, due=promised)
        row.last_partner_update_at = now
        await self._schedule(session, row, now=now)

    async def on_nudge(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """A promise is near: remind whoever has the request, in the card's thread."""
        row = await open_request(session, timer)
        # Before anyone has responded, the first-response warning already does the nudging.
        if row is not None and row.next_update_due is not None and row.first_responded_at:
            summary = summarise_in(row, self._catalogue)
            await notices.card_thread_reply(
                session, request=summary, rendered=nudge_note(summary), now=now
            )

    async def on_lapse(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """No update by the promised time: the ladder climbs; the partner hears the truth once.

        A lapse that starts a neglect episode sets the ladder going; later lapses of the same
        episode (the timer's data says so) only keep the partner informed, within the daily
        allowance and, unless the priority runs around the clock, inside working hours.
        """
        row = await open_request(session, timer)
        if row is None or row.next_update_due is None:
            return
        held_back = timer.data.get("missed")
        events = await history.timeline(session, request_id=row.id)
        decision = lapse(
            self._catalogue.calendar,
            level_of(self._catalogue, row),
            now=now,
            promised=row.next_update_due,
            held_back=dt.datetime.fromisoformat(str(held_back)) if held_back else None,
            episode=bool(timer.data.get("episode")),
            told=(e.at for e in events if e.kind in PARTNER_TOLD and e.partner_visible),
        )
        missed, told = decision.missed, decision.tell_partner
        if decision.first_seen:
            await record(session, row, LAPSED, now, due=missed, visible=told)
        if decision.starts_ladder:
            await self._ladder.start(session, row, missed=missed, partner_told=told, now=now)
        if decision.retry_at is not None:
            data = {"episode": True, "missed": missed.isoformat()}
            await timers.schedule(
                session,
                kind=TimerKind.PROMISE_LAPSE,
                due_at=decision.retry_at,
                now=now,
                request_id=row.id,
                data=data,
            )
            return
        if not decision.first_seen:
            await record(session, row, PARTNER_NOTICE, now, due=missed, visible=True)
        await self._tell_partner(session, row, decision, now=now)

    async def _tell_partner(
        self, session: AsyncSession, row: Request, decision: Lapse, *, now: dt.datetime
    ) -> None:
        """What is known, who has it, the last real update, and a promise the rules let us keep."""
        last = await self._last_update_text(session, row)
        row.next_update_due = decision.next_promise
        row.last_partner_update_at = now
        await session.flush()
        summary = summarise_in(row, self._catalogue)
        message = promise_lapse_message(summary, missed=decision.missed, last_update=last)
        await notices.partner_thread_reply(session, request=summary, rendered=message, now=now)
        await notices.card_refresh(session, request=summary, now=now)
        await self._schedule(session, row, now=now, episode=True)

    async def _schedule(
        self, session: AsyncSession, row: Request, *, now: dt.datetime, episode: bool = False
    ) -> None:
        """The lapse timer, and a nudge before it unless the ladder is already climbing."""
        data = {"episode": True} if episode else None
        planned = promise_timers(
            row.next_update_due, now=now, lead=self._nudge_lead, episode=episode
        )
        for kind, due_at in planned:
            await timers.schedule(
                session, kind=kind, due_at=due_at, now=now, request_id=row.id, data=data
            )

    async def _last_update_text(
        self, session: AsyncSession, row: Request
    ) -> tuple[dt.datetime, str, str] | None:
        """The last thing a person on our side told the partner: when, what kind, what words."""
        entries = await history.timeline(session, request_id=row.id, partner_only=True)
        for entry in reversed(entries):
            if entry.actor_id and entry.actor_id != row.partner_id:
                return entry.at, entry.kind, entry.text
        return None
