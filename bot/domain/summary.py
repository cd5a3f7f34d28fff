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

    @property
    def ref(self) -> str:
        """REQ-42."""
        return format_number(self.number)
