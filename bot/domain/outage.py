"""Outages, degradations and planned maintenance: their values and the read models views use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

OUTAGE_PREFIX = "OUT-"
# What an update can change, in the words partners read ("Changed: workaround, end time.").
CHANGED_KIND = "how bad it is"
CHANGED_SUMMARY = "what partners notice"
CHANGED_WORKAROUND = "workaround"
CHANGED_NEXT_UPDATE = "next update time"
CHANGED_START = "start time"
CHANGED_END = "end time"


class OutageKind(StrEnum):
    """What is wrong with a service, or what is planned for it."""

    OUTAGE = "outage"
    DEGRADATION = "degradation"
    MAINTENANCE = "maintenance"

    @property
    def label(self) -> str:
        """Text shown to people."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    OutageKind.OUTAGE: "Outage",
    OutageKind.DEGRADATION: "Degradation",
    OutageKind.MAINTENANCE: "Planned maintenance",
}


class OutageStatus(StrEnum):
    """Outages are open, then resolved; maintenance is scheduled, then completed or cancelled."""

    OPEN = "open"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def is_live(self) -> bool:
        """True while people still need to hear about it."""
        return self in (OutageStatus.OPEN, OutageStatus.SCHEDULED)


class OutageEvent(StrEnum):
    """Something that happened to an outage that people are told about."""

    DECLARED = "declared"
    UPDATED = "updated"
    RESOLVED = "resolved"
    SCHEDULED = "scheduled"
    REMINDER = "reminder"
    HOLDING = "holding"  # a promised update lapsed: no news yet, and a new time
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def format_outage_number(number: int) -> str:
    """OUT-3, the way people quote an outage."""
    return f"{OUTAGE_PREFIX}{number}"


def parse_outage_number(text: str) -> int | None:
    """Read OUT-3, out-3 or 3; None when it is not an outage number."""
    cleaned = text.strip().upper().removeprefix(OUTAGE_PREFIX)
    return int(cleaned) if cleaned.isdigit() and 0 < len(cleaned) < 10 else None


@dataclass(frozen=True)
class OutageSummary:
    """What views need to show one outage or maintenance window."""

    id: int
    number: int
    service_id: str
    service_name: str
    kind: OutageKind
    status: OutageStatus
    summary: str  # what partners notice, as typed
    workaround: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    next_update_due: dt.datetime | None
    declared_by: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None = None
    resolution: str = ""
    announcement_channel: str | None = None
    update_overdue_since: dt.datetime | None = None  # a promised update passed unsent (as_of)

    @property
    def ref(self) -> str:
        """OUT-3."""
        return format_outage_number(self.number)

    @property
    def is_maintenance(self) -> bool:
        """Planned work rather than something that broke."""
        return self.kind is OutageKind.MAINTENANCE

    def in_progress(self, now: dt.datetime) -> bool:
        """An open outage, or maintenance whose window has begun and not ended."""
        if self.status is OutageStatus.OPEN:
            return True
        return self.status is OutageStatus.SCHEDULED and self.starts_at <= now


@dataclass(frozen=True)
class OutageBanner:
    """One known problem shown at the top of the request form, with the viewer's follow state."""

    number: int
    service_name: str
    kind: OutageKind
    summary: str
    workaround: str
    next_update_due: dt.datetime | None
    ends_at: dt.datetime | None
    following: bool = False
    update_overdue_since: dt.datetime | None = None

    @property
    def ref(self) -> str:
        """OUT-3."""
        return format_outage_number(self.number)


@dataclass(frozen=True)
class OutageChange:
    """One change to an outage, with the outage as it is after it, for the notices to render."""

    event: OutageEvent
    outage: OutageSummary
    actor_id: str | None  # None when the clock did it (reminders, the end of maintenance)
    message: str = ""  # what the technician wrote for partners (raw, as typed)
    changed: tuple[str, ...] = ()  # what changed, in words ("next update time", "workaround")


@dataclass(frozen=True)
class OutageOutcome:
    """What a technician's change did: the outage now, who is being told, what is still linked."""

    outage: OutageSummary
    notified: int  # people sent a direct message about this change
    linked_open: tuple[str, ...] = ()  # refs of open requests linked to the outage
    unlinked_open: tuple[str, ...] = ()  # open requests on the service filed before it


@dataclass(frozen=True)
class OutageBoard:
    """What `/request outages` shows: live outages, upcoming maintenance, and who may act."""

    current: tuple[OutageSummary, ...]
    upcoming: tuple[OutageSummary, ...]
    can_manage: bool


@dataclass(frozen=True)
class LinkedResolution:
    """What happened when a technician resolved an outage's linked requests together."""

    outage_ref: str
    resolved: tuple[str, ...]  # request refs
    skipped: tuple[tuple[str, str], ...]  # (request ref, why)


def as_of(outage: OutageSummary, now: dt.datetime) -> OutageSummary:
    """The outage as shown at `now`: a promised update time that has passed is never shown as
    if it were still ahead; it becomes `update_overdue_since` instead."""
    due = outage.next_update_due
    if due is None or due > now or not outage.status.is_live:
        return outage
    return replace(outage, next_update_due=None, update_overdue_since=due)
