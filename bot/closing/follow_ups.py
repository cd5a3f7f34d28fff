"""Follow-ups of low poll scores: a supervisor takes one, writes to the partner, finishes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.closing.polls import PollDesk, PollPolicy, is_low, record_event
from bot.delivery import notices
from bot.domain.errors import InvalidTransition, NotFound, NotPermitted
from bot.domain.poll import FollowUpView, PollView
from bot.domain.summary import RequestSummary, TimelineEntry
from bot.domain.timers import TimerKind
from bot.records.summaries import summarise_in
from bot.views.polls import follow_up_to_partner, low_score_alert
from bot.workspace.roles import RoleDirectory
from storage import history, polls, requests, timers
from storage.engine import Database
from storage.models import FollowUp, Poll, Request, RequestEvent, Timer


class FollowUpDesk:
    """Carries an unhappy partner's answer to a supervisor until someone has dealt with it."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        policy: PollPolicy,
        polls: PollDesk,
        committed: Callable[[], None],
    ) -> None:
        """Follow-ups show their poll as PollDesk renders it; `committed` wakes the outbox."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._policy = policy
        self._polls = polls
        self._committed = committed

    async def take_follow_up(self, follow_up_id: int, *, supervisor: str) -> FollowUpView:
        """A supervisor takes ownership; exactly one can."""
        now = self._clock.now()
        await self._require_supervisor(supervisor)
        async with self._db.transaction() as session:
            follow_up = await self._follow_up(session, follow_up_id)
            if not await polls.take_follow_up(
                session, follow_up_id=follow_up_id, owner_id=supervisor, now=now
            ):
                owner = follow_up.owner_id
                raise InvalidTransition(f"<@{owner}> has already taken this follow-up.")
            follow_up = await self._follow_up(session, follow_up_id)
            await record_event(
                session, follow_up.request_id, "follow_up_taken", now, actor=supervisor
            )
            view = await self._follow_up_view(session, follow_up)
            await self._refresh_alert(session, view, now)
        self._committed()
        return view

    async def follow_up_request(self, follow_up_id: int, *, supervisor: str) -> RequestSummary:
        """The request behind a follow-up, for a supervisor about to write to its partner."""
        await self._require_supervisor(supervisor)
        async with self._db.reading() as session:
            follow_up = await self._follow_up(session, follow_up_id)
            row = await requests.get_request_by_id(session, request_id=follow_up.request_id)
            assert row is not None
            return self._summary(row)

    async def write_to_partner(self, follow_up_id: int, *, supervisor: str, text: str) -> None:
        """A supervisor's own words to the partner, sent through the bot and recorded."""
        now = self._clock.now()
        await self._require_supervisor(supervisor)
        async with self._db.transaction() as session:
            follow_up = await self._follow_up(session, follow_up_id)
            row = await requests.get_request_by_id(session, request_id=follow_up.request_id)
            assert row is not None
            summary = self._summary(row)
            await history.append_event(
                session,
                request_id=row.id,
                at=now,
                kind="follow_up_message",
                actor_id=supervisor,
                partner_visible=True,
                text=text,
            )
            rendered = follow_up_to_partner(summary, supervisor, text)
            await notices.partner_thread_reply(session, request=summary, rendered=rendered, now=now)
        self._committed()

    async def finish_follow_up(self, follow_up_id: int, *, supervisor: str) -> FollowUpView:
        """Mark a follow-up done; it leaves the digests' open list."""
        now = self._clock.now()
        await self._require_supervisor(supervisor)
        async with self._db.transaction() as session:
            if not await polls.finish_follow_up(session, follow_up_id=follow_up_id, now=now):
                raise InvalidTransition("This follow-up is already done.")
            follow_up = await self._follow_up(session, follow_up_id)
            await timers.cancel(
                session, kinds=(TimerKind.FOLLOW_UP_DUE,), request_id=follow_up.request_id
            )
            await record_event(
                session, follow_up.request_id, "follow_up_done", now, actor=supervisor
            )
            view = await self._follow_up_view(session, follow_up)
            await self._refresh_alert(session, view, now)
        self._committed()
        return view

    async def open_follow_ups(self) -> list[FollowUpView]:
        """Follow-ups not yet done, most overdue first (for the digests)."""
        async with self._db.reading() as session:
            rows = await polls.open_follow_ups(session)
            return [await self._follow_up_view(session, row) for row in rows]

    async def on_answers(
        self, session: AsyncSession, poll: Poll, view: PollView, now: dt.datetime
    ) -> None:
        """A low score opens a follow-up; after that, its alert follows every change in place."""
        follow_up = await polls.follow_up_for_poll(session, poll_id=poll.id)
        if follow_up is not None:
            await self._refresh_alert(session, await self._follow_up_view(session, follow_up), now)
        elif is_low(poll):
            await self.raise_for(session, poll, view, now)

    async def raise_for(
        self, session: AsyncSession, poll: Poll, view: PollView, now: dt.datetime
    ) -> None:
        """A low score opens a follow-up: alert the supervisors, and watch that it is done."""
        calendar = self._catalogue.calendar
        due = calendar.add(now, calendar.working_day_length() * self._policy.follow_up_days)
        follow_up = await polls.insert_follow_up(
            session, poll_id=poll.id, request_id=poll.request_id, created_at=now, due_at=due
        )
        alert = FollowUpView(id=follow_up.id, poll=view, owner_id=None, due_at=due, done_at=None)
        rendered = low_score_alert(alert, await self._timeline(session, poll.request_id))
        for place, channel in enumerate(self._alert_channels()):
            await notices.post_to_channel(
                session,
                request=view.facts.request,
                channel=channel,
                rendered=rendered,
                now=now,
                role=_alert_role(follow_up.id, place, channel),
                dedupe_key=f"followup:{follow_up.id}:{channel}",
            )
        await timers.schedule(
            session,
            kind=TimerKind.FOLLOW_UP_DUE,
            due_at=due,
            now=now,
            request_id=poll.request_id,
            data={"follow_up": follow_up.id},
        )
        await record_event(
            session, poll.request_id, "follow_up_opened", now, follow_up=follow_up.id
        )

    async def _refresh_alert(
        self, session: AsyncSession, view: FollowUpView, now: dt.datetime
    ) -> None:
        """Rewrite the alert everywhere it was posted; unsent older renderings are superseded."""
        request = view.poll.facts.request
        rendered = low_score_alert(view, await self._timeline(session, request.id))
        for place, channel in enumerate(self._alert_channels()):
            await notices.update_posted(
                session,
                request=request,
                role=_alert_role(view.id, place, channel),
                channel=channel,
                rendered=rendered,
                now=now,
            )

    async def _timeline(self, session: AsyncSession, request_id: int) -> list[TimelineEntry]:
        entries = await history.timeline(session, request_id=request_id, partner_only=True)
        return [_entry(e) for e in entries]

    def _alert_channels(self) -> list[str]:
        """The supervisors' channel, or each listed supervisor's DM when there is none."""
        if self._policy.supervisor_channel:
            return [self._policy.supervisor_channel]
        return list(self._policy.supervisors)

    async def on_due(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        follow_up = await polls.get_follow_up(
            session, follow_up_id=int(timer.data.get("follow_up", 0))
        )
        if follow_up is None or follow_up.done_at is not None:
            return
        await record_event(session, follow_up.request_id, "follow_up_overdue", now)
        view = await self._follow_up_view(session, follow_up)
        await self._refresh_alert(session, view, now)

    async def _follow_up(self, session: AsyncSession, follow_up_id: int) -> FollowUp:
        follow_up = await polls.get_follow_up(session, follow_up_id=follow_up_id)
        if follow_up is None:
            raise NotFound("That follow-up does not exist.")
        return follow_up

    async def _follow_up_view(self, session: AsyncSession, follow_up: FollowUp) -> FollowUpView:
        poll = await polls.get_poll(session, poll_id=follow_up.poll_id)
        assert poll is not None
        return FollowUpView(
            id=follow_up.id,
            poll=await self._polls.view(session, poll),
            owner_id=follow_up.owner_id,
            due_at=follow_up.due_at,
            done_at=follow_up.done_at,
        )

    async def _require_supervisor(self, user: str) -> None:
        if not await self._roles.is_supervisor(user):
            raise NotPermitted("Only supervisors handle follow-ups.")

    def _summary(self, row: Request) -> RequestSummary:
        return summarise_in(row, self._catalogue)


def _alert_role(follow_up_id: int, place: int, channel: str) -> str:
    """The alert's role in each place it is posted (the first keeps the original name)."""
    return f"followup:{follow_up_id}" if place == 0 else f"followup:{follow_up_id}:{channel}"


def _entry(event: RequestEvent) -> TimelineEntry:
    return TimelineEntry(
        at=event.at,
        kind=event.kind,
        actor_id=event.actor_id,
        partner_visible=event.partner_visible,
        text=event.text,
        data=dict(event.data),
    )
