"""Filing a request: validate the form, number it, store it, queue the notices."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.domain.errors import FieldErrors
from bot.domain.model import Impact, RequestStatus, format_number
from bot.services import notices
from bot.services.queries import RequestSummary, summarise
from bot.views.ids import BlockId
from bot.views.request_modal import DETAILS_MAX, SUMMARY_MAX
from storage import history, numbering, requests
from storage.engine import Database

logger = logging.getLogger(__name__)
REQUEST_COUNTER = "request"
FiledHook = Callable[[AsyncSession, RequestSummary, dt.datetime], Awaitable[None]]


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


class IntakeService:
    """Files requests; one transaction per request, notifications included."""

    def __init__(
        self,
        *,
        database: Database,
        catalogue: Catalogue,
        clock: Clock,
        default_triage_channel: str,
        committed: Callable[[], None],
    ) -> None:
        """Keep what filing needs; `committed` wakes the outbox after each commit."""
        self._db = database
        self._catalogue = catalogue
        self._clock = clock
        self._default_channel = default_triage_channel
        self._committed = committed
        self._filed_hooks: list[FiledHook] = []

    def on_filed(self, hook: FiledHook) -> None:
        """Run `hook` inside each filing's transaction (timers, outage links); order is kept."""
        self._filed_hooks.append(hook)

    def validate(self, form: RequestForm) -> None:
        """Check the form against the catalogue and today's date (no I/O)."""
        validate_form(form, catalogue=self._catalogue, now=self._clock.now())

    async def submit_request(self, form: RequestForm) -> RequestSummary:
        """Store a valid request with its history and queued notices; returns its summary."""
        self.validate(form)
        assert form.service_id is not None and form.impact is not None
        service = self._catalogue.service(form.service_id)
        assert service is not None
        now = self._clock.now()
        impact = Impact(form.impact)
        urgency = self._catalogue.urgency_for(form.needed_by, now)
        priority = self._catalogue.priority_for(impact, urgency)
        first_response_due = self._catalogue.first_response_due(service, priority, now)
        async with self._db.transaction() as session:
            number = await numbering.next_number(session, REQUEST_COUNTER)
            row = await requests.insert_request(
                session,
                number=number,
                partner_id=form.partner_id,
                service_id=service.id,
                summary=" ".join((form.summary or "").split()),
                details=(form.details or "").strip(),
                impact=impact.value,
                urgency=urgency.value,
                priority=priority.value,
                needed_by=form.needed_by,
                status=RequestStatus.NEW.value,
                card_channel=service.triage_channel or self._default_channel,
                source_link=form.source_link or None,
                opened_at=now,
                updated_at=now,
                first_response_due=first_response_due,
                resolution_due=self._catalogue.resolution_due(service, priority, now),
                next_update_due=first_response_due,
            )
            await history.append_event(
                session,
                request_id=row.id,
                at=now,
                kind="opened",
                actor_id=form.partner_id,
                partner_visible=True,
                text=row.summary,
                data={
                    "service": service.id,
                    "impact": impact.value,
                    "urgency": urgency.value,
                    "priority": priority.value,
                    "details": row.details,
                    "needed_by": form.needed_by.isoformat() if form.needed_by else None,
                },
            )
            summary = summarise(row, service_name=service.name)
            for hook in self._filed_hooks:
                await hook(session, summary, now)
            await notices.request_opened(session, request=summary, now=now)
        self._committed()
        logger.info(
            "request filed request=%s service=%s priority=%s partner=%s",
            format_number(number),
            service.id,
            priority.value,
            form.partner_id,
        )
        return summary
