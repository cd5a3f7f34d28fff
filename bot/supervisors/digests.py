"""The supervisors' digests: queued once per period, or on demand; figures from `figures`."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery.notices import message_args
from bot.domain.digest import Digest, DigestKind, DigestSchedule, Period
from bot.domain.errors import NotPermitted
from bot.supervisors.figures import build_digest
from bot.views.digest import digest_message
from bot.workspace.roles import RoleDirectory
from storage import digests, outbox
from storage.engine import Database

logger = logging.getLogger(__name__)
# A digest more than this late (Liaison was down at its time) is skipped: the next one covers
# its period too, and `/request digest` or `/request stats` give the figures at any time.
LATE_LIMIT = dt.timedelta(hours=1)
STATS_WINDOWS = (7, 30, 90)
REFUSAL = (
    "The service figures are for supervisors (people listed in SUPERVISORS or members of the "
    "supervisors' channel): they name technicians and quote partners' poll comments."
)


@dataclass(frozen=True)
class DigestPolicy:
    """Where digests go and what the slash command is called (for the "see them all" hint)."""

    supervisor_channel: str = ""
    supervisors: tuple[str, ...] = ()
    direct_messages: bool = False
    command: str = "/request"

    def destinations(self) -> list[str]:
        """The channel, then each supervisor's DM when asked for (or when there is no channel)."""
        channels = [self.supervisor_channel] if self.supervisor_channel else []
        if self.direct_messages or not self.supervisor_channel:
            channels.extend(self.supervisors)
        return channels


class DigestDesk:
    """Builds the figures and sends each scheduled digest exactly once per period."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        roles: RoleDirectory,
        schedule: DigestSchedule | None,
        policy: DigestPolicy,
        committed: Callable[[], None],
    ) -> None:
        """`schedule` None turns the scheduled digests off; `committed` wakes the outbox."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._roles = roles
        self._schedule = schedule
        self._policy = policy
        self._committed = committed
        self._sent: set[tuple[DigestKind, dt.datetime]] = set()

    def next_due(self, now: dt.datetime) -> dt.datetime | None:
        """When the next digest falls due (None when digests are off)."""
        if self._schedule is None or not self._policy.destinations():
            return None
        return self._schedule.next_due(now)

    async def run_due(self, now: dt.datetime) -> int:
        """Send the daily or weekly digest that is due and not yet sent; returns messages queued."""
        queued = 0
        for kind, period in self._due(now):
            if (kind, period.start) in self._sent:
                continue
            try:
                queued += await self._send_scheduled(kind, period, now)
            except Exception:
                # Timers must keep firing; the digest is tried again on the next pass.
                logger.exception("digest failed kind=%s start=%s", kind, period.start)
                continue
            self._sent.add((kind, period.start))
        return queued

    def _due(self, now: dt.datetime) -> Iterator[tuple[DigestKind, Period]]:
        if self._schedule is None or not self._policy.destinations():
            return
        daily = self._schedule.latest_daily(now)
        if daily is not None and now - daily < LATE_LIMIT:
            yield DigestKind.DAILY, self._schedule.daily_period(daily)
        weekly = self._schedule.latest_weekly(now)
        if weekly is not None and now - weekly < LATE_LIMIT:
            yield DigestKind.WEEKLY, self._schedule.weekly_period(weekly)

    async def _send_scheduled(self, kind: DigestKind, period: Period, now: dt.datetime) -> int:
        async with self._db.reading() as session:
            if await digests.was_sent(session, kind=kind, period_start=period.start):
                return 0
            digest = await self._build(session, kind, period, now)
        try:
            async with self._db.transaction() as session:
                await digests.record_sent(
                    session, kind=kind, period_start=period.start, period_end=period.end, now=now
                )
                queued = await self._queue(session, digest, now, once=True)
        except IntegrityError:
            logger.info("digest already sent by another replica kind=%s", kind)
            return 0
        logger.info("digest queued kind=%s start=%s messages=%d", kind, period.start, queued)
        return queued

    async def stats(self, user: str, *, days: int) -> Digest:
        """The figures of the last `days` days, for a supervisor's eyes only."""
        await self._require_supervisor(user)
        now = self._clock.now()
        period = Period(now - dt.timedelta(days=days), now)
        async with self._db.reading() as session:
            return await self._build(session, DigestKind.STATS, period, now)

    async def post_now(self, user: str) -> list[str]:
        """Post the digest of the period since the last daily digest time; returns where."""
        await self._require_supervisor(user)
        now = self._clock.now()
        latest = self._schedule.latest_daily(now) if self._schedule else None
        start = latest if latest is not None and latest < now else now - dt.timedelta(days=1)
        async with self._db.reading() as session:
            digest = await self._build(session, DigestKind.NOW, Period(start, now), now)
        async with self._db.transaction() as session:
            await self._queue(session, digest, now, once=False)
        self._committed()
        return self._policy.destinations()

    async def _require_supervisor(self, user: str) -> None:
        if not await self._roles.is_supervisor(user):
            raise NotPermitted(REFUSAL)

    async def _build(
        self, session: AsyncSession, kind: DigestKind, period: Period, now: dt.datetime
    ) -> Digest:
        return await build_digest(
            session,
            kind=kind,
            period=period,
            now=now,
            names=self._service_name,
            command=self._policy.command,
        )

    async def _queue(
        self, session: AsyncSession, digest: Digest, now: dt.datetime, *, once: bool
    ) -> int:
        blocks, text = digest_message(digest)
        channels = self._policy.destinations()
        for channel in channels:
            key = f"digest:{digest.kind}:{digest.period.start.isoformat()}:{channel}"
            await outbox.enqueue(
                session,
                now=now,
                method="chat.postMessage",
                args=message_args(channel, blocks, text),
                ordering_key=f"digest:{channel}",
                role="digest",
                dedupe_key=key if once else None,
            )
        return len(channels)

    def _service_name(self, service_id: str) -> str:
        service = self._catalogue.service(service_id)
        return service.name if service else service_id


__all__ = ["LATE_LIMIT", "STATS_WINDOWS", "DigestDesk", "DigestPolicy", "build_digest"]
