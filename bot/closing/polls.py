"""The closing poll and what happens to its answers: recorded, shown, routed to people."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery import notices
from bot.domain.errors import InvalidTransition, NotFound, NotPermitted
from bot.domain.poll import KeptInformed, PollView, RequestFacts, a11_items
from bot.domain.summary import RequestSummary
from bot.domain.timers import TimerKind
from bot.records.summaries import summarise_in
from bot.views.polls import (
    feedback_in_card_thread,
    kudos_message,
    poll_message,
)
from bot.views.text import slack_date
from bot.workspace.roles import RoleDirectory
from storage import history, outbox, polls, requests, timers
from storage.engine import Database
from storage.models import Poll, Request, Timer
from storage.polls import PollCounts

logger = logging.getLogger(__name__)
OUR_UPDATES = frozenset(
    {"claim", "assign", "update", "resolve", "reprioritise", "message_partner", "promise_lapsed"}
)


AnswersHook = Callable[[AsyncSession, Poll, PollView, dt.datetime], Awaitable[None]]


@dataclass(frozen=True)
class PollPolicy:
    """How often and how long partners are asked, and where answers go."""

    expiry: dt.timedelta = dt.timedelta(days=7)
    cooldown: dt.timedelta = dt.timedelta(days=7)
    sample_rate: float = 1.0
    a11: bool = False  # ask OMB A-11's satisfaction and trust items, word for word
    kudos: bool = True
    follow_up_days: int = 3
    supervisor_channel: str = ""
    supervisors: tuple[str, ...] = ()


class PollDesk:
    """Sends at most one short poll per closing and carries each answer to who can act on it."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        policy: PollPolicy,
        committed: Callable[[], None],
    ) -> None:
        """Keep what polls need; `committed` wakes the outbox."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._policy = policy
        self._committed = committed
        self._answers_hook: AnswersHook | None = None

    def on_answers(self, hook: AnswersHook) -> None:
        """Run `hook` in the transaction of each change to a poll's answers or its request.

        The follow-ups use it: a low score raises one, and its alert follows what comes next.
        """
        self._answers_hook = hook

    async def request_reopened(
        self, session: AsyncSession, request: RequestSummary, now: dt.datetime
    ) -> None:
        """A reopening after a poll: whoever watches its answers sees the request is back."""
        if self._answers_hook is None:
            return
        for poll in await polls.polls_for_request(session, request_id=request.id):
            await self._answers_hook(session, poll, await self.view(session, poll), now)

    async def start(self, session: AsyncSession, request: RequestSummary, now: dt.datetime) -> None:
        """Poll the partner about a closing, unless opted out, polled lately or not sampled."""
        reason = await self._skip_reason(session, request, now)
        poll = await polls.insert_poll(
            session,
            request_id=request.id,
            partner_id=request.partner_id,
            created_at=now,
            expires_at=now + self._policy.expiry,
            status="skipped" if reason else "open",
            skip_reason=reason,
            comment="",
        )
        if reason:
            await record_event(session, request.id, "poll_skipped", now, reason=reason)
            return
        view = await self.view(session, poll)
        await notices.partner_thread_reply(
            session,
            request=request,
            rendered=poll_message(view),
            now=now,
            own_role=f"poll:{poll.id}",
        )
        await timers.schedule(
            session,
            kind=TimerKind.POLL_EXPIRY,
            due_at=poll.expires_at,
            now=now,
            request_id=request.id,
            data={"poll": poll.id},
        )
        await record_event(session, request.id, "poll_sent", now, poll=poll.id)

    async def answer(
        self,
        poll_id: int,
        *,
        user: str,
        rating: int | None = None,
        informed: KeptInformed | None = None,
        trust: int | None = None,
        comment: str | None = None,
    ) -> PollView:
        """Record (or change) an answer; only the partner asked may answer, only while open."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            poll = await self._own_open_poll(session, poll_id, user, now)
            values = _changed(poll, rating=rating, informed=informed, trust=trust, comment=comment)
            if values:
                await polls.set_answer(session, poll_id=poll_id, values=values, now=now)
                await record_event(
                    session, poll.request_id, "poll_answer", now, actor=user, **values
                )
                poll = await polls.get_poll(session, poll_id=poll_id) or poll
                await self._route(session, poll, now)
            view = await self.view(session, poll)
        self._committed()
        return view

    async def opt_out(self, poll_id: int, *, user: str) -> None:
        """The partner asked not to be polled again."""
        now = self._clock.now()
        async with self._db.transaction() as session:
            poll = await polls.get_poll(session, poll_id=poll_id)
            if poll is None or poll.partner_id != user:
                raise NotPermitted("This poll was sent to someone else.")
            await polls.set_opt_out(session, partner_id=user, value=True, now=now)
            await record_event(session, poll.request_id, "poll_opt_out", now, actor=user)

    async def poll_view(self, poll_id: int, *, user: str) -> PollView:
        """A poll as its partner sees it (for the comment modal)."""
        async with self._db.reading() as session:
            poll = await polls.get_poll(session, poll_id=poll_id)
            if poll is None or poll.partner_id != user:
                raise NotPermitted("This poll was sent to someone else.")
            return await self.view(session, poll)

    async def stats(self, *, since: dt.datetime, until: dt.datetime) -> PollCounts:
        """Response rate, scores and "kept informed" of the polls sent in a period."""
        async with self._db.reading() as session:
            return await polls.poll_counts(session, since=since, until=until)

    # Routing ------------------------------------------------------------------------------

    async def _route(self, session: AsyncSession, poll: Poll, now: dt.datetime) -> None:
        """Answers go to the card's thread, kudos to the team, low scores to a supervisor."""
        view = await self.view(session, poll)
        request = view.facts.request
        await notices.update_posted(
            session,
            request=request,
            role=f"poll:{poll.id}",
            channel=request.partner_id,
            rendered=poll_message(view),
            now=now,
        )
        feedback_role = f"feedback:{poll.id}"
        rendered = feedback_in_card_thread(view)
        if await _posted(session, request, feedback_role):
            await notices.update_posted(
                session,
                request=request,
                role=feedback_role,
                channel=request.card_channel,
                rendered=rendered,
                now=now,
            )
        else:
            await notices.card_thread_reply(
                session, request=request, rendered=rendered, now=now, own_role=feedback_role
            )
        if self._policy.kudos and (poll.rating or 0) >= 4 and poll.comment:
            await notices.post_to_channel(
                session,
                request=request,
                channel=request.card_channel,
                rendered=kudos_message(view),
                now=now,
                dedupe_key=f"kudos:{poll.id}",
            )
        if self._answers_hook:
            await self._answers_hook(session, poll, view, now)

    # Timers -------------------------------------------------------------------------------

    async def on_expiry(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """An unanswered poll closes; its message loses its buttons."""
        poll_id = int(timer.data.get("poll", 0))
        if await polls.close_poll(session, poll_id=poll_id):
            poll = await polls.get_poll(session, poll_id=poll_id)
            assert poll is not None
            view = await self.view(session, poll)
            request = view.facts.request
            await notices.update_posted(
                session,
                request=request,
                role=f"poll:{poll_id}",
                channel=request.partner_id,
                rendered=poll_message(view),
                now=now,
            )

    # Helpers ------------------------------------------------------------------------------

    async def _skip_reason(
        self, session: AsyncSession, request: RequestSummary, now: dt.datetime
    ) -> str | None:
        if await polls.opted_out(session, partner_id=request.partner_id):
            return "opted_out"
        if await polls.polled_since(
            session, partner_id=request.partner_id, since=now - self._policy.cooldown
        ):
            return "cooldown"
        # Deterministic per request and closing, so a retry makes the same choice.
        draw = random.Random(f"{request.id}:{now.isoformat()}").random()  # noqa: S311
        return "sampled_out" if draw >= self._policy.sample_rate else None

    async def _own_open_poll(
        self, session: AsyncSession, poll_id: int, user: str, now: dt.datetime
    ) -> Poll:
        poll = await polls.get_poll(session, poll_id=poll_id)
        if poll is None:
            raise NotFound("That poll does not exist.")
        if poll.partner_id != user:
            raise NotPermitted("This poll was sent to someone else; only they can answer it.")
        if poll.status != "open" or poll.expires_at <= now:
            closed = slack_date(poll.expires_at)
            raise InvalidTransition(f"This poll closed on {closed}. Thank you all the same.")
        return poll

    async def view(self, session: AsyncSession, poll: Poll) -> PollView:
        """A poll with the facts of its request, as the partner and the team see it."""
        row = await requests.get_request_by_id(session, request_id=poll.request_id)
        assert row is not None
        facts = await self._facts(session, row)
        satisfaction, trust = (
            a11_items(facts.request.service_name) if self._policy.a11 else ("", "")
        )
        return PollView(
            id=poll.id,
            facts=facts,
            rating=poll.rating,
            informed=KeptInformed(poll.informed) if poll.informed else None,
            trust=poll.trust,
            comment=poll.comment or "",
            expires_at=poll.expires_at,
            closed=poll.status != "open",
            trust_statement=trust,
            satisfaction_statement=satisfaction,
        )

    async def _facts(self, session: AsyncSession, row: Request) -> RequestFacts:
        events = await history.timeline(session, request_id=row.id)
        kinds = [e.kind for e in events]
        ours = [e for e in events if e.partner_visible and e.kind in OUR_UPDATES]
        resolved = row.resolved_at
        return RequestFacts(
            request=self._summary(row),
            first_response_at=row.first_responded_at,
            first_response_met=_met(row.first_responded_at, row.first_response_due),
            resolved_at=resolved,
            resolution_met=_met(resolved, row.resolution_due),
            updates_received=len(ours),
            promises_lapsed=kinds.count("promise_lapsed"),
            reopened=kinds.count("reopen"),
        )

    def _summary(self, row: Request) -> RequestSummary:
        return summarise_in(row, self._catalogue)


def is_low(poll: Poll) -> bool:
    """A score a supervisor should hear about: rated 1 or 2, or not kept informed."""
    return (poll.rating is not None and poll.rating <= 2) or poll.informed == KeptInformed.NO


def _met(at: dt.datetime | None, due: dt.datetime) -> bool | None:
    return None if at is None else at <= due


def _changed(poll: Poll, **answers: object) -> dict[str, object]:
    """Only the answers that differ from what is stored: a repeated click records nothing."""
    values = {}
    for field, value in answers.items():
        if value is None:
            continue
        stored = getattr(poll, field)
        new = value.value if isinstance(value, KeptInformed) else value
        if stored != new:
            values[field] = new
    return values


async def _posted(session: AsyncSession, request: RequestSummary, role: str) -> bool:
    return await outbox.find_role_message(session, request_id=request.id, role=role) is not None


async def record_event(
    session: AsyncSession,
    request_id: int,
    kind: str,
    now: dt.datetime,
    *,
    actor: str | None = None,
    **data: object,
) -> None:
    """A line in the request's history that only the team sees (poll and follow-up steps)."""
    await history.append_event(
        session,
        request_id=request_id,
        at=now,
        kind=kind,
        actor_id=actor,
        partner_visible=False,
        data={k: (v.value if hasattr(v, "value") else v) for k, v in data.items()},
    )
