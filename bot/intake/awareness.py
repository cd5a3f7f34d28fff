"""After a filing commits: related requests, whether its service is failing, shared fixes.

Nothing here runs in front of the partner's acknowledgement: the filing only adds a timer due
now (one statement for the whole batch), and the scheduler does the searching afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.domain.awareness import RelatedRequest
from bot.domain.fixes import SharedFixView
from bot.domain.summary import RequestSummary
from bot.domain.timers import TimerKind
from bot.intake.related import find_related, note_related
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

    async def look(self, session: AsyncSession, fired: Sequence[Timer], now: dt.datetime) -> Looked:
        """Read step, before the writer is taken: the requests, their searches, what they hold.

        One read of the requests and of what their filings recorded serves a whole chunk. A
        request that falls in a suspected outage already alerted is not searched for related
        requests: the alert in the channel lists its siblings.
        """
        ids = [t.request_id for t in fired if t.request_id is not None]
        rows = await requests.get_requests_by_id(session, ids=ids)
        recorded = await history.opened_data(session, request_ids=ids)
        offered = {i for i, data in recorded.items() if data.get("offered_fixes")}
        with_fixes = await services_with_fixes(session, service_ids={r.service_id for r in rows})
        filed = tuple(summarise_in(row, self._catalogue) for row in rows)
        alerted = await self.bursts.alerted(session, filed)
        related = {r.id: await find_related(session, r) for r in filed if r.id not in alerted}
        fixes = {
            r.id: await self.fixes.find_for(session, r)
            for r in filed
            if r.service_id in with_fixes and r.id not in offered
        }
        told = frozenset(i for i, data in recorded.items() if data.get("others_reporting"))
        return Looked(filed, told, related, fixes)

    async def on_stored(
        self, session: AsyncSession, fired: Sequence[Timer], looked: Looked, now: dt.datetime
    ) -> None:
        """Write step, in the transaction firing the timers: bursts, related notes, fixes.

        Each service's burst is looked at, and its alert edited, once for the chunk. A request
        that joined a suspected outage gets no related-requests reply.
        """
        mine = {t.request_id for t in fired}
        by_service: defaultdict[str, list[RequestSummary]] = defaultdict(list)
        for request in looked.filed:
            if request.id in mine:
                by_service[request.service_id].append(request)
        for filed in by_service.values():
            joined = await self.bursts.notice(session, filed, now=now, told=looked.told)
            found = [(r, looked.related.get(r.id, [])) for r in filed if r.id not in joined]
            await note_related(session, found, now=now)
            for request in filed:
                views = looked.fixes.get(request.id, [])
                await self.fixes.offer_in_thread(session, request, views, now=now)


@dataclass(frozen=True)
class Looked:
    """What the read step of the after-filing pass found, for its write step."""

    filed: tuple[RequestSummary, ...]
    told: frozenset[int]  # told in the confirmation that others report the same service
    related: Mapping[int, list[RelatedRequest]]  # by request id; absent: not searched
    fixes: Mapping[int, list[SharedFixView]]  # shared fixes to offer, by request id
