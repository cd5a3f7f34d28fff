"""The App Home: who sees what, published through the outbox on opening and after changes."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.domain.digest import Period
from bot.domain.home import ClosedRequest, HomeAudience, HomeContent, Listing, WeekFigures
from bot.domain.outage import OutageSummary, as_of
from bot.domain.summary import RequestSummary
from bot.domain.transitions import OPEN
from bot.home.hashes import HomeHashes
from bot.outages import notices as outage_notices
from bot.outages.desk import OutageDesk
from bot.records.summaries import summarise_in
from bot.supervisors import figures
from bot.views import home as views
from bot.workspace.roles import RoleDirectory
from storage import home, outages, outbox, requests
from storage.engine import Database
from storage.models import Outage, Request

logger = logging.getLogger(__name__)
HOME_ROLE = "home"
NEAR_BREACH = dt.timedelta(hours=2)
FIGURES_PERIOD = dt.timedelta(days=7)
REFRESH_BATCH = 50
# How often (simulated or real clock time) the shared queue is checked for the team's Homes.
QUEUE_WATCH = dt.timedelta(minutes=1)


def home_key(user_id: str) -> str:
    """One conversation per person: a newer Home supersedes an unsent older one."""
    return f"home:{user_id}"


class HomeDesk:
    """Builds each person's Home and queues `views.publish` for those who have opened it."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        outages: OutageDesk,
        command: str,
        committed: Callable[[], None],
        hashes: HomeHashes | None = None,
    ) -> None:
        """Keep what the Home needs; `committed` wakes the outbox; `hashes` guard publishing."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._outages = outages
        self._command = command
        self._committed = committed
        self._hashes = hashes or HomeHashes()
        # One render at a time per person, so the last one queued saw the latest state.
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._watched_at: dt.datetime | None = None
        self._queue: home.QueueState | None = None
        self._shown_outages: tuple[tuple[OutageSummary, bool], ...] | None = None

    async def watch_queue(self, now: dt.datetime) -> int:
        """Mark Homes stale when what many people see moved: the queue, or the outages.

        A change to one request marks only its own people. The technicians' and supervisors'
        lists follow everyone's requests and the clock, and everyone's Home lists the current
        outages (which start and end on the clock too), so those are watched here instead.
        """
        if self._watched_at is not None and now - self._watched_at < QUEUE_WATCH:
            return 0
        self._watched_at = now
        async with self._db.reading() as session:
            queue = await home.queue_state(session, until=now + NEAR_BREACH)
            live = await outages.list_live(session)
        shown = tuple((as_of(o, now), o.in_progress(now)) for o in map(self._outage, live))
        first = self._queue is None  # nothing to compare with yet: just remember
        changed_outages = shown != self._shown_outages
        if first or (queue == self._queue and not changed_outages):
            self._queue, self._shown_outages = queue, shown
            return 0
        self._queue, self._shown_outages = queue, shown
        async with self._db.transaction() as session:
            if changed_outages:
                return await home.mark_all_stale(session)
            return await home.mark_team_stale(session)

    def _outage(self, row: Outage) -> OutageSummary:
        return outage_notices.summarise_outage(row, catalogue=self._catalogue)

    async def opened(self, user_id: str, *, shown_hash: str | None = None) -> None:
        """The person opened the Home tab: remember them and publish their Home.

        `shown_hash` is the hash of the Home Slack showed them, when it had one.
        """
        if shown_hash:
            self._hashes.opened_with(user_id, shown_hash)
        async with self._db.transaction() as session:
            seen = await home.record_viewer(session, user_id=user_id, now=self._clock.now())
        await self.publish(user_id, seen=seen)

    async def refresh_stale(self, now: dt.datetime) -> int:
        """Publish again the Homes whose requests changed; returns how many were queued.

        Homes whose last publish met a newer one at Slack (hash_conflict) are rendered again too.
        """
        async with self._db.reading() as session:
            stale = await home.stale_viewers(session, limit=REFRESH_BATCH)
        stale += [(user_id, 0) for user_id in self._hashes.take_conflicts()]
        published = 0
        for user_id, seen in stale:
            try:
                await self.publish(user_id, seen=seen)
            except Exception:  # one person's Home must not stop the others'; tried next pass
                logger.exception("home refresh failed user=%s", user_id)
            else:
                published += 1
        return published

    async def publish(self, user_id: str, *, seen: int = 0) -> None:
        """Render the person's Home now and queue it, superseding any unsent older one."""
        async with self._locks[user_id]:
            content = await self.content(user_id)
            view = views.home_view(content, command=self._command)
            async with self._db.transaction() as session:
                await home.set_audience(session, user_id=user_id, audience=content.audience)
                await outbox.enqueue(
                    session,
                    now=self._clock.now(),
                    method="views.publish",
                    args={"user_id": user_id, "view": view.to_dict()},
                    ordering_key=home_key(user_id),
                    role=HOME_ROLE,
                    supersede=True,
                )
                if seen:
                    await home.clear_stale(session, user_id=user_id, seen=seen)
        self._committed()
        logger.info("home queued user=%s", user_id)

    async def content(self, user_id: str) -> HomeContent:
        """What this person's Home shows now."""
        audience, channels = await self._audience(user_id)
        board = await self._outages.board(viewer=user_id)
        now = self._clock.now()
        content = HomeContent(user_id=user_id, audience=audience, now=now, outages=board.current)
        async with self._db.reading() as session:
            content = await self._own(session, content)
            if audience is not HomeAudience.PARTNER:
                content = await self._work(session, content, channels)
            if audience is HomeAudience.SUPERVISOR:
                content = replace(content, figures=await self._figures(session, now))
        return content

    async def _audience(self, user_id: str) -> tuple[HomeAudience, list[str]]:
        if await self._roles.is_supervisor(user_id):
            return HomeAudience.SUPERVISOR, sorted(self._roles.triage_channels)
        channels = await self._roles.technician_channels(user_id)
        if channels:
            return HomeAudience.TECHNICIAN, channels
        return HomeAudience.PARTNER, []

    async def _own(self, session: AsyncSession, content: HomeContent) -> HomeContent:
        user_id = content.user_id
        rows = await requests.list_for_partner(
            session, partner_id=user_id, statuses=[s.value for s in OPEN], limit=views.OPEN_SHOWN
        )
        total = await home.count_open_for_partner(session, partner_id=user_id)
        closed = await home.recently_closed(session, partner_id=user_id, limit=views.CLOSED_SHOWN)
        return replace(
            content,
            open_requests=self._listing(rows, total),
            recently_closed=tuple(ClosedRequest(self._summary(r), how) for r, how in closed),
        )

    async def _work(
        self, session: AsyncSession, content: HomeContent, channels: list[str]
    ) -> HomeContent:
        user_id = content.user_id
        unclaimed = await requests.list_unclaimed(
            session, channels=channels, limit=views.QUEUE_SHOWN
        )
        mine = await requests.list_assigned(session, assignee_id=user_id, limit=views.MINE_SHOWN)
        soon, soon_total = await home.near_breach(
            session,
            channels=channels,
            assignee_id=user_id,
            until=content.now + NEAR_BREACH,
            limit=views.BREACH_SHOWN,
        )
        return replace(
            content,
            unclaimed=self._listing(
                unclaimed, await home.count_unclaimed(session, channels=channels)
            ),
            mine=self._listing(mine, await home.count_assigned(session, assignee_id=user_id)),
            near_breach=self._listing(soon, soon_total),
        )

    async def _figures(self, session: AsyncSession, now: dt.datetime) -> WeekFigures:
        """The last seven days up to this moment, measured as the digest and stats measure."""
        period = Period(now - FIGURES_PERIOD, now)
        measured = await figures.measure(session, period=period, names=self._service_name)
        return WeekFigures(period=period, figures=measured)

    def _service_name(self, service_id: str) -> str:
        service = self._catalogue.service(service_id)
        return service.name if service else service_id

    def _listing(self, rows: Sequence[Request], total: int) -> Listing:
        return Listing(shown=tuple(self._summary(r) for r in rows), total=max(total, len(rows)))

    def _summary(self, row: Request) -> RequestSummary:
        return summarise_in(row, self._catalogue)
