"""Closing the loop: the partner confirms or reopens; silence closes by itself; then the poll."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import Block
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.domain.edit import Edit
from bot.domain.errors import InvalidTransition
from bot.domain.model import RequestStatus, format_number
from bot.domain.summary import Change
from bot.domain.transitions import Action
from bot.scheduler import Scheduler
from bot.services.polls import PollDesk
from bot.views.closing import (
    auto_closed_message,
    confirmed_message,
    reopened_message,
    resolution_with_confirmation,
)
from bot.views.text import slack_date
from storage import timers
from storage.models import Request, Timer

if TYPE_CHECKING:
    from bot.services.triage import TriageService

AUTO_CLOSE = "auto_close"
Rendered = tuple[list[Block], str]


@dataclass(frozen=True)
class ClosingPolicy:
    """How long a resolved request waits for the partner, and how long it can be reopened."""

    auto_close_days: int = 3
    reopen_days: int = 7


class ClosingDesk:
    """Hooks the triage service calls around resolving, confirming, closing and reopening."""

    def __init__(self, *, catalogue: Catalogue, policy: ClosingPolicy, polls: PollDesk) -> None:
        """Closing needs the calendar (business days) and the poll desk."""
        self._catalogue = catalogue
        self._policy = policy
        self._polls = polls

    def register(self, scheduler: Scheduler, triage: TriageService) -> None:
        """A silent partner's request closes by itself through the triage service."""

        async def on_auto_close(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
            number = int(timer.data.get("number", 0))
            try:
                await triage.apply_in(
                    session, number, actor="", edit=Edit(Action.AUTO_CLOSE), now=now
                )
            except InvalidTransition:
                return  # confirmed, reopened or withdrawn in the meantime

        scheduler.on(AUTO_CLOSE, on_auto_close)

    def check(self, row: Request, action: Action, now: dt.datetime) -> None:
        """A closed request can be reopened only within the window the partner was told."""
        if action is Action.REOPEN and row.status == RequestStatus.CLOSED and row.closed_at:
            until = self.reopen_until(row.closed_at)
            if now > until:
                raise InvalidTransition(
                    f"{format_number(row.number)} closed on {slack_date(row.closed_at)} and can no "
                    "longer be reopened. Please file a new request and mention it."
                )

    def reopen_until(self, closed_at: dt.datetime) -> dt.datetime:
        """The last moment a closed request can be reopened."""
        return closed_at + dt.timedelta(days=self._policy.reopen_days)

    async def after_change(
        self, session: AsyncSession, change: Change, now: dt.datetime
    ) -> Rendered | None:
        """Timers for the closing steps, and the partner's message for them (None: the usual)."""
        request = change.request
        match Action(change.action):
            case Action.RESOLVE:
                auto_close_at = self._auto_close_at(now)
                await timers.schedule(
                    session,
                    kind=AUTO_CLOSE,
                    due_at=auto_close_at,
                    now=now,
                    request_id=request.id,
                    data={"number": request.number},
                )
                return resolution_with_confirmation(
                    request, change.partner_message, auto_close_at=auto_close_at
                )
            case Action.CONFIRM:
                await timers.cancel(session, kinds=(AUTO_CLOSE,), request_id=request.id)
                return confirmed_message(request)
            case Action.AUTO_CLOSE:
                return auto_closed_message(request, reopen_until=self.reopen_until(now))
            case Action.REOPEN:
                await timers.cancel(session, kinds=(AUTO_CLOSE,), request_id=request.id)
                return reopened_message(request)
            case _:
                return None

    async def after_notices(self, session: AsyncSession, change: Change, now: dt.datetime) -> None:
        """Once the partner has been told it is closed, ask the poll (when policy allows)."""
        if change.request.status is RequestStatus.CLOSED:
            await self._polls.start(session, change.request, now)

    def _auto_close_at(self, now: dt.datetime) -> dt.datetime:
        calendar = self._catalogue.calendar
        return calendar.add(now, calendar.working_day_length() * self._policy.auto_close_days)
