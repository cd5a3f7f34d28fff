"""After a filing commits: related requests, whether its service is failing, shared fixes.

Nothing here runs in front of the partner's acknowledgement: the filing only adds a timer due
now (one statement for the whole batch), and the scheduler does the searching afterwards.
"""

from __future__ import annotations

import datetime as dt
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

    async def on_stored(self, session: AsyncSession, timer: Timer, now: dt.datetime) -> None:
        """After the filing committed: related requests on its card, bursts on its service."""
        row = await requests.get_request_by_id(session, request_id=timer.request_id or 0)
        if row is None:
            return
        request = summarise_in(row, self._catalogue)
        opened = await history.latest_event(session, request_id=request.id, kinds=("opened",))
        told = bool(opened is not None and opened.data.get("others_reporting"))
        await note_related(session, request, now=now)
        await self.bursts.notice(session, request, now=now, told=told)
        await self.fixes.offer_in_thread(session, request, now=now)
