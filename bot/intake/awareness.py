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
from bot.domain.awareness import NewReport, RelatedRequest
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
# it fire together, so a busy hour costs a pass every three seconds, however many commits.
# Each pass takes SQLite's one writer for a dozen statements and edits a long burst's alert
# (chat.update is Tier 3: 50+ a minute for the app in a workspace). Every three seconds, under
# steady filing the passes hold the writer about 1.5 % of the time (about 5 % at one second)
# and a burst's alert is edited at most 20 times a minute; a related list or a burst alert
# that comes three seconds after the card changes nothing for the technician reading it.
AFTER_FILING = dt.timedelta(seconds=3)
REQUESTS = "requests"  # the after-filing timer's data: the ids of the requests it covers


class AwarenessDesk:
    """Looks at each new request once it is stored: related ones, and bursts on its service."""

    def __init__(self, *, catalogue: Catalogue, bursts: BurstDesk, fixes: FixDesk) -> None:
        """`bursts` notices suspected outages; `fixes` offers shared fixes the form did not."""
        self._catalogue = catalogue
        self.bursts = bursts
        self.fixes = fixes

    def timers_for(self, filed: Sequence[RequestSummary], now: dt.datetime) -> list[dict[str, Any]]:
        """Set in the filing: one timer for the requests committed together, due by
        AFTER_FILING. They are looked at together anyway, and a busy few seconds' filings
        then cost the scheduler a timer for each commit rather than one for each request."""
        if not filed:
            return []
        ids = [r.id for r in filed]
        due_at = now + AFTER_FILING
        kind = TimerKind.FILED_AWARENESS
        return [{"kind": kind, "due_at": due_at, "request_id": None, "data": {REQUESTS: ids}}]

    async def look(self, session: AsyncSession, fired: Sequence[Timer], now: dt.datetime) -> Looked:
        """Read step, before the writer is taken: where each new request stands, and searches.

        One light read places every filing of the chunk (service, time, what its filing
        recorded). The whole request is read only for those the pass may write about: a
        request in a suspected outage already alerted is not searched for related requests
        (the alert in the channel lists its siblings), and its partner, already told in the
        confirmation, needs no note.
        """
        ids = _filed_by(fired)
        filed = tuple(_new_report(*row) for row in await history.filings(session, request_ids=ids))
        with_fixes = await services_with_fixes(session, service_ids={r.service_id for r in filed})
        alerted = await self.bursts.alerted(session, filed)
        offer = {r.id for r in filed if r.service_id in with_fixes and not r.saw_fixes}
        wanted = {r.id for r in filed if r.id not in alerted or not r.told} | offer
        rows = await requests.get_requests_by_id(session, ids=wanted)
        summaries = {row.id: summarise_in(row, self._catalogue) for row in rows}
        related = {
            i: await find_related(session, s) for i, s in summaries.items() if i not in alerted
        }
        fixes = {
            i: await self.fixes.find_for(session, summaries[i]) for i in offer if i in summaries
        }
        return Looked(filed, summaries, related, fixes)

    async def on_stored(
        self, session: AsyncSession, fired: Sequence[Timer], looked: Looked, now: dt.datetime
    ) -> None:
        """Write step, in the transaction firing the timers: bursts, related notes, fixes.

        Each service's burst is looked at, and its alert edited, once for the chunk. A request
        that joined a suspected outage gets no related-requests reply.
        """
        mine = set(_filed_by(fired))
        by_service: defaultdict[str, list[NewReport]] = defaultdict(list)
        for report in looked.filed:
            if report.id in mine:
                by_service[report.service_id].append(report)
        summaries = looked.summaries
        for filed in by_service.values():
            joined = await self.bursts.notice(session, filed, now=now, summaries=summaries)
            searched = [r.id for r in filed if r.id not in joined and r.id in looked.related]
            await note_related(
                session, [(summaries[i], looked.related[i]) for i in searched], now=now
            )
            for report in filed:
                if views := looked.fixes.get(report.id):
                    await self.fixes.offer_in_thread(session, summaries[report.id], views, now=now)


def _filed_by(fired: Sequence[Timer]) -> list[int]:
    """The requests whose filing set these timers (one each, before timers covered a commit)."""
    return [
        i for t in fired for i in ([t.request_id] if t.request_id else t.data.get(REQUESTS, []))
    ]


def _new_report(
    request_id: int, service_id: str, opened_at: dt.datetime, recorded: dict[str, Any] | None
) -> NewReport:
    data = recorded or {}
    told, saw_fixes = bool(data.get("others_reporting")), bool(data.get("offered_fixes"))
    return NewReport(request_id, service_id, opened_at, told=told, saw_fixes=saw_fixes)


@dataclass(frozen=True)
class Looked:
    """What the read step of the after-filing pass found, for its write step."""

    filed: tuple[NewReport, ...]
    summaries: Mapping[int, RequestSummary]  # the requests the pass may write about, by id
    related: Mapping[int, list[RelatedRequest]]  # by request id; absent: not searched
    fixes: Mapping[int, list[SharedFixView]]  # shared fixes to offer, by request id
