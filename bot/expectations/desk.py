"""Service-level clocks and promises: warn before a target, say so at breach, never go silent.

The desk is what the rest of Liaison talks to: the filing starts the clocks, the triage
service reports each change, the partner asks for an update. It orders the work of the
clocks (`clocks.py`), the promises (`promises.py`) and the ladder (`ladder.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery import notices
from bot.domain.errors import NotFound, NotPermitted
from bot.domain.model import Priority, RequestStatus, format_number
from bot.domain.promises import PROMISE_TIMERS, Opening, opening_timers
from bot.domain.summary import RequestSummary
from bot.domain.targets import TARGET_TIMERS
from bot.expectations.clocks import Clocks
from bot.expectations.ladder import Ladder
from bot.expectations.promises import Promises
from bot.expectations.rows import level_of, record
from bot.records.summaries import summarise_in
from bot.views.expectations import update_asked_note, update_asked_reply
from storage import requests, timers
from storage.engine import Database
from storage.models import Request

ALL_TIMERS = (*TARGET_TIMERS, *PROMISE_TIMERS)


@dataclass(frozen=True)
class Before:
    """What a request looked like before a change, for the clocks to compare against."""

    status: RequestStatus
    next_update_due: dt.datetime | None
    first_responded_at: dt.datetime | None
    resolved_at: dt.datetime | None = None
    priority: Priority | None = None  # None: the change cannot have moved the priority


class Expectations:
    """Keeps the clocks and promises of every request in timers, so restarts lose nothing."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        warning_lead: float,
        nudge_lead: dt.timedelta,
        committed: Callable[[], None],
        supervisor_channel: str = "",
        supervisors: tuple[str, ...] = (),
    ) -> None:
        """`warning_lead` is the share of a target left when technicians are warned."""
        self.ladder = Ladder(
            catalogue=catalogue, supervisor_channel=supervisor_channel, supervisors=supervisors
        )
        self.clocks = Clocks(catalogue=catalogue, warning_lead=warning_lead)
        self.promises = Promises(catalogue=catalogue, nudge_lead=nudge_lead, ladder=self.ladder)
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._lead = warning_lead
        self._nudge_lead = nudge_lead
        self._committed = committed

    def opening_timers(
        self, filed: Sequence[RequestSummary], now: dt.datetime
    ) -> list[dict[str, Any]]:
        """Both clocks and the first promise of new requests, set in the filing's transaction."""
        return [
            {"kind": kind, "due_at": due_at, "request_id": request.id}
            for request in filed
            for kind, due_at in opening_timers(
                self._catalogue.calendar,
                level_of(self._catalogue, request),
                _opening(request),
                lead=self._lead,
                nudge_lead=self._nudge_lead,
            )
        ]

    async def after_change(
        self,
        session: AsyncSession,
        row: Request,
        before: Before,
        *,
        visible: bool,
        now: dt.datetime,
    ) -> None:
        """Adjust clocks and promises after a change; `row` is the request as now written."""
        if before.priority is not None and before.priority != Priority(row.priority):
            await self.clocks.retarget(session, row, before.priority, now=now)
        if not RequestStatus(row.status).is_open:
            await self.clocks.stopped(session, row, now=now)
            await timers.cancel(session, kinds=ALL_TIMERS, request_id=row.id)
            await self.ladder.answered(session, row, now=now)
            return
        if not before.status.is_open:
            await self.clocks.reopened(session, row, before.resolved_at, now=now)
        if before.first_responded_at is None and row.first_responded_at is not None:
            await self.clocks.responded(session, row)
        await self.clocks.pause_or_resume(session, row, now=now)
        if visible and row.next_update_due != before.next_update_due:
            await self.promises.updated(session, row, before.next_update_due, now=now)

    async def ask_for_update(self, number: int, *, partner: str) -> RequestSummary:
        """The partner pressed "Ask for an update": nudge whoever has it, tell the partner when."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            row = await requests.get_for_update(session, number=number)
            if row is None or row.partner_id != partner:
                raise NotFound(f"There is no request {format_number(number)} of yours.")
            if not RequestStatus(row.status).is_open:
                raise NotPermitted(f"{format_number(number)} is no longer open.")
            summary = summarise_in(row, self._catalogue)
            await record(session, row, "update_requested", now, actor=partner)
            await notices.card_thread_reply(
                session, request=summary, rendered=update_asked_note(summary), now=now
            )
            await notices.partner_thread_reply(
                session, request=summary, rendered=update_asked_reply(summary), now=now
            )
        self._committed()
        return summary


def _opening(request: RequestSummary) -> Opening:
    return Opening(
        opened_at=request.opened_at,
        first_response_due=request.first_response_due,
        resolution_due=request.resolution_due,
        next_update_due=request.next_update_due,
    )
