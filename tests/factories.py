"""Small builders with sensible defaults for storage and service tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import numbering, requests
from storage.models import Request


async def make_request(session: AsyncSession, *, now: dt.datetime, **overrides: Any) -> Request:
    """Insert a plausible open request; any column can be overridden."""
    number = await numbering.next_number(session, "request")
    fields: dict[str, Any] = {
        "number": number,
        "partner_id": "U0PARTNER",
        "service_id": "network",
        "summary": f"Request {number}",
        "details": "",
        "impact": "degraded",
        "urgency": "low",
        "priority": "P3",
        "status": "new",
        "card_channel": "C0TRIAGE",
        "opened_at": now,
        "updated_at": now,
        "first_response_due": now + dt.timedelta(hours=4),
        "resolution_due": now + dt.timedelta(days=3),
    }
    fields.update(overrides)
    return await requests.insert_request(session, **fields)
