"""Filing a request: validate the form, number it, store it, queue the notices."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.delivery import notices
from bot.domain.errors import FieldErrors
from bot.domain.model import Impact, Priority, RequestStatus, Urgency
from bot.intake.group_commit import GroupCommit
from bot.records.summaries import RequestSummary
from bot.views.ids import BlockId
from bot.views.request_modal import DETAILS_MAX, SUMMARY_MAX
from storage import history, numbering, requests, timers
from storage.engine import Database

logger = logging.getLogger(__name__)
REQUEST_COUNTER = "request"
# Runs inside the filing transaction with every request of the batch (outage links).
FiledHook = Callable[[AsyncSession, Sequence[RequestSummary], dt.datetime], Awaitable[None]]
# The timers a desk sets for every request of the batch (kind, due_at, request_id, data): all
# desks' timers are added in one statement.
TimersFor = Callable[[Sequence[RequestSummary], dt.datetime], list[dict[str, Any]]]


@dataclass(frozen=True)
class RequestForm:
    """What the partner submitted, as typed (None where left empty)."""

    partner_id: str
    service_id: str | None
    summary: str | None
    details: str | None
    impact: str | None
    needed_by: dt.date | None
    source_link: str = ""
    offered_fixes: tuple[int, ...] = ()  # shared fixes the form showed and the partner passed


def validate_form(form: RequestForm, *, catalogue: Catalogue, now: dt.datetime) -> None:
    """Raise FieldErrors naming each field that cannot be accepted, with what to do instead."""
    errors: dict[str, str] = {}
    if not form.service_id:
        errors[BlockId.SERVICE] = "Choose the service this is about."
    elif catalogue.service(form.service_id) is None:
        errors[BlockId.SERVICE] = "That service is no longer offered. Please choose another."
    summary = (form.summary or "").strip()
    if not summary:
        errors[BlockId.SUMMARY] = "Say in one line what is wrong."
    elif len(summary) > SUMMARY_MAX:
        errors[BlockId.SUMMARY] = (
            f"Keep the summary to {SUMMARY_MAX} characters (it has {len(summary)}); "
            "put the rest in Details."
        )
    if len(form.details or "") > DETAILS_MAX:
        errors[BlockId.DETAILS] = f"Details can be at most {DETAILS_MAX} characters."
    if form.impact not in {i.value for i in Impact}:
        errors[BlockId.IMPACT] = "Choose how this affects your mission."
    today = now.astimezone(catalogue.calendar.timezone).date()
    if form.needed_by is not None and form.needed_by < today:
        errors[BlockId.NEEDED_BY] = "That date has passed. Pick today or later, or leave it empty."
    if errors:
        raise FieldErrors(errors)


@dataclass(frozen=True)
class _Filing:
    """A valid form turned into what will be stored, everything known but its number and id."""

    form: RequestForm
    service_name: str
    values: dict[str, Any]
    now: dt.datetime
    others_reporting: bool = False  # the confirmation says others report the same service

    def row(self, number: int) -> dict[str, Any]:
        return {**self.values, "number": number}

    def summary(self, request_id: int, number: int) -> RequestSummary:
        v = self.values
        return RequestSummary(
            id=request_id,
            number=number,
            partner_id=v["partner_id"],
            service_id=v["service_id"],
            service_name=self.service_name,
            summary=v["summary"],
            details=v["details"],
            impact=Impact(v["impact"]),
            urgency=Urgency(v["urgency"]),
            priority=Priority(v["priority"]),
            status=RequestStatus.NEW,
            assignee_id=None,
            needed_by=v["needed_by"],
            opened_at=v["opened_at"],
            first_response_due=v["first_response_due"],
            resolution_due=v["resolution_due"],
            next_update_due=v["next_update_due"],
            card_channel=v["card_channel"],
            card_ts=None,
            partner_channel=None,
            partner_ts=None,
            source_link=v["source_link"],
        )

    def opened_event(self, request: RequestSummary) -> dict[str, Any]:
        needed_by, offered = self.form.needed_by, self.form.offered_fixes
        return {
            "request_id": request.id,
            "at": self.now,
            "kind": "opened",
            "actor_id": request.partner_id,
            "partner_visible": True,
            "text": request.summary,
            "data": {
                "service": request.service_id,
                "impact": request.impact.value,
                "urgency": request.urgency.value,
                "priority": request.priority.value,
                "details": request.details,
                "needed_by": needed_by.isoformat() if needed_by else None,
                **({"offered_fixes": list(offered)} if offered else {}),
                **({"others_reporting": True} if self.others_reporting else {}),
            },
        }


class IntakeService:
    """Files requests: each is committed, with its history and notices, before it is answered."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        default_triage_channel: str,
        committed: Callable[[], None],
        others_reporting: Callable[[str], Awaitable[bool]] | None = None,
    ) -> None:
        """Keep what filing needs; `committed` wakes the outbox after each commit.

        `others_reporting` says, from memory, whether others are reporting problems with a
        service right now (a suspected outage), so the confirmation can say so.
        """
        self._others_reporting = others_reporting
        self._catalogue = catalogue
        self._clock = clock
        self._default_channel = default_triage_channel
        self._filed_hooks: list[FiledHook] = []
        self._timers_for: list[TimersFor] = []
        self._writer: GroupCommit[_Filing, RequestSummary] = GroupCommit(
            database=database, write=self._store, committed=committed
        )

    def on_filed(self, hook: FiledHook) -> None:
        """Run `hook` inside each filing's transaction (outage links); order is kept."""
        self._filed_hooks.append(hook)

    def sets_timers(self, timers_for: TimersFor) -> None:
        """Add the timers `timers_for` names for each filing, in the filing's one timer insert."""
        self._timers_for.append(timers_for)

    def validate(self, form: RequestForm) -> None:
        """Check the form against the catalogue and today's date (no I/O)."""
        validate_form(form, catalogue=self._catalogue, now=self._clock.now())

    async def submit_request(self, form: RequestForm) -> RequestSummary:
        """Store a valid request with its history and queued notices; returns once committed.

        Filings that arrive together are committed together (see GroupCommit). Inside a
        write deadline, WriterBusy means nothing was stored and the partner should try again.
        """
        filing = self._prepare(form)
        if self._others_reporting is not None:
            service_id = filing.values["service_id"]
            filing = replace(filing, others_reporting=await self._others_reporting(service_id))
        summary = await self._writer.submit(filing)
        logger.info(
            "request filed request=%s service=%s priority=%s partner=%s",
            summary.ref,
            summary.service_id,
            summary.priority.value,
            summary.partner_id,
        )
        return summary

    def _prepare(self, form: RequestForm) -> _Filing:
        """Everything about a filing that needs no database: priority, targets, where it goes."""
        self.validate(form)
        assert form.service_id is not None and form.impact is not None
        service = self._catalogue.service(form.service_id)
        assert service is not None
        now = self._clock.now()
        impact = Impact(form.impact)
        urgency = self._catalogue.urgency_for(form.needed_by, now)
        priority = self._catalogue.priority_for(impact, urgency)
        first_response_due = self._catalogue.first_response_due(service, priority, now)
        values = {
            "partner_id": form.partner_id,
            "service_id": service.id,
            "summary": " ".join((form.summary or "").split()),
            "details": (form.details or "").strip(),
            "impact": impact.value,
            "urgency": urgency.value,
            "priority": priority.value,
            "needed_by": form.needed_by,
            "status": RequestStatus.NEW.value,
            "card_channel": service.triage_channel or self._default_channel,
            "source_link": form.source_link or None,
            "opened_at": now,
            "updated_at": now,
            "first_response_due": first_response_due,
            "resolution_due": self._catalogue.resolution_due(service, priority, now),
            "next_update_due": first_response_due,
        }
        return _Filing(form=form, service_name=service.name, values=values, now=now)

    async def _store(
        self, session: AsyncSession, filings: Sequence[_Filing]
    ) -> list[RequestSummary]:
        """Write a batch: numbers, rows, history, timers and notices, a statement for each kind."""
        numbers = await numbering.take_numbers(session, REQUEST_COUNTER, len(filings))
        ids = await requests.insert_many(
            session, [f.row(n) for f, n in zip(filings, numbers, strict=True)]
        )
        filed = [f.summary(i, n) for f, i, n in zip(filings, ids, numbers, strict=True)]
        await history.append_many(
            session, [f.opened_event(r) for f, r in zip(filings, filed, strict=True)]
        )
        now = self._clock.now()
        rows = [row for timers_for in self._timers_for for row in timers_for(filed, now)]
        await timers.schedule_many(session, rows, now=now)
        for hook in self._filed_hooks:
            await hook(session, filed, now)
        others_reporting = {r.id for f, r in zip(filings, filed, strict=True) if f.others_reporting}
        await notices.requests_opened(
            session, requests=filed, now=now, others_reporting=others_reporting
        )
        return filed
