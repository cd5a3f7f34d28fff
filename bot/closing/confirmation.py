"""Closing the loop: the partner confirms or reopens; silence closes by itself; then the poll."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.closing.polls import PollDesk
from bot.delivery import notices
from bot.delivery.scheduler import TimerHandler
from bot.domain.edit import Edit
from bot.domain.errors import InvalidTransition
from bot.domain.model import RequestStatus
from bot.domain.reopening import reopen_refusal
from bot.domain.summary import Change, RequestSummary
from bot.domain.timers import TimerKind
from bot.domain.transitions import Action
from bot.triage.hooks import PartnerNote
from bot.triage.work import TriageService
from bot.views.closing import (
    ResolutionAnswer,
    auto_closed_message,
    auto_closed_then_reopened,
    confirmed_message,
    reopened_message,
    resolution_answered,
    resolution_with_confirmation,
)
from storage import history, timers
from storage.models import Request, Timer

RESOLUTION_ROLE = "resolution"
AUTO_CLOSED_ROLE = "auto_closed"
# How a request can close, and the ways in which the partner said it was fixed.
CLOSING_KINDS = (Action.CONFIRM.value, Action.AUTO_CLOSE.value, Action.SOLVED_BY_FIX.value)
SAID_FIXED = (Action.CONFIRM.value, Action.SOLVED_BY_FIX.value)


@dataclass(frozen=True)
class ClosingPolicy:
    """How long a resolved request waits for the partner, and how long it can be reopened."""

    auto_close_days: int = 3
    reopen_days: int = 7


class ClosingDesk:
    """The triage service's ChangeHooks: around resolving, confirming, closing and reopening."""

    def __init__(self, *, catalogue: Catalogue, policy: ClosingPolicy, polls: PollDesk) -> None:
        """Closing needs the calendar (business days) and the poll desk."""
        self._catalogue = catalogue
        self._policy = policy
        self._polls = polls

    def auto_close(self, triage: TriageService) -> TimerHandler:
        """A silent partner's request closes by itself through the triage service."""

        async def on_auto_close(session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
            number = int(timer.data.get("number", 0))
            try:
                await triage.apply_in(
                    session, number, actor="", edit=Edit(Action.AUTO_CLOSE), now=now
                )
            except InvalidTransition:
                return  # confirmed, reopened or withdrawn in the meantime

        return on_auto_close

    async def check(
        self, session: AsyncSession, row: Request, action: Action, now: dt.datetime
    ) -> None:
        """Refuse a reopen the partner may no longer make (see reopen_refusal)."""
        if action is not Action.REOPEN or row.status != RequestStatus.CLOSED:
            return
        closing = await history.latest_event(session, request_id=row.id, kinds=CLOSING_KINDS)
        refusal = reopen_refusal(
            row.number,
            status=RequestStatus(row.status),
            confirmed_fixed=closing is not None and closing.kind in SAID_FIXED,
            reopen_until=self.reopen_until(row.closed_at) if row.closed_at else None,
            now=now,
        )
        if refusal:
            raise InvalidTransition(refusal)

    def reopen_until(self, closed_at: dt.datetime) -> dt.datetime:
        """The last moment a closed request can be reopened."""
        return closed_at + dt.timedelta(days=self._policy.reopen_days)

    async def after_change(
        self, session: AsyncSession, change: Change, now: dt.datetime
    ) -> PartnerNote | None:
        """Timers for the closing steps, and the partner's message for them (None: the usual).

        A message with buttons is posted under a role, and rewritten without its buttons once
        they have been answered, so an old click cannot act again.
        """
        request = change.request
        match Action(change.action):
            case Action.RESOLVE:
                auto_close_at = self._auto_close_at(now)
                await timers.schedule(
                    session,
                    kind=TimerKind.AUTO_CLOSE,
                    due_at=auto_close_at,
                    now=now,
                    request_id=request.id,
                    data={"number": request.number},
                )
                rendered = resolution_with_confirmation(
                    request,
                    change.partner_message,
                    auto_close_at=auto_close_at,
                    with_outage=change.with_outage,
                )
                return PartnerNote(rendered, RESOLUTION_ROLE)
            case Action.CONFIRM:
                await timers.cancel(session, kinds=(TimerKind.AUTO_CLOSE,), request_id=request.id)
                await self._answered(session, request, ResolutionAnswer.CONFIRMED, now)
                return PartnerNote(confirmed_message(request))
            case Action.AUTO_CLOSE:
                await self._answered(session, request, ResolutionAnswer.AUTO_CLOSED, now)
                rendered = auto_closed_message(request, reopen_until=self.reopen_until(now))
                return PartnerNote(rendered, AUTO_CLOSED_ROLE)
            case Action.REOPEN:
                await timers.cancel(session, kinds=(TimerKind.AUTO_CLOSE,), request_id=request.id)
                if change.previous_status is RequestStatus.RESOLVED:
                    await self._answered(session, request, ResolutionAnswer.REOPENED, now)
                else:
                    await notices.update_latest(
                        session,
                        request=request,
                        role=AUTO_CLOSED_ROLE,
                        channel=request.partner_id,
                        rendered=auto_closed_then_reopened(request, reopened_at=now),
                        now=now,
                    )
                await self._polls.request_reopened(session, request, now)
                return PartnerNote(reopened_message(request))
            case _:
                return None

    async def _answered(
        self,
        session: AsyncSession,
        request: RequestSummary,
        answer: ResolutionAnswer,
        now: dt.datetime,
    ) -> None:
        """Rewrite the resolution message with its answer and without its buttons."""
        resolved = await history.latest_event(
            session, request_id=request.id, kinds=(Action.RESOLVE.value,)
        )
        await notices.update_latest(
            session,
            request=request,
            role=RESOLUTION_ROLE,
            channel=request.partner_id,
            rendered=resolution_answered(
                request, resolved.text if resolved else "", answer=answer, at=now
            ),
            now=now,
        )

    async def after_notices(self, session: AsyncSession, change: Change, now: dt.datetime) -> None:
        """Once the partner has been told it is closed, ask the poll (when policy allows).

        A request a shared fix answered gets no poll: the partner closed it themselves minutes
        after filing, and nobody worked it to be rated.
        """
        if change.request.status is RequestStatus.CLOSED and change.action != Action.SOLVED_BY_FIX:
            await self._polls.start(session, change.request, now)

    def _auto_close_at(self, now: dt.datetime) -> dt.datetime:
        calendar = self._catalogue.calendar
        return calendar.add(now, calendar.working_day_length() * self._policy.auto_close_days)
