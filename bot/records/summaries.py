"""Read models handed to views and handlers; no ORM object leaves the services."""

from __future__ import annotations

from bot.catalogue import Catalogue
from bot.domain.model import Impact, Priority, RequestStatus, Urgency
from bot.domain.summary import RequestSummary
from storage.models import Request

__all__ = ["RequestSummary", "summarise", "summarise_in"]


def summarise(row: Request, *, service_name: str) -> RequestSummary:
    """Copy a row into its read model."""
    return RequestSummary(
        id=row.id,
        number=row.number,
        partner_id=row.partner_id,
        service_id=row.service_id,
        service_name=service_name,
        summary=row.summary,
        details=row.details,
        impact=Impact(row.impact),
        urgency=Urgency(row.urgency),
        priority=Priority(row.priority),
        status=RequestStatus(row.status),
        assignee_id=row.assignee_id,
        needed_by=row.needed_by,
        opened_at=row.opened_at,
        first_response_due=row.first_response_due,
        resolution_due=row.resolution_due,
        next_update_due=row.next_update_due,
        card_channel=row.card_channel,
        card_ts=row.card_ts,
        partner_channel=row.partner_channel,
        partner_ts=row.partner_ts,
        source_link=row.source_link,
        paused_at=row.paused_at,
        first_response_breached_at=row.first_response_breached_at,
        resolution_breached_at=row.resolution_breached_at,
        first_responded_at=row.first_responded_at,
        last_partner_update_at=row.last_partner_update_at,
        resolved_at=row.resolved_at,
    )


def summarise_in(row: Request, catalogue: Catalogue) -> RequestSummary:
    """Copy a row into its read model, naming its service as the catalogue does."""
    service = catalogue.service(row.service_id)
    return summarise(row, service_name=service.name if service else row.service_id)
