"""The escalation ladder in motion: tell each rung once, in order, until someone acts.

The rules (which rung, when) live in bot.domain.escalation; this module only reads the
request, queues the messages and records every step in the request's history.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.delivery import notices
from bot.domain.escalation import ANSWERED, LadderRules, Rung, climbed, first_rung, next_rung
from bot.domain.escalation import next_step_at as step_time
from bot.domain.model import RequestStatus
from bot.domain.promises import ladder_rules
from bot.domain.summary import RequestSummary
from bot.domain.timers import TimerKind
from bot.expectations.rows import level_of
from bot.records.summaries import summarise_in
from bot.views.escalation import rung_note
from storage import history, requests, timers
from storage.models import Request, Timer


class Ladder:
    """Climbs from the assignee to the triage channel to the supervisors, never repeating."""

    def __init__(
        self, *, catalogue: Catalogue, supervisor_channel: str, supervisors: tuple[str, ...]
    ) -> None:
        """Supervisors are told in their channel, or each by DM when there is none."""
        self._catalogue = catalogue
        self._channel = supervisor_channel
        self._supervisors = supervisors

    def rules(self, row: Request) -> LadderRules:
        """The ladder of the request's service at its current priority."""
        return ladder_rules(level_of(self._catalogue, row))

    async def start(
        self,
        session: AsyncSession,
        row: Request,
        *,
        missed: dt.datetime,
        partner_told: bool,
        now: dt.datetime,
    ) -> None:
        """A promise lapsed with nobody acting: tell the first rung, schedule the next."""
        rung = first_rung(assigned=row.assignee_id is not None)
        await self._climb(session, row, rung, missed=missed, partner_told=partner_told, now=now)

    async def answered(self, session: AsyncSession, row: Request, *, now: dt.datetime) -> None:
        """Someone acted: stop climbing and, if the ladder had gone past the assignee, say so."""
        await timers.cancel(session, kinds=(TimerKind.PROMISE_ESCALATE,), request_id=row.id)
        events = await history.timeline(session, request_id=row.id)
        rung = climbed(e.kind for e in events)
        if rung is not None and rung >= Rung.TRIAGE:
            await history.append_event(
                session,
                request_id=row.id,
                at=now,
                kind=ANSWERED,
                actor_id=None,
                partner_visible=False,
                data={"rung": int(rung)},
            )

    async def on_step(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """The next rung is a timer, so a restart climbs on where it left off."""
        if timer.request_id is None:
            return
        row = await requests.get_request_by_id(session, request_id=timer.request_id)
        if row is None or not RequestStatus(row.status).is_open:
            return
        missed = dt.datetime.fromisoformat(str(timer.data["missed"]))
        told = bool(timer.data.get("partner_told"))
        rung = Rung(int(timer.data["rung"]))
        await self._climb(session, row, rung, missed=missed, partner_told=told, now=now)

    async def _climb(
        self,
        session: AsyncSession,
        row: Request,
        rung: Rung,
        *,
        missed: dt.datetime,
        partner_told: bool,
        now: dt.datetime,
    ) -> None:
        above = next_rung(rung)
        at = step_time(self.rules(row), self._catalogue.calendar, now) if above else None
        summary = summarise_in(row, self._catalogue)
        rendered = rung_note(
            summary, rung=rung, missed=missed, now=now, partner_told=partner_told, next_rung_at=at
        )
        channels = await self._tell(session, summary, rung, rendered, now=now)
        await history.append_event(
            session,
            request_id=row.id,
            at=now,
            kind=rung.event,
            actor_id=None,
            partner_visible=False,
            data={"due": missed.isoformat(), "told": channels},
        )
        if above is not None and at is not None:
            data = {"rung": int(above), "missed": missed.isoformat(), "partner_told": partner_told}
            await timers.schedule(
                session,
                kind=TimerKind.PROMISE_ESCALATE,
                due_at=at,
                now=now,
                request_id=row.id,
                data=data,
            )

    async def _tell(
        self,
        session: AsyncSession,
        request: RequestSummary,
        rung: Rung,
        rendered: notices.Rendered,
        *,
        now: dt.datetime,
    ) -> list[str]:
        """Queue the rung's message; returns where it went (for the history)."""
        if rung is not Rung.SUPERVISORS:  # the triage channel hears in the card's thread
            await notices.card_thread_reply(session, request=request, rendered=rendered, now=now)
            return [request.card_channel]
        channels = self._supervisor_channels()
        for channel in channels:
            await notices.post_to_channel(
                session,
                request=request,
                channel=channel,
                rendered=rendered,
                now=now,
                dedupe_key=f"ladder:{request.id}:{channel}:{now.isoformat()}",
            )
        return channels

    def _supervisor_channels(self) -> list[str]:
        return [self._channel] if self._channel else list(self._supervisors)
