"""The read model of one request that views render and services return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.model import Impact, Priority, RequestStatus, Urgency, format_number


@dataclass(frozen=True)
class RequestSummary:
    """What views need to show one request."""

    id: int
    number: int
    partner_id: str
    service_id: str
    service_name: str
    summary: str
    details: str
    impact: Impact
    urgency: Urgency
    priority: Priority
    status: RequestStatus
    assignee_id: str | None
    needed_by: dt.date | None
    opened_at: dt.datetime
    first_response_due: dt.datetime
    resolution_due: dt.datetime
    next_update_due: dt.datetime | None
    card_channel: str
    card_ts: str | None
    partner_channel: str | None
    partner_ts: str | None
    source_link: str | None
    paused_at: dt.datetime | None = None
    first_response_breached_at: dt.datetime | None = None
    resolution_breached_at: dt.datetime | None = None
    first_responded_at: dt.datetime | None = None
    last_partner_update_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None

    @property
    def ref(self) -> str:
        """REQ-42."""
        return format_number(self.number)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a request's history as people see it."""

    at: dt.datetime
    kind: str
    actor_id: str | None
    partner_visible: bool
    text: str
    data: dict[str, object]


@dataclass(frozen=True)
class Change:
    """One change to a request, with the request as it is after it, for the notices to render."""

    action: str  # a bot.domain.transitions.Action value
    actor_id: str
    request: RequestSummary
    previous_status: RequestStatus
    previous_priority: Priority
    previous_assignee: str | None
    partner_message: str = ""  # shown to the partner (raw, as typed)
    internal_note: str = ""  # shown only in the card's thread (raw, as typed)
    shared_fix: bool = False  # a resolution the technician shared with later partners
    # Resolved with an outage (its ref) whose resolution the partner was already sent.
    with_outage: str | None = None
