"""After a filing commits: related requests, whether its service is failing, shared fixes.

Nothing here runs in front of the partner's acknowledgement: the filing only adds a timer due
within `AFTER_FILING` (one statement for the whole batch), and the scheduler does the searching
afterwards, for every filing of that time at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from storage import history, requests
from storage.fixes import services_with_fixes
from storage.models import Timer

# After-filing notes come at most this long after the filing: the timers of the filings within
# it fire together, so a busy minute costs a pass a second rather than one per commit.
AFTER_FILING = dt.timedelta(seconds=1)


class AwarenessDesk:
    """Looks at each new request once it is stored: related ones, and bursts on its service."""

    def __init__(self, *, catalogue: Catalogue, bursts: BurstDesk, fixes: FixDesk) -> None:
        """`bursts` notices suspected outages; `fixes` offers shared fixes the form did not."""
        self._catalogue = catalogue
        self.bursts = bursts
        self.fixes = fixes

    def timers_for(self, filed: Sequence[RequestSummary], now: dt.datetime) -> list[dict[str, Any]]:
        """Set in the filing: a timer per request, due by AFTER_FILING."""
        due_at = now + AFTER_FILING
        return [
            {"kind": TimerKind.FILED_AWARENESS, "due_at": due_at, "request_id": r.id} for r in filed
        ]

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
