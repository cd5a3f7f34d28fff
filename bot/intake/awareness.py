"""After a filing commits: related requests, whether its service is failing, shared fixes.

Nothing here runs in front of the partner's acknowledgement: the filing only adds a timer due
now (one statement for the whole batch), and the scheduler does the searching afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.domain.summary import RequestSummary
from bot.domain.timers import TimerKind
from bot.intake.related import note_related
from bot.intake.shared_fixes import FixDesk
from bot.outages.bursts import BurstDesk
from bot.records.summaries import summarise_in
from storage import history, requests, timers
from storage.fixes import services_with_fixes
from storage.models import Timer


class AwarenessDesk:
    """Looks at each new request once it is stored: related ones, and bursts on its service."""

    def __init__(self, *, catalogue: Catalogue, bursts: BurstDesk, fixes: FixDesk) -> None:
        """`bursts` notices suspected outages; `fixes` offers shared fixes the form did not."""
        self._catalogue = catalogue
        self.bursts = bursts
        self.fixes = fixes

    async def on_filed(
        self, session: AsyncSession, filed: Sequence[RequestSummary], now: dt.datetime
    ) -> None:
        """Inside the filing: one cheap insert, a timer per request due at once."""
        rows = [
            {"kind": TimerKind.FILED_AWARENESS, "due_at": now, "request_id": r.id} for r in filed
        ]
        await timers.schedule_many(session, rows, now=now)

    async def on_stored(
        self, session: AsyncSession, fired: Sequence[Timer], now: dt.datetime
    ) -> None:
        """After filings committed, a chunk at once: bursts, related requests, shared fixes.

        One read of the requests and of what their filings recorded serves the whole chunk,
        and each service's burst is looked at once, so the work after a busy minute's filings
        stays a small part of filing them. A request that joins a suspected outage already
        alerted gets no related-requests reply: the alert in the channel lists its siblings.
        """
        ids = [t.request_id for t in fired if t.request_id is not None]
        rows = await requests.get_requests_by_id(session, ids=ids)
        recorded = await history.opened_data(session, request_ids=ids)
        told = {i for i, data in recorded.items() if data.get("others_reporting")}
        offered = {i for i, data in recorded.items() if data.get("offered_fixes")}
        with_fixes = await services_with_fixes(session, service_ids={r.service_id for r in rows})
        by_service: defaultdict[str, list[RequestSummary]] = defaultdict(list)
        for row in rows:
            by_service[row.service_id].append(summarise_in(row, self._catalogue))
        for service_id, filed in by_service.items():
            in_burst = await self.bursts.notice(session, filed, now=now, told=told)
            await note_related(session, [r for r in filed if r.id not in in_burst], now=now)
            if service_id in with_fixes:
                for request in filed:
                    if request.id not in offered:
                        await self.fixes.offer_in_thread(session, request, now=now)
