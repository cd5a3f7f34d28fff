"""Plain domain values shared by services, views and handlers."""

from __future__ import annotations

from enum import StrEnum


class Impact(StrEnum):
    """How far the partner's mission is affected, in the partner's own words."""

    STOPPED = "stopped"
    DEGRADED = "degraded"
    WORKAROUND = "workaround"
    NONE = "none"

    @property
    def label(self) -> str:
        """Text shown to people."""
        return _IMPACT_LABELS[self]


_IMPACT_LABELS = {
    Impact.STOPPED: "Mission stopped",
    Impact.DEGRADED: "Mission degraded",
    Impact.WORKAROUND: "Workaround exists",
    Impact.NONE: "No mission impact",
}


class Urgency(StrEnum):
    """How soon the partner needs it, derived from the "needed by" date."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Priority(StrEnum):
    """Derived priority; P1 is the most urgent. Never typed by the partner."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class RequestStatus(StrEnum):
    """Where a request stands in its life."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_PARTNER = "waiting_partner"
    WAITING_THIRD_PARTY = "waiting_third_party"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """Text shown to people."""
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """True while someone still owes the partner work."""
        return self not in (RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.WITHDRAWN)


_STATUS_LABELS = {
    RequestStatus.NEW: "New, not yet claimed",
    RequestStatus.IN_PROGRESS: "In progress",
    RequestStatus.WAITING_PARTNER: "Waiting on partner",
    RequestStatus.WAITING_THIRD_PARTY: "Waiting on third party",
    RequestStatus.RESOLVED: "Resolved",
    RequestStatus.CLOSED: "Closed",
    RequestStatus.WITHDRAWN: "Withdrawn",
}

REQUEST_PREFIX = "REQ-"


def format_number(number: int) -> str:
    """Render a request number the way partners quote it (REQ-42)."""
    return f"{REQUEST_PREFIX}{number}"


def parse_number(text: str) -> int | None:
    """Read REQ-42, req-42 or 42; None when it is not a request number."""
    cleaned = text.strip().upper().removeprefix(REQUEST_PREFIX)
    return int(cleaned) if cleaned.isdigit() and len(cleaned) < 10 else None
