"""Read models of the App Home: what each kind of person sees on Liaison's Home tab."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.digest import Period, PeriodFigures
from bot.domain.outage import OutageSummary
from bot.domain.summary import RequestSummary


class HomeAudience(StrEnum):
    """Whose Home it is; decides the sections."""

    PARTNER = "partner"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"


@dataclass(frozen=True)
class ClosedRequest:
    """A finished request and how it finished (a history kind: resolve, confirm, ...)."""

    request: RequestSummary
    how: str | None


@dataclass(frozen=True)
class Listing:
    """The first few items of a list and how many there are in all."""

    shown: tuple[RequestSummary, ...] = ()
    total: int = 0

    @property
    def hidden(self) -> int:
        """How many are not shown ("and N more")."""
        return max(0, self.total - len(self.shown))


@dataclass(frozen=True)
class WeekFigures:
    """The supervisors' headline figures of the last days: the digest's figures, same period."""

    period: Period
    figures: PeriodFigures

    @property
    def since(self) -> dt.datetime:
        """Where the period starts."""
        return self.period.start

    @property
    def until(self) -> dt.datetime:
        """Where it ends (now, included)."""
        return self.period.end


@dataclass(frozen=True)
class HomeContent:
    """Everything one person's Home shows; sections that do not apply stay empty."""

    user_id: str
    audience: HomeAudience
    now: dt.datetime
    open_requests: Listing = field(default_factory=Listing)
    recently_closed: tuple[ClosedRequest, ...] = ()
    outages: tuple[OutageSummary, ...] = ()
    unclaimed: Listing = field(default_factory=Listing)
    mine: Listing = field(default_factory=Listing)
    near_breach: Listing = field(default_factory=Listing)
    figures: WeekFigures | None = None
