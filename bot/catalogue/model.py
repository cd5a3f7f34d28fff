"""The catalogue as checked values: services, levels, urgency, and the arithmetic of targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.domain.calendar import BusinessCalendar
from bot.domain.levels import ServiceLevel
from bot.domain.model import Impact, Priority, Urgency
from bot.domain.promises import cadence_due
from bot.domain.targets import Target, target_due

DEFAULT_BURST_REPORTS = 3
DEFAULT_BURST_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class ServiceReply:
    """One saved reply of a service: what technicians pick it by, and what it fills in."""

    title: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Service:
    """One service a shop offers, with the levels promised at each priority."""

    id: str
    name: str
    description: str
    owner: str
    triage_channel: str | None = None  # None: the app's default TRIAGE_CHANNEL
    third_party_pauses_clock: bool = False
    levels: Mapping[Priority, ServiceLevel] = field(hash=False)
    # A suspected outage: this many requests on the service within this window, none declared.
    burst_reports: int = DEFAULT_BURST_REPORTS
    burst_window: timedelta = DEFAULT_BURST_WINDOW
    # Saved replies technicians can start a message from, as written in the catalogue.
    replies: tuple[ServiceReply, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UrgencyRule:
    """How much business time before "needed by" makes a request high or medium urgency."""

    high_within: timedelta
    medium_within: timedelta


@dataclass(frozen=True, kw_only=True)
class Catalogue:
    """The whole catalogue file, checked, with the arithmetic that derives from it."""

    path: Path
    organisation: str
    calendar: BusinessCalendar
    urgency: UrgencyRule
    matrix: Mapping[Impact, Mapping[Urgency, Priority]] = field(hash=False)
    services: tuple[Service, ...]

    def service(self, service_id: str) -> Service | None:
        """The service with this id, or None (ids come back from Slack select options)."""
        return next((s for s in self.services if s.id == service_id), None)

    def urgency_for(self, needed_by: date | None, now: datetime) -> Urgency:
        """Urgency from the business time left until the end of the working day `needed_by`."""
        if needed_by is None:
            return Urgency.LOW
        left = self.calendar.elapsed(now, self.calendar.closing_time(needed_by))
        if left <= self.urgency.high_within:
            return Urgency.HIGH
        return Urgency.MEDIUM if left <= self.urgency.medium_within else Urgency.LOW

    def priority_for(self, impact: Impact, urgency: Urgency) -> Priority:
        """The matrix cell: priority is derived, never typed by the partner."""
        return self.matrix[impact][urgency]

    def level(self, service: Service, priority: Priority) -> ServiceLevel:
        """The levels `service` promises at `priority`, overrides already merged."""
        return service.levels[priority]

    def first_response_due(
        self, service: Service, priority: Priority, opened_at: datetime
    ) -> datetime:
        """When someone must first answer a request opened at `opened_at`."""
        level = self.level(service, priority)
        return target_due(self.calendar, level, Target.FIRST_RESPONSE, opened_at)

    def resolution_due(self, service: Service, priority: Priority, opened_at: datetime) -> datetime:
        """When a request opened at `opened_at` should be resolved."""
        level = self.level(service, priority)
        return target_due(self.calendar, level, Target.RESOLUTION, opened_at)

    def next_update_due(self, service: Service, priority: Priority, after: datetime) -> datetime:
        """When the partner is owed the next proactive update after one sent at `after`."""
        return cadence_due(self.calendar, self.level(service, priority), after)


class CatalogueError(Exception):
    """A catalogue problem a person can fix; str() is "<file>:<line>: <reason>".

    `problems` holds every problem found in the same reading (this one first), one line each.
    """

    def __init__(self, path: Path, line: int | None, reason: str) -> None:
        """Keep the parts so the CLI and tests can use them separately."""
        super().__init__(path, line, reason)
        self.path = path
        self.line = line
        self.reason = reason
        self.problems: tuple[CatalogueError, ...] = (self,)

    def __str__(self) -> str:
        """File, line (when known) and reason, the way compilers report."""
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        return f"{where}: {self.reason}"
