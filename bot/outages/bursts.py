"""Suspected outages: several reports on one service in a short window, alerted once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue, Service
from bot.clock import Clock
from bot.delivery import notices
from bot.domain.awareness import (
    REPORTS_QUOTED,
    REPORTS_SHOWN,
    BurstReport,
    BurstStatus,
    BurstSummary,
    NewReport,
    declare_summary,
    is_burst,
)
from bot.domain.errors import InvalidTransition, NotFound
from bot.domain.outage import OutageStatus, format_outage_number
from bot.domain.summary import RequestSummary
from bot.outages.desk import OutageDesk
from bot.outages.forms import DECLARABLE
from bot.records.live import LiveRead
from bot.records.summaries import summarise_in
from bot.views.awareness import burst_alert, burst_partner_note
from bot.views.outage_modals import SUMMARY_MAX, DeclarePrefill
from storage import bursts, outages, outbox, requests
from storage.engine import Database
from storage.models import Burst, Outage

logger = logging.getLogger(__name__)
ALERT, ALERT_UPDATE = "burst_alert", "burst_alert:update"


class BurstDesk:
    """Notices bursts of reports, alerts the service's triage channel once, records decisions."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        outages: OutageDesk,
        default_triage_channel: str,
        committed: Callable[[], None],
    ) -> None:
        """`outages` links reports when one is declared and says who may decide."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._outages = outages
        self._default_channel = default_triage_channel
        self._committed = committed
        self._under_way = LiveRead(
            database=database, read=self._read_under_way, what="the suspected outages"
        )

    async def others_reporting(self, service_id: str) -> bool:
        """Whether others are reporting problems with a service right now (an undecided burst).

        Asked by every filing, answered from memory (see LiveRead): it waits for the database
        only at start-up and right after this replica changed a burst. A read that fails
        never stops a filing: the partner is then told in the thread, after it.
        """
        try:
            under_way = await self._under_way.get()
        except (SQLAlchemyError, OSError) as failed:
            logger.warning("could not tell whether others report %s: %r", service_id, failed)
            return False
        return self._within(under_way, service_id, self._clock.now())

    async def alerted(self, session: AsyncSession, filed: Sequence[NewReport]) -> set[int]:
        """Which new requests fall in a suspected outage already alerted (a read, no change)."""
        under_way = await self._read_under_way(session)
        return {r.id for r in filed if self._within(under_way, r.service_id, r.opened_at)}

    def _within(self, under_way: dict[str, dt.datetime], service_id: str, at: dt.datetime) -> bool:
        """Whether `at` falls in the window of the service's undecided burst, if it has one."""
        service = self._catalogue.service(service_id)
        last = under_way.get(service_id)
        return service is not None and last is not None and last >= at - service.burst_window

    async def _read_under_way(self, session: AsyncSession) -> dict[str, dt.datetime]:
        widest = max((s.burst_window for s in self._catalogue.services), default=dt.timedelta())
        return await bursts.under_way(session, since=self._clock.now() - widest)

    async def notice(
        self,
        session: AsyncSession,
        filed: Sequence[NewReport],
        *,
        now: dt.datetime,
        summaries: Mapping[int, RequestSummary],
    ) -> set[int]:
        """After filings on one service commit (oldest first): join, start or leave its burst.

        Returns the requests in a suspected outage whose alert names them, the report that
        set it off included: the alert lists their siblings. The alert is edited once for the
        lot, never posted twice. A partner not told in the confirmation that others are
        reporting the same service (the burst began with their report, or this replica had
        not yet heard of it) is told in their thread; `summaries` holds the requests the
        caller read whole, and any other is read here.
        """
        service = self._catalogue.service(filed[0].service_id) if filed else None
        if service is None or await self._outage_open(session, service.id):
            return set()  # a declared outage has its own banner, Follow button and links
        burst: Burst | None = None
        reports: list[int] = []  # the batch's reports on the burst: those not in it yet join
        joined: set[int] = set()
        for request in filed:
            since = request.opened_at - service.burst_window
            if burst is None or burst.last_report_at < since:
                await self._settle(session, burst, reports, now=now)
                burst = await bursts.current_burst(session, service_id=service.id, since=since)
                if burst is None:
                    burst = await self._detect(session, service, request, now=now)
                reports = []
            if burst is None:
                continue
            reports.append(request.id)
            # A report already in the burst changes nothing: its time is no later than the last.
            burst.last_report_at = max(burst.last_report_at, request.opened_at)
            if burst.status == BurstStatus.ACTIVE:
                joined.add(request.id)
            if burst.status == BurstStatus.ACTIVE and not request.told:
                whole = summaries.get(request.id) or await self._read_whole(session, request.id)
                note = burst_partner_note(service.name)
                await notices.partner_thread_reply(session, request=whole, rendered=note, now=now)
        await self._settle(session, burst, reports, now=now)
        return joined

    async def _settle(
        self, session: AsyncSession, burst: Burst | None, reports: list[int], *, now: dt.datetime
    ) -> None:
        """Add the batch's reports to a burst, and edit its alert once if any joined.

        Only the new reports are written (and the count moved), in one statement that skips
        those already in: a pass costs the same on the burst's thousandth report as on its
        fourth.
        """
        if burst is None or not reports:
            return
        added = await bursts.add_reports(session, burst_id=burst.id, request_ids=reports)
        if added and burst.status == BurstStatus.ACTIVE:
            self._under_way.forget_after_commit(session)
            await self._refresh(session, burst, now=now)

    async def declare_prefill(self, burst_id: int, *, actor: str) -> DeclarePrefill:
        """Before the declare form opens from an alert: the actor may, and it is undecided."""
        await self._outages.require_manager(actor)
        async with self._db.reading() as session:
            burst = await self._undecided(session, burst_id)
            summary = await self._summary(session, burst)
        return DeclarePrefill(burst.id, burst.service_id, declare_summary(summary, SUMMARY_MAX))

    async def dismiss(self, burst_id: int, *, actor: str) -> BurstSummary:
        """Not an outage: the alert says who decided, and the rest of the burst stays quiet."""
        await self._outages.require_manager(actor)
        now = self._clock.now()
        async with self._db.transaction() as session:
            burst = await self._undecided(session, burst_id)
            burst.status, burst.decided_by, burst.decided_at = BurstStatus.DISMISSED, actor, now
            self._under_way.forget_after_commit(session)
            summary = await self._refresh(session, burst, now=now)
        self._committed()
        logger.info("suspected outage dismissed burst=%s actor=%s", burst_id, actor)
        return summary

    async def on_declared(
        self,
        session: AsyncSession,
        outage: Outage,
        actor: str,
        burst_id: int | None,
        now: dt.datetime,
    ) -> None:
        """Inside a declaration: settle the service's burst and link its open reports."""
        service = self._catalogue.service(outage.service_id)
        if service is None or outage.kind not in DECLARABLE:
            return
        if burst_id is not None:
            burst = await bursts.get_burst(session, burst_id=burst_id)
        else:
            since = now - service.burst_window
            burst = await bursts.current_burst(session, service_id=service.id, since=since)
        if burst is None or burst.service_id != outage.service_id:
            return
        if burst.status == BurstStatus.DECLARED or (
            burst_id is None and burst.status != BurstStatus.ACTIVE
        ):
            return
        burst.status, burst.decided_by, burst.decided_at = BurstStatus.DECLARED, actor, now
        burst.outage_id = outage.id
        self._under_way.forget_after_commit(session)
        for row in await bursts.open_unlinked_reports(session, burst_id=burst.id):
            await self._outages.link_request(
                session, request_id=row.id, outage_id=outage.id, by=actor, now=now
            )
        await self._refresh(session, burst, now=now)
        logger.info(
            "suspected outage declared burst=%s outage=%s actor=%s",
            burst.id,
            format_outage_number(outage.number),
            actor,
        )

    async def _read_whole(self, session: AsyncSession, request_id: int) -> RequestSummary:
        row = await requests.get_request_by_id(session, request_id=request_id)
        if row is None:
            raise NotFound(f"request {request_id} is no longer stored")
        return summarise_in(row, self._catalogue)

    async def _detect(
        self, session: AsyncSession, service: Service, request: NewReport, *, now: dt.datetime
    ) -> Burst | None:
        since = request.opened_at - service.burst_window
        reports = await bursts.reports_since(
            session, service_id=service.id, since=since, until=request.opened_at
        )
        opened = [at for _, at in reports]
        if not is_burst(opened, reports=service.burst_reports, window=service.burst_window):
            return None
        burst = await bursts.insert_burst(
            session,
            service_id=service.id,
            status=BurstStatus.ACTIVE.value,
            first_report_at=min(opened),
            last_report_at=max(opened),
            detected_at=now,
            request_ids=[request_id for request_id, _ in reports],
        )
        self._under_way.forget_after_commit(session)
        blocks, text = burst_alert(await self._summary(session, burst))
        channel = service.triage_channel or self._default_channel
        await outbox.enqueue(
            session,
            now=now,
            method="chat.postMessage",
            args=notices.message_args(channel, blocks, text),
            ordering_key=_lane(burst),
            role=ALERT,
            dedupe_key=_alert_key(burst),
        )
        logger.info(
            "suspected outage service=%s burst=%s reports=%d", service.id, burst.id, len(reports)
        )
        return burst

    async def _refresh(
        self, session: AsyncSession, burst: Burst, *, now: dt.datetime
    ) -> BurstSummary:
        """Edit the alert in place (never a second alert); an unsent older edit is dropped."""
        summary = await self._summary(session, burst)
        root = await outages.message_by_dedupe_key(session, dedupe_key=_alert_key(burst))
        if root is not None:
            blocks, text = burst_alert(summary)
            channel = root.slack_channel or str(root.args.get("channel", ""))
            await outbox.enqueue(
                session,
                now=now,
                method="chat.update",
                args=notices.message_args(channel, blocks, text),
                ordering_key=_lane(burst),
                parent_id=root.id,
                parent_field="ts",
                role=ALERT_UPDATE,
                supersede=True,
            )
        return summary

    async def _summary(self, session: AsyncSession, burst: Burst) -> BurstSummary:
        """What the alert and the declare form show: the burst's two ends and its count."""
        rows = await bursts.shown_reports(
            session, burst_id=burst.id, first=REPORTS_QUOTED, last=REPORTS_SHOWN
        )
        outage = (
            await outages.get_outage_by_id(session, outage_id=burst.outage_id)
            if burst.outage_id
            else None
        )
        service = self._catalogue.service(burst.service_id)
        return BurstSummary(
            id=burst.id,
            service_id=burst.service_id,
            service_name=service.name if service else burst.service_id,
            status=BurstStatus(burst.status),
            first_report_at=burst.first_report_at,
            reports=tuple(BurstReport(r.number, r.summary) for r in rows),
            count=burst.report_count,
            decided_by=burst.decided_by,
            outage_ref=format_outage_number(outage.number) if outage else None,
        )

    async def _undecided(self, session: AsyncSession, burst_id: int) -> Burst:
        burst = await bursts.get_burst(session, burst_id=burst_id)
        if burst is None:
            raise NotFound("That alert is no longer known.")
        if burst.status != BurstStatus.ACTIVE:
            who = f"<@{burst.decided_by}>" if burst.decided_by else "someone"
            raise InvalidTransition(f"{who} already decided about this alert.")
        return burst

    async def _outage_open(self, session: AsyncSession, service_id: str) -> bool:
        live = await outages.list_live(session, kinds=DECLARABLE, service_id=service_id)
        return any(o.status == OutageStatus.OPEN for o in live)


def _lane(burst: Burst) -> str:
    return f"burst:{burst.id}"


def _alert_key(burst: Burst) -> str:
    return f"burst:{burst.id}:alert"
